/**
 * bench/analytics-refit (issue 5): the whole refit of a workspace — purchases read from the orders, summary,
 * fits (Pareto/NBD, BG/NBD, Gamma-Gamma, holdout check), scores and chart data for every customer, one
 * prediction per customer written under the new run, the swap (the run marked finished) and the deletion of
 * the previous run's rows — in a worker thread with its own connection, exactly as the server runs it, while
 * this process serves the API and measures its latency (and checks every answer has a prediction).
 *
 *   node --import tsx bench/analytics-refit.ts [--customers 1000000] [--dialect sqlite|postgres] [--runs 2]
 *
 * Data: customers drawn from BG/NBD with the CDNOW parameters (per week), first purchases over a year,
 * purchases over two years, Gamma-Gamma amounts; written with direct bulk inserts (not the importer), cached
 * under bench/out/ (SQLite) or in the database rapport_bench_refit_<n> (PostgreSQL).
 * API latency: one client in this process sends GET /api/v1/customers/:id/predictions and GET /healthz back
 * to back (no think time) before and during the refit; p50 / p99 / max of each phase.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { simulateBgNbdLog } from '../src/stats/index.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { newId } from '../src/platform/db/ids.ts';
import { runWorker } from '../src/platform/jobs/worker.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    dialect: { type: 'string', default: 'sqlite' },
    runs: { type: 'string', default: '2' },
  },
});
const N = Number(args.customers);
const DIALECT = args.dialect as 'sqlite' | 'postgres';
const RUNS = Number(args.runs);
const OUT = path.resolve(import.meta.dirname, 'out', `refit-sqlite-${N}`);
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_DB = `rapport_bench_refit_${N}`;
const log = (s: string) => console.log(s);

const env = {
  RAPPORT_DATA_DIR: DIALECT === 'sqlite' ? OUT : path.resolve(import.meta.dirname, 'out', 'refit-pg-uploads'),
  DATABASE_URL: DIALECT === 'postgres' ? PG_ADMIN.replace(/\/postgres$/, `/${PG_DB}`) : '',
  LOG_LEVEL: 'silent',
  PORT: '0',
};
const config = loadConfig(env);

/** The purchase log: CDNOW's BG/NBD (weeks), first purchases over 52 weeks, two years of history up to today. */
function simulate() {
  const today = Math.floor(Date.now() / 86_400_000);
  return simulateBgNbdLog(
    { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    {
      customers: N,
      startDay: today - 730,
      cohortDays: 365,
      horizonDays: 730,
      unitDays: 7,
      spend: { p: 6.25, q: 3.74, gamma: 1544 }, // minor units
      seed: 11,
    },
  );
}

type Row = (string | number | null)[];
function* rows(ws: string) {
  const sim = simulate();
  const at = new Date().toISOString();
  const ids = Array.from({ length: N }, () => newId());
  const customers: Row[] = ids.map((id, i) => [
    ws,
    id,
    'person',
    `Customer ${i}`,
    `customer ${i}`,
    '{}',
    0,
    at,
    at,
  ]);
  yield { table: 'customers', cols: CUSTOMER_COLS, rows: customers };
  const orders: Row[] = [];
  for (let i = 0; i < sim.day.length; i++) {
    const total = Math.max(1, Math.round(sim.amount[i] as number));
    const placed = new Date((sim.day[i] as number) * 86_400_000 + 43_200_000).toISOString();
    orders.push([
      ws,
      newId(),
      ids[sim.customerId[i] as number] as string,
      'paid',
      'NGN',
      placed,
      total,
      0,
      0,
      0,
      total,
      0,
      at,
      at,
    ]);
  }
  yield { table: 'orders', cols: ORDER_COLS, rows: orders };
}
const CUSTOMER_COLS = [
  'workspace_id',
  'id',
  'kind',
  'name',
  'sort_name',
  'custom_fields',
  'consent_marketing',
  'created_at',
  'updated_at',
];
const ORDER_COLS = [
  'workspace_id',
  'id',
  'customer_id',
  'status',
  'currency',
  'placed_at',
  'subtotal',
  'discount',
  'tax',
  'shipping',
  'total',
  'refunded',
  'created_at',
  'updated_at',
];

async function seedSqlite(ws: string) {
  const db = new Database(path.join(OUT, 'rapport.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  for (const t of rows(ws)) {
    const stmt = db.prepare(
      `insert into ${t.table} (${t.cols.join(', ')}) values (${t.cols.map(() => '?').join(', ')})`,
    );
    const insert = db.transaction((batch: Row[]) => {
      for (const r of batch) stmt.run(r);
    });
    for (let i = 0; i < t.rows.length; i += 100_000) insert(t.rows.slice(i, i + 100_000));
    log(`  ${t.rows.length.toLocaleString('en-US')} ${t.table}`);
  }
  db.pragma('optimize');
  db.close();
}

async function seedPostgres(ws: string) {
  const c = new pg.Client({ connectionString: env.DATABASE_URL });
  await c.connect();
  for (const t of rows(ws)) {
    for (let i = 0; i < t.rows.length; i += 20_000) {
      const batch = t.rows.slice(i, i + 20_000);
      const types = t.cols.map((_, k) => (typeof batch[0]?.[k] === 'number' ? 'bigint[]' : 'text[]'));
      await c.query(
        `insert into ${t.table} (${t.cols.join(', ')}) select * from unnest(${t.cols.map((_, k) => `$${k + 1}::${types[k]}`).join(', ')})`,
        t.cols.map((_, k) => batch.map((r) => r[k])),
      );
    }
    log(`  ${t.rows.length.toLocaleString('en-US')} ${t.table}`);
  }
  await c.query('analyze');
  await c.end();
}

/** The bench workspace, seeded on first use. */
async function prepare(): Promise<{ ws: string; key: string; sampleIds: string[] }> {
  if (DIALECT === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [PG_DB]);
    if (!rowCount) await admin.query(`create database ${PG_DB}`);
    await admin.end();
  }
  const app = await buildApp(config, { serveWeb: false });
  const s = app.services;
  let w = await s.workspaces.findWorkspace('Refit bench');
  if (!w) {
    w = await s.workspaces.createWorkspace({
      name: 'Refit bench',
      timezone: 'Africa/Lagos',
      currency: 'NGN',
      region: 'NG',
    });
    await app.close();
    log(`seeding ${N.toLocaleString('en-US')} customers (${DIALECT}) …`);
    const t0 = performance.now();
    if (DIALECT === 'sqlite') await seedSqlite(w.id);
    else await seedPostgres(w.id);
    log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else await app.close();
  const again = await buildApp(config, { serveWeb: false });
  const { key } = await again.services.access.createApiKey(
    w.id,
    { name: 'bench', scopes: ['read', 'write', 'admin'] },
    'bench',
  );
  const sample = await again.conn.db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', w.id)
    .limit(1000)
    .execute();
  await again.close();
  return { ws: w.id, key, sampleIds: sample.map((r) => r.id) };
}

/**
 * CPU time of each thread of this process (Linux: /proc/self/task/<tid>/stat utime + stime, ms). Other sessions
 * share the machine, so wall times stretch with its load; the refit thread's own CPU time does not.
 */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return out; // not Linux
  }
  for (const tid of tasks) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, ((Number(f[11]) + Number(f[12])) * 1000) / 100); // fields 14, 15 in clock ticks (100 Hz)
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? NaN;
};
const stats = (xs: number[]) =>
  `n=${xs.length} p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

async function main() {
  log(
    `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, ${DIALECT}, ${N.toLocaleString('en-US')} customers`,
  );
  const { ws, key, sampleIds } = await prepare();
  const running = await buildApp(config, { serveWeb: false });
  const address = await running.app.listen({ port: 0, host: '127.0.0.1' });
  const headers = { authorization: `Bearer ${key}` };
  let stop = false;
  const latencies = { predictions: [] as number[], healthz: [] as number[] };
  const answers = { incomplete: 0, runs: new Set<string>() };
  async function client() {
    for (let i = 0; !stop; i++) {
      const id = sampleIds[i % sampleIds.length] as string;
      let t = performance.now();
      const r = await fetch(`${address}/api/v1/customers/${id}/predictions`, { headers });
      const body = (await r.json()) as { status: string; runId: string | null };
      if (r.status !== 200) throw new Error(`predictions: ${r.status}`);
      latencies.predictions.push(performance.now() - t);
      // readers see a whole run, the old one until the new one is complete: never a missing prediction
      if (body.status !== 'ready' && body.status !== 'no_run') answers.incomplete++;
      if (body.runId) answers.runs.add(body.runId);
      t = performance.now();
      await (await fetch(`${address}/healthz`)).arrayBuffer();
      latencies.healthz.push(performance.now() - t);
    }
  }
  // baseline: 5 s without a refit
  let c = client();
  await new Promise((r) => setTimeout(r, 5000));
  stop = true;
  await c;
  log(
    `API, idle:            predictions ${stats(latencies.predictions)}; healthz ${stats(latencies.healthz)}`,
  );
  const workerConfig = {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    databasePoolSize: 2,
    sessionDays: 14,
  };
  for (let run = 0; run < RUNS; run++) {
    latencies.predictions = [];
    latencies.healthz = [];
    answers.incomplete = 0;
    answers.runs.clear();
    stop = false;
    c = client();
    const load = os.loadavg()[0] ?? NaN;
    const t0 = performance.now();
    let peakRss = 0;
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
    // CPU of every thread at each step the worker reports: the refit thread is the one that used the most
    const marks: { step: string; cpu: Map<string, number> }[] = [{ step: 'start', cpu: threadCpuMs() }];
    const done = await runWorker(
      new URL('../src/workers/analytics.ts', import.meta.url),
      { config: workerConfig, workspaceId: ws, trigger: 'manual' },
      (m) => {
        if (m.type === 'progress') marks.push({ step: String(m.step), cpu: threadCpuMs() });
      },
    );
    const endCpu = threadCpuMs();
    const wall = performance.now() - t0;
    clearInterval(rssTimer);
    stop = true;
    await c;
    const result = done.result as { status: string; customers: number; timings: Record<string, number> };
    log(
      `refit ${run + 1}: ${(wall / 1000).toFixed(1)} s wall (incl. worker start), ${result.status}, ${result.customers.toLocaleString('en-US')} customers, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; load average ${load.toFixed(1)} before, ${os.loadavg()[0]?.toFixed(1)} after (${os.cpus().length} cores)`,
    );
    log(`  timings: ${JSON.stringify(result.timings)}`);
    log(
      `  API during the refit: predictions ${stats(latencies.predictions)}; healthz ${stats(latencies.healthz)}`,
    );
    log(
      `  predictions answered from ${answers.runs.size} run(s) (old, then new); answers without a prediction: ${answers.incomplete}`,
    );
    let refitTid = '';
    let most = -1;
    for (const [tid, ms] of endCpu) {
      const used = ms - (marks[0]?.cpu.get(tid) ?? 0);
      if (used > most) [refitTid, most] = [tid, used];
    }
    const at = (cpu: Map<string, number>) => cpu.get(refitTid) ?? 0;
    const steps = [...marks.slice(1), { step: 'end', cpu: endCpu }];
    const perStep = steps
      .slice(0, -1)
      .map((m, i) => `${m.step} ${((at((steps[i + 1] as typeof m).cpu) - at(m.cpu)) / 1000).toFixed(1)} s`);
    log(
      `  CPU time of the refit thread: ${(most / 1000).toFixed(1)} s (${perStep.join(', ')}); the whole process: ${(([...endCpu.values()].reduce((a, b) => a + b, 0) - [...(marks[0]?.cpu.values() ?? [])].reduce((a, b) => a + b, 0)) / 1000).toFixed(1)} s`,
    );
    if (result.timings.visibleMs !== undefined)
      log(
        `  new run visible after ${(result.timings.visibleMs / 1000).toFixed(1)} s (in the worker), old run's rows deleted ${((result.timings.cleanupMs ?? NaN) / 1000).toFixed(1)} s later`,
      );
  }
  const latest = await running.services.analytics.getLatestRunOrThrow(ws);
  log(`parameters: ${JSON.stringify(latest.parameters)}`);
  log(`fit sample: ${JSON.stringify((latest.diagnostics as { fitSample: unknown }).fitSample)}`);
  await running.close();
}

if (DIALECT === 'sqlite') fs.mkdirSync(OUT, { recursive: true });
await main();
