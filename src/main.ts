import { buildApp } from './app.ts';
import { loadConfig } from './platform/config.ts';

/** Composition root: config → db → migrate (fail closed) → http. */
async function main() {
  const config = loadConfig();
  const running = await buildApp(config, { jobs: true });
  const { app } = running;
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const where =
    running.conn.dialect === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${config.dataDir}`;
  app.log.info(`Rapport is running on http://${config.host}:${config.port} — data: ${where}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
