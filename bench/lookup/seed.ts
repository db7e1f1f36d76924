import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { customerInput } from './phones.ts';

export type Dialect = 'sqlite' | 'postgres';

/** Where each dialect's benchmark database lives (cached between runs). */
export const OUT_DIR = path.resolve(import.meta.dirname, '../out');
const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The benchmark database (BENCH_PG_DB: another name, for a second checkout benchmarking beside this one). */
const PG_BENCH_DB = process.env.BENCH_PG_DB ?? 'rapport_bench';
const WORKSPACE = 'Lookup bench';
const BATCH = 5_000;

/** The environment the Rapport server of one dialect runs with (also passed to the server process). */
export function benchEnv(dialect: Dialect, customers: number): Record<string, string> {
  return {
    RAPPORT_DATA_DIR: path.join(OUT_DIR, `lookup-sqlite-${customers}`),
    DATABASE_URL: dialect === 'postgres' ? `postgres://postgres@127.0.0.1:5432/${PG_BENCH_DB}` : '',
    LOG_LEVEL: 'silent',
    PORT: '0',
  };
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Throw the benchmark database away (a half-seeded or differently sized one). */
async function dropDatabase(dialect: Dialect, config: Config) {
  if (dialect === 'sqlite') fs.rmSync(config.dataDir, { recursive: true, force: true });
  else await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${PG_BENCH_DB} WITH (FORCE)`));
}

async function ensurePgDatabase() {
  await withAdmin(async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_BENCH_DB]);
    if (!rowCount) await c.query(`CREATE DATABASE ${PG_BENCH_DB}`);
  });
}

type Bench = { workspaceId: string; customers: number };

/** The bench workspace and its customer count, if the database has one (and Rapport can still open it). */
async function existing(config: Config, log: (s: string) => void): Promise<Bench | undefined> {
  let app;
  try {
    app = await buildApp(config, { serveWeb: false });
  } catch (err) {
    log(`  the cached database cannot be opened (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
  const { conn, close } = app;
  try {
    const ws = await conn.db
      .selectFrom('workspaces')
      .select('id')
      .where('name', '=', WORKSPACE)
      .executeTakeFirst();
    if (!ws) return undefined;
    const r = await sql<{
      n: string | number;
    }>`select count(*) as n from customers where workspace_id = ${ws.id}`.execute(conn.db);
    return { workspaceId: ws.id, customers: Number(r.rows[0]?.n ?? 0) };
  } finally {
    await close();
  }
}

/** Create the workspace and `n` customers in batches of 5,000 (one transaction each), with progress. */
async function seed(config: Config, n: number, log: (s: string) => void): Promise<Bench> {
  const { services, close } = await buildApp(config, { serveWeb: false });
  try {
    const ws = await services.workspaces.createWorkspace(
      { name: WORKSPACE, timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      'bench',
    );
    const t0 = performance.now();
    for (let from = 0; from < n; from += BATCH) {
      const inputs = [];
      for (let i = from; i < Math.min(n, from + BATCH); i++) inputs.push(customerInput(i));
      await services.customers.createCustomers(ws.id, inputs, 'bench');
      const done = from + inputs.length;
      if (done % 50_000 === 0 || done === n) {
        const s = (performance.now() - t0) / 1000;
        log(
          `  seeded ${done.toLocaleString('en')} customers in ${s.toFixed(0)} s (${Math.round(done / s)}/s)`,
        );
      }
    }
    return { workspaceId: ws.id, customers: n };
  } finally {
    await close();
  }
}

/**
 * A database of `customers` customers for this dialect, reused when the cached one has exactly that many,
 * plus a fresh read/write API key for the run.
 */
export async function prepareDatabase(
  dialect: Dialect,
  customers: number,
  log: (s: string) => void,
): Promise<{ env: Record<string, string>; workspaceId: string; apiKey: string }> {
  const env = benchEnv(dialect, customers);
  const config = loadConfig(env);
  if (dialect === 'postgres') await ensurePgDatabase();
  let bench = await existing(config, log);
  if (bench?.customers !== customers) {
    log(`${dialect}: no cached database of ${customers.toLocaleString('en')} customers; seeding one`);
    await dropDatabase(dialect, config);
    if (dialect === 'postgres') await ensurePgDatabase();
    bench = await seed(config, customers, log);
  } else log(`${dialect}: reusing the cached database of ${customers.toLocaleString('en')} customers`);
  // Also on reuse: earlier runs' calls left a few interactions, and a table analyzed empty gets odd plans.
  if (dialect === 'postgres') await analyze(config);

  const { services, close } = await buildApp(config, { serveWeb: false });
  try {
    const { key } = await services.access.createApiKey(
      bench.workspaceId,
      { name: `bench ${new Date().toISOString()}`, scopes: ['read', 'write'] },
      'bench',
    );
    return { env, workspaceId: bench.workspaceId, apiKey: key };
  } finally {
    await close();
  }
}

/**
 * Postgres: fresh planner statistics after the bulk load, as autovacuum would gather shortly after.
 * (SQLite gets what Rapport's own `PRAGMA optimize` at connect gathers, so the bench measures what users get.)
 */
async function analyze(config: Config) {
  const { conn, close } = await buildApp(config, { serveWeb: false });
  try {
    await sql`ANALYZE`.execute(conn.db);
  } finally {
    await close();
  }
}
