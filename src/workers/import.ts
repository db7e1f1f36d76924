import { parentPort, workerData } from 'node:worker_threads';
import { createServices, openDatabase } from '../app.ts';
import type { Config } from '../platform/config.ts';
import { createMemoryBus } from '../platform/events/bus.ts';
import { AppError } from '../platform/errors.ts';
import type { ImportOptions } from '../modules/imports/index.ts';

/** An import in a worker thread with its own database connection: the server's event loop stays free. */
type Data = {
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize' | 'sessionDays'>;
  options: Omit<ImportOptions, 'onProgress' | 'onStarted'>;
};
const { config, options } = workerData as Data;
const post = (m: Record<string, unknown>) => parentPort?.postMessage(m);

/** Open this worker's connection; SQLite kept busy past its timeout by the other workers is waited out. */
async function open() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openDatabase(config, undefined, { migrate: false });
    } catch (err) {
      if (attempt >= 5 || !/^SQLITE_BUSY/.test(String((err as { code?: unknown }).code))) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
const conn = await open();
try {
  const services = createServices(conn, createMemoryBus(), config);
  const result = await services.imports.runImport({
    ...options,
    onStarted: (runId) => post({ type: 'started', runId }),
    onProgress: (p) => post({ type: 'progress', ...p }),
  });
  post({ type: 'done', result });
} catch (err) {
  post({
    type: 'error',
    message: err instanceof Error ? err.message : String(err),
    ...(err instanceof AppError && { code: err.code, status: err.status }),
    // the driver's code (SQLITE_BUSY, 57P01, …), so the server can answer 503 rather than 500
    ...(!(err instanceof AppError) &&
      typeof (err as { code?: unknown } | null)?.code === 'string' && {
        driverCode: (err as { code: string }).code,
      }),
  });
} finally {
  await conn.close();
}
