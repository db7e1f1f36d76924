/**
 * bench/import (issue 4): import rate, peak memory and API latency during an import, on SQLite and PostgreSQL,
 * next to the raw bulk-load rate of the same database for the same files, measured in this script.
 *
 *   node --import tsx bench/import.ts [--customers 1000000] [--lines 5000000] [--dialect sqlite|postgres|both]
 *
 * Files are generated once into bench/out/ (customers.csv: generic layout; orders.csv: Shopify layout, one row per
 * line item, 1–9 lines per order). Targets: import ≥ 0.3 × raw rate; peak RSS < 500 MB; API p99 < 100 ms during an import.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import pg from 'pg';
import { writeCustomers, writeOrders, phoneOf } from './import/generate.ts';
import { rawPostgres, rawSqlite } from './import/raw.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? def) : def;
};
const CUSTOMERS = Number(arg('customers', '1000000'));
const LINES = Number(arg('lines', '5000000'));
const DIALECTS = arg('dialect', 'both') === 'both' ? ['sqlite', 'postgres'] : [arg('dialect', 'sqlite')];
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HERE = import.meta.dirname;
const OUT = path.join(HERE, 'out', `import-${CUSTOMERS}-${LINES}`);
const run = promisify(execFile);

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
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = path.join(OUT, `${label}-${Date.now()}`);
    return {
      env: { RAPPORT_DATA_DIR: dir, DATABASE_URL: '' },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `rapport_bench_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), RAPPORT_DATA_DIR: path.join(OUT, 'pg-uploads') },
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function raw(dialect: string, file: string) {
  if (dialect === 'sqlite') return rawSqlite(file, path.join(OUT, `raw-${Date.now()}.db`));
  const db = await freshDatabase(dialect, 'raw');
  try {
    return await rawPostgres(file, db.env.DATABASE_URL ?? '');
  } finally {
    await db.drop();
  }
}

/** The importer in a child process: rows/s per file and peak RSS. */
async function importRun(dialect: string, f: { customers: string; orders: string }) {
  const db = await freshDatabase(dialect, 'imp');
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(HERE, 'import/import-child.ts'), f.customers, f.orders],
      {
        env: { ...process.env, ...db.env },
        maxBuffer: 1 << 24,
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      files: { seconds: number; records: number }[];
      maxRssMb: number;
    };
  } finally {
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

const f = await files();
const results: string[] = [];
for (const dialect of DIALECTS) {
  console.log(`\n${dialect}: raw bulk load…`);
  const rawC = await raw(dialect, f.customers);
  const rawO = await raw(dialect, f.orders);
  console.log(
    `  customers ${Math.round(rawC.rows / rawC.seconds)} rows/s, order lines ${Math.round(rawO.rows / rawO.seconds)} rows/s`,
  );
  console.log(`${dialect}: import…`);
  const imp = await importRun(dialect, f);
  const [ic, io] = imp.files;
  const cRate = CUSTOMERS / (ic?.seconds ?? NaN);
  const oRate = LINES / (io?.seconds ?? NaN);
  console.log(
    `  customers ${Math.round(cRate)} rows/s, order lines ${Math.round(oRate)} rows/s, peak RSS ${Math.round(imp.maxRssMb)} MB`,
  );
  console.log(`${dialect}: API during an import…`);
  const api = await apiDuringImport(dialect, f);
  const show = (x: { requests: number; p50: number; p99: number }) =>
    `p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms (${x.requests} req)`;
  console.log(`  lookup ${show(api.lookup)}; search ${show(api.search)}`);
  results.push(
    `| ${dialect} | customers.csv | ${Math.round(rawC.rows / rawC.seconds)} | ${Math.round(cRate)} | ${(cRate / (rawC.rows / rawC.seconds)).toFixed(3)} | ${Math.round(imp.maxRssMb)} MB | |`,
    `| ${dialect} | orders.csv (line rows) | ${Math.round(rawO.rows / rawO.seconds)} | ${Math.round(oRate)} | ${(oRate / (rawO.rows / rawO.seconds)).toFixed(3)} | | lookup ${show(api.lookup)}; search ${show(api.search)} |`,
  );
}
console.log(
  `\n| database | file | raw rows/s | import rows/s | ratio | peak RSS | API during import |\n| --- | --- | --- | --- | --- | --- | --- |\n${results.join('\n')}`,
);
