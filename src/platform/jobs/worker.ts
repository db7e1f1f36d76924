import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';

export type WorkerMessage = { type: string; [k: string]: unknown };

/**
 * Run a TypeScript worker script in a worker thread (with tsx, so it needs no build), so heavy work never
 * blocks the HTTP event loop. `onMessage` sees every message the worker posts; the promise settles with
 * the worker's last `{ type: 'done' }` message or its error.
 */
export function runWorker(
  script: URL,
  workerData: unknown,
  onMessage: (m: WorkerMessage) => void,
): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    // Node 20 does not apply `--import tsx` to a worker's entry module: register tsx first, then load the script.
    const tsx = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); })`;
    const w = new Worker(boot, { eval: true, workerData });
    let last: WorkerMessage | undefined;
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') last = m;
      if (m.type === 'error')
        reject(
          typeof m.code === 'string' && typeof m.status === 'number'
            ? new AppError(m.code, String(m.message), m.status)
            : Object.assign(
                new Error(String(m.message)),
                typeof m.driverCode === 'string' ? { code: m.driverCode } : {},
              ),
        );
      onMessage(m);
    });
    w.on('error', reject);
    w.on('exit', (code) =>
      last ? resolve(last) : reject(new Error(`worker stopped (exit ${code}) before finishing`)),
    );
  });
}
