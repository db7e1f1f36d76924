/**
 * The Rapport server under test, in its own process (so its RSS and CPU are its own): the whole app
 * as `rapport` serves it, without the web UI, listening on 127.0.0.1 on a free port.
 * Environment: the usual RAPPORT_DATA_DIR / DATABASE_URL / LOG_LEVEL.
 * Protocol with the parent (IPC): sends `{ port }` once listening; on `'gc'` runs a full GC
 * (when started with --expose-gc) and answers `'gc-done'`; exits on `'stop'`.
 */
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { serveUntilStopped } from './child.ts';

const running = await buildApp(loadConfig({ ...process.env, HOST: '127.0.0.1', PORT: '0' }), {
  serveWeb: false,
});
await running.app.listen({ host: '127.0.0.1', port: 0 });
serveUntilStopped(running.app.server, () => running.close());
