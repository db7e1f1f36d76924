import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type RunningApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/platform/config.ts';

/**
 * Build web/dist when it is missing or older than the sources (the browser project's global setup already
 * did, once per run; here for a suite run on its own).
 */
export { ensureWebBuilt } from '../../../scripts/build.js';

export type TestServer = { url: string; dataDir: string; app: RunningApp; close: () => Promise<void> };

/**
 * A real Rapport server on a free port with a fresh data dir, serving the built web app. `clock`: the
 * complaint and analytics clock (for tests that move time on, e.g. to a follow-up check days later). `env`:
 * more settings (RAPPORT_SMTP_URL of a test mail server). `outbox`: send queued messages from this process, as
 * a production server does (its other background jobs, the prediction refits, stay off).
 */
export async function startServer(
  opts: { clock?: () => Date; env?: Record<string, string>; outbox?: boolean } = {},
): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-e2e-'));
  const config = loadConfig({ ...opts.env, RAPPORT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  const app = await buildApp(config, {
    ...(opts.clock && { clock: opts.clock }),
    ...(opts.outbox && { outbox: true }),
  });
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server has no port');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    dataDir,
    app,
    close: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
