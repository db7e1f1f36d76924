import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import readline from 'node:readline';
import { createServices, openDatabase } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createMemoryBus } from '../../src/platform/events/bus.ts';

/**
 * One import run in its own process (so its peak RSS is its own): imports the given files in order into a
 * new workspace and prints one JSON line: seconds, CPU seconds and rows per file, and the process's peak RSS.
 * With BENCH_STEPS=1 it also prints `{"step":n}` once the workspace exists (n = 0) and after each file
 * (n = 1, 2, …), and waits for a line on stdin before going on: the bench measures the database in between.
 * With BENCH_CPU_PROF=<dir> it writes one CPU profile per file there (import-<n>.cpuprofile; this thread only).
 * Usage: node --import tsx bench/import/import-child.ts <file>... (RAPPORT_DATA_DIR / DATABASE_URL as usual)
 */
const files = process.argv.slice(2);
const steps = process.env.BENCH_STEPS === '1';
const rl = steps ? readline.createInterface({ input: process.stdin }) : undefined;
const lines = rl?.[Symbol.asyncIterator]();
const step = async (n: number) => {
  if (!lines) return;
  console.log(JSON.stringify({ step: n }));
  await lines.next();
};
const profDir = process.env.BENCH_CPU_PROF;
const session = profDir ? new Session() : undefined;
session?.connect();
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const conn = await openDatabase(config);
const s = createServices(conn, createMemoryBus(), config);
const ws = await s.workspaces.createWorkspace({
  name: `Bench ${Date.now()}`,
  timezone: 'UTC',
  currency: 'USD',
  region: 'US',
});
await step(0);
const out: { file: string; seconds: number; cpuSeconds: number; records: number; counts: unknown }[] = [];
for (const [i, file] of files.entries()) {
  if (session) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await s.imports.runImport({ workspaceId: ws.id, file, currency: 'USD' });
  const cpu = process.cpuUsage(cpu0);
  if (session && profDir) {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(profDir, { recursive: true });
    fs.writeFileSync(path.join(profDir, `import-${i + 1}.cpuprofile`), JSON.stringify(profile));
  }
  out.push({
    file,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    records: r.run?.recordsDone ?? 0,
    counts: r.counts,
  });
  await step(i + 1);
}
await conn.close();
rl?.close();
session?.disconnect();
console.log(JSON.stringify({ files: out, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
