import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';

/** A Rapport server for the "API while importing" measurement: prints {port, key} once listening. */
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', PORT: '0' });
const r = await buildApp(config, { serveWeb: false });
const ws = await r.services.workspaces.createWorkspace({
  name: `Bench API ${Date.now()}`,
  timezone: 'UTC',
  currency: 'USD',
  region: 'US',
});
const { key } = await r.services.access.createApiKey(
  ws.id,
  { name: 'bench', scopes: ['read', 'write'] },
  'bench',
);
await r.app.listen({ port: 0, host: '127.0.0.1' });
const addr = r.app.server.address();
console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0, key }));
process.on('SIGTERM', () => void r.close().then(() => process.exit(0)));
