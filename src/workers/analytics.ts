import { parentPort, workerData } from 'node:worker_threads';
import { createServices, openDatabase } from '../app.ts';
import type { Config } from '../platform/config.ts';
import { createMemoryBus } from '../platform/events/bus.ts';
import { AppError } from '../platform/errors.ts';

/** A prediction refit in a worker thread with its own database connection: the server's event loop stays free. */
type Data = {
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize' | 'sessionDays'>;
  workspaceId: string;
  trigger: string;
};
const { config, workspaceId, trigger } = workerData as Data;
const post = (m: Record<string, unknown>) => parentPort?.postMessage(m);

const conn = await openDatabase(config, undefined, { migrate: false });
try {
  const services = createServices(conn, createMemoryBus(), config);
  const result = await services.analytics.runRefit(workspaceId, {
    trigger,
    onProgress: (step) => post({ type: 'progress', step }),
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
