/**
 * bench/import (issue 4): import rate, peak memory and API latency during an import, on SQLite and PostgreSQL,
 * next to two references measured in this script:
 * - raw: the database's bulk-load rate for the same files (every CSV column into one plain unindexed table);
 * - ceiling: the database's own rate for the rows the import must write — what each file's import wrote, copied
 *   table by table in pure SQL into an empty copy of Rapport's schema with every index and foreign key
 *   (bench/import/ceiling.ts). An upper bound for any importer of this schema.
 *
 *   node --import tsx bench/import.ts [--customers 1000000] [--lines 5000000] [--dialect sqlite|postgres|both]
 *     [--runs 1] [--api yes|no] [--ceiling yes|no] [--raw yes|no]
 *
 * Files are generated once into bench/out/ (customers.csv: generic layout; orders.csv: Shopify layout, one row per
 * line item, 1–9 lines per order). Targets: import ≥ 0.3 × raw rate; peak RSS < 500 MB; API p99 < 100 ms during an
 * import. With --runs n, raw, import and ceiling run n times and the median is shown (the API phase runs once).
 * PostgreSQL databases are created (and dropped) as `${BENCH_PG_PREFIX:-rapport_bench}_<label>_<ms>`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import pg from 'pg';
import { writeCustomers, writeOrders, phoneOf } from './import/generate.ts';
import { postgresCeiling, processCpuSeconds, sqliteCeiling, type Ceiling } from './import/ceiling.ts';
import { rawPostgres, rawSqlite, type RawResult } from './import/raw.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? def) : def;
};
const CUSTOMERS = Number(arg('customers', '1000000'));
const LINES = Number(arg('lines', '5000000'));
const DIALECTS = arg('dialect', 'both') === 'both' ? ['sqlite', 'postgres'] : [arg('dialect', 'sqlite')];
const RUNS = Number(arg('runs', '1'));
const API = arg('api', 'yes') !== 'no';
const CEILING = arg('ceiling', 'yes') !== 'no';
const RAW = arg('raw', 'yes') !== 'no';
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_PREFIX = process.env.BENCH_PG_PREFIX ?? 'rapport_bench';
if (!/^[a-z_][a-z0-9_]*$/.test(PG_PREFIX))
  throw new Error(`BENCH_PG_PREFIX must be a plain name: ${PG_PREFIX}`);
const HERE = import.meta.dirname;
const OUT = path.join(HERE, 'out', `import-${CUSTOMERS}-${LINES}`);

async function files() {
  fs.mkdirSync(OUT, { recursive: true });
  const customers = path.join(OUT, 'customers.csv');
  const orders = path.join(OUT, 'orders.csv');
  if (!fs.existsSync(customers)) await writeCustomers(customers, CUSTOMERS);
  if (!fs.existsSync(orders)) await writeOrders(orders, CUSTOMERS, LINES);
  return { customers, orders };
}

/** A fresh database for one measurement: a new SQLite data dir, or a new Postgres database. */
async function freshDatabase(
  dialect: string,
  label: string,
): Promise<{ env: Record<string, string>; name: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = path.join(OUT, `${label}-${Date.now()}`);
    return {
      env: { RAPPORT_DATA_DIR: dir, DATABASE_URL: '' },
      name: path.join(dir, 'rapport.db'),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `${PG_PREFIX}_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), RAPPORT_DATA_DIR: path.join(OUT, 'pg-uploads') },
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function raw(dialect: string, file: string): Promise<RawResult> {
  if (dialect === 'sqlite') {
    const dbFile = path.join(OUT, `raw-${Date.now()}.db`);
    try {
      return await rawSqlite(file, dbFile);
    } finally {
      for (const x of ['', '-wal', '-shm']) fs.rmSync(dbFile + x, { force: true });
    }
  }
  const db = await freshDatabase(dialect, 'raw');
  try {
    return await rawPostgres(file, db.env.DATABASE_URL ?? '');
  } finally {
    await db.drop();
  }
}

type FileFigures = {
  seconds: number;
  /** The import process's CPU seconds. */
  cpuSeconds: number;
  /** PostgreSQL: the server's CPU seconds for the import's connections (NaN on SQLite). */
  serverCpuSeconds: number;
  records: number;
  ceiling?: { seconds: number; cpuSeconds: number; rows: number };
};

/** CPU seconds of every server process connected to a database (PostgreSQL on this machine), by process id. */
async function serverCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const r = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
    database,
  ]);
  return new Map(r.rows.map((x) => [x.pid, processCpuSeconds(x.pid)]));
}
const cpuSince = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, cpu]) => sum + (cpu - (before.get(pid) ?? 0)), 0);

/**
 * The importer in a child process: rows/s per file and peak RSS. With the ceiling, the child stops after creating
 * the workspace and after each file, and what it wrote is copied into an empty schema (bench/import/ceiling.ts).
 */
async function importRun(dialect: string, f: { customers: string; orders: string }) {
  const db = await freshDatabase(dialect, 'imp');
  const admin = dialect === 'postgres' ? new pg.Client({ connectionString: PG_ADMIN }) : undefined;
  await admin?.connect();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'import/import-child.ts'), f.customers, f.orders],
    { env: { ...process.env, ...db.env, BENCH_STEPS: '1' }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let ceiling: Ceiling | undefined;
  try {
    const ceilings: { seconds: number; cpuSeconds: number; rows: number }[] = [];
    const server: number[] = [];
    let cpuAt = admin ? await serverCpu(admin, db.name) : new Map<number, number>();
    let last = '';
    for await (const line of readline.createInterface({ input: child.stdout })) {
      last = line;
      const step = (JSON.parse(line) as { step?: number }).step;
      if (step === undefined) continue;
      if (admin) {
        const now = await serverCpu(admin, db.name);
        if (step > 0) server.push(cpuSince(cpuAt, now));
      }
      if (CEILING) {
        if (step === 0)
          ceiling =
            dialect === 'sqlite'
              ? await sqliteCeiling(db.name, path.join(path.dirname(db.name), 'ceiling.db'))
              : await postgresCeiling(db.env.DATABASE_URL ?? '');
        const r = await ceiling?.step();
        if (r && step > 0)
          ceilings.push({
            seconds: r.seconds,
            cpuSeconds: r.cpuSeconds,
            rows: r.tables.reduce((n, t) => n + t.inserted + t.updated, 0),
          });
        if (r && process.env.BENCH_VERBOSE)
          console.log(
            `  step ${step}: ${r.tables.map((t) => `${t.table} +${t.inserted}/~${t.updated} ${t.seconds.toFixed(3)} s`).join(', ')}`,
          );
      }
      if (admin) cpuAt = await serverCpu(admin, db.name);
      child.stdin.write('\n');
    }
    if ((await exited) !== 0) throw new Error('import child failed');
    const out = JSON.parse(last) as { files: FileFigures[]; maxRssMb: number };
    out.files.forEach((x, i) => {
      x.serverCpuSeconds = server[i] ?? NaN;
      const c = ceilings[i];
      if (c) x.ceiling = c;
    });
    return out;
  } finally {
    child.kill('SIGKILL');
    await ceiling?.close();
    await admin?.end();
    await db.drop();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** Upload the customers, then the orders through the API, measuring lookups and searches while the orders import. */
async function apiDuringImport(dialect: string, f: { customers: string; orders: string }) {
  const db = await freshDatabase(dialect, 'api');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'import/server-child.ts')], {
    env: { ...process.env, ...db.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const info = await new Promise<{ port: number; key: string }>((resolve) =>
      child.stdout.once('data', (d: Buffer) =>
        resolve(JSON.parse(d.toString()) as { port: number; key: string }),
      ),
    );
    const base = `http://127.0.0.1:${info.port}`;
    const auth = { authorization: `Bearer ${info.key}` };
    const upload = async (file: string) => {
      const res = await fetch(`${base}/api/v1/imports?currency=USD`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      return ((await res.json()) as { id: string }).id;
    };
    const status = async (id: string) =>
      ((await (await fetch(`${base}/api/v1/imports/${id}`, { headers: auth })).json()) as { status: string })
        .status;
    const customersRun = await upload(f.customers);
    while ((await status(customersRun)) === 'running') await new Promise((r) => setTimeout(r, 500));
    const ordersRun = await upload(f.orders);
    const latencies = { lookup: [] as number[], search: [] as number[] };
    let running = true;
    const watcher = (async () => {
      while (running) {
        await new Promise((r) => setTimeout(r, 500));
        running = (await status(ordersRun)) === 'running';
      }
    })();
    const clients = Array.from({ length: 4 }, async (_, k) => {
      let i = k;
      while (running) {
        const kind = i % 2 ? 'lookup' : 'search';
        const url =
          kind === 'lookup'
            ? `${base}/api/v1/lookup?phone=${encodeURIComponent(phoneOf(Math.floor(Math.random() * CUSTOMERS)))}`
            : `${base}/api/v1/customers?q=${['ada', 'okafr', 'smith', 'kofi'][(i >> 1) % 4]}&limit=20`;
        const t0 = performance.now();
        const res = await fetch(url, { headers: auth });
        await res.arrayBuffer();
        latencies[kind].push(performance.now() - t0);
        i += 4;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    await Promise.all([watcher, ...clients]);
    const stats = (xs: number[]) => ({ requests: xs.length, p50: pct(xs, 50), p99: pct(xs, 99) });
    return { lookup: stats(latencies.lookup), search: stats(latencies.search) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
  }
}

const median = (xs: number[]) => pct(xs, 50);
const rate = (rows: number, seconds: number) => rows / seconds;
const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const sec = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '–');

const f = await files();
const results: string[] = [];
const rates: string[] = [];
for (const dialect of DIALECTS) {
  if (RAW) console.log(`\n${dialect}: raw bulk load…`);
  const raws: { c: RawResult; o: RawResult }[] = [];
  for (let k = 0; k < (RAW ? RUNS : 0); k++) {
    const c = await raw(dialect, f.customers);
    const o = await raw(dialect, f.orders);
    raws.push({ c, o });
    console.log(
      `  customers ${int(rate(c.rows, c.seconds))} rows/s (${sec(c.cpuSeconds)} CPU s), order lines ${int(rate(o.rows, o.seconds))} rows/s (${sec(o.cpuSeconds)} CPU s)`,
    );
  }
  console.log(`${dialect}: import${CEILING ? ' and ceiling' : ''}…`);
  const imps: Awaited<ReturnType<typeof importRun>>[] = [];
  for (let k = 0; k < RUNS; k++) {
    const imp = await importRun(dialect, f);
    imps.push(imp);
    for (const [i, x] of imp.files.entries()) {
      const rows = i === 0 ? CUSTOMERS : LINES;
      console.log(
        `  ${i === 0 ? 'customers' : 'order lines'}: import ${int(rate(rows, x.seconds))} rows/s (${sec(x.seconds)} s, ${sec(x.cpuSeconds)} CPU s importer, ${sec(x.serverCpuSeconds)} CPU s server)` +
          (x.ceiling
            ? `; ceiling ${int(rate(rows, x.ceiling.seconds))} rows/s (${sec(x.ceiling.seconds)} s, ${sec(x.ceiling.cpuSeconds)} CPU s, ${int(x.ceiling.rows)} table rows)`
            : ''),
      );
    }
    console.log(`  peak RSS ${Math.round(imp.maxRssMb)} MB`);
  }
  let apiCell = '';
  if (API) {
    console.log(`${dialect}: API during an import…`);
    const api = await apiDuringImport(dialect, f);
    const show = (x: { requests: number; p50: number; p99: number }) =>
      `p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms (${x.requests} req)`;
    apiCell = `lookup ${show(api.lookup)}; search ${show(api.search)}`;
    console.log(`  ${apiCell}`);
  }
  for (const [i, file] of (['customers.csv', 'orders.csv (line rows)'] as const).entries()) {
    const rows = i === 0 ? CUSTOMERS : LINES;
    const pick = (r: { c: RawResult; o: RawResult }) => (i === 0 ? r.c : r.o);
    const rawRate = median(raws.map((r) => rate(pick(r).rows, pick(r).seconds)));
    const impRate = median(imps.map((m) => rate(rows, m.files[i]?.seconds ?? NaN)));
    const ceilRate = CEILING ? median(imps.map((m) => rate(rows, m.files[i]?.ceiling?.seconds ?? NaN))) : NaN;
    const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(3) : '–');
    results.push(
      `| ${dialect} | ${file} | ${int(rawRate)} | ${int(ceilRate)} | ${int(impRate)} | ${ratio(impRate, rawRate)} | ${ratio(impRate, ceilRate)} | ${ratio(ceilRate, rawRate)} | ${i === 0 ? `${Math.round(median(imps.map((m) => m.maxRssMb)))} MB` : ''} | ${i === 1 ? apiCell : ''} |`,
    );
    const cpu = (xs: number[]) => sec(median(xs));
    rates.push(
      `| ${dialect} | ${file} | ${sec(median(raws.map((r) => pick(r).seconds)))} / ${cpu(raws.map((r) => pick(r).cpuSeconds))} | ${sec(median(imps.map((m) => m.files[i]?.ceiling?.seconds ?? NaN)))} / ${cpu(imps.map((m) => m.files[i]?.ceiling?.cpuSeconds ?? NaN))} | ${sec(median(imps.map((m) => m.files[i]?.seconds ?? NaN)))} / ${cpu(imps.map((m) => m.files[i]?.cpuSeconds ?? NaN))} / ${cpu(imps.map((m) => m.files[i]?.serverCpuSeconds ?? NaN))} | ${int(median(imps.map((m) => m.files[i]?.ceiling?.rows ?? NaN)))} |`,
    );
  }
}
console.log(
  `\n${RUNS > 1 ? `median of ${RUNS} runs\n` : ''}| database | file | raw rows/s | ceiling rows/s | import rows/s | import ÷ raw | import ÷ ceiling | ceiling ÷ raw | peak RSS | API during import |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n${results.join('\n')}`,
);
console.log(
  `\n| database | file | raw s / CPU s | ceiling s / CPU s | import s / importer CPU s / server CPU s | table rows written |\n| --- | --- | --- | --- | --- | --- |\n${rates.join('\n')}`,
);
