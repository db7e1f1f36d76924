import { createServices, openDatabase } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createMemoryBus } from '../../src/platform/events/bus.ts';

/**
 * One import run in its own process (so its peak RSS is its own): imports the given files in order into a
 * new workspace and prints one JSON line: seconds and rows per file, and the process's peak RSS.
 * Usage: node --import tsx bench/import/import-child.ts <file>... (RAPPORT_DATA_DIR / DATABASE_URL as usual)
 */
const files = process.argv.slice(2);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const conn = await openDatabase(config);
const s = createServices(conn, createMemoryBus(), config);
const ws = await s.workspaces.createWorkspace({
  name: `Bench ${Date.now()}`,
  timezone: 'UTC',
  currency: 'USD',
  region: 'US',
});
const out: { file: string; seconds: number; records: number; counts: unknown }[] = [];
for (const file of files) {
  const t0 = performance.now();
  const r = await s.imports.runImport({ workspaceId: ws.id, file, currency: 'USD' });
  out.push({
    file,
    seconds: (performance.now() - t0) / 1000,
    records: r.run?.recordsDone ?? 0,
    counts: r.counts,
  });
}
await conn.close();
console.log(JSON.stringify({ files: out, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
