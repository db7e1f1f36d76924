import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { testCompiledDist } from '../config.ts';
import { AppError, isErrorCode } from '../errors.ts';

export type WorkerMessage = { type: string; [k: string]: unknown };

/**
 * Run a worker script (`new URL('./workers/x.ts', import.meta.url)`) in a worker thread, so heavy work never
 * blocks the HTTP event loop. Compiled (dist/, production) it runs the `.js` beside this module with plain
 * Node; from the TypeScript sources (`npm run dev`) it loads the `.ts` through tsx, and in tests the copy in
 * the freshly compiled dist/. `onMessage` sees every message the worker posts; the promise settles with the
 * worker's last `{ type: 'done' }` message or its error.
 */
export function runWorker(
  script: URL,
  workerData: unknown,
  onMessage: (m: WorkerMessage) => void,
): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const compiled = compiledScript(script);
    const w = compiled
      ? new Worker(compiled, { workerData })
      : new Worker(tsxBoot(script), { eval: true, workerData });
    let last: WorkerMessage | undefined;
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') last = m;
      if (m.type === 'error')
        reject(
          typeof m.code === 'string' && isErrorCode(m.code) && typeof m.status === 'number'
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

const SRC = new URL('../../', import.meta.url);

/**
 * The compiled worker to run: the `.js` beside this module when it is compiled itself; from the sources, its
 * copy in the dist/ the test setup has just compiled (RAPPORT_TEST_DIST); else none (load the `.ts` with tsx).
 */
function compiledScript(script: URL): URL | undefined {
  if (import.meta.url.endsWith('.js')) return new URL(script.href.replace(/\.ts$/, '.js'));
  const dist = testCompiledDist();
  if (!dist || !script.href.startsWith(SRC.href)) return undefined;
  const relative = script.href.slice(SRC.href.length).replace(/\.ts$/, '.js');
  return new URL(relative, pathToFileURL(`${dist.replace(/\/$/, '')}/`));
}

/** Node 20 does not apply `--import tsx` to a worker's entry module: register tsx first, then load the script. */
function tsxBoot(script: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); })`;
}
