/**
 * The outreach benchmark's workspace: N customers made through `createCustomers` (5,000 per transaction, the
 * caller-lookup bench's names and phones), each with an email, and by index:
 *
 * | i                | share | the campaign                          |
 * | ---------------- | ----- | ------------------------------------- |
 * | i % 100 === 99   | 1 %   | no email → skipped `no_address`       |
 * | i % 20 in {0, 1} | 10 %  | no marketing consent → `no_consent`   |
 * | i % 20 === 2     | 5 %   | consent, address unsubscribed → `suppressed` |
 * | the rest         | 84 %  | marketing consent → queued and sent   |
 *
 * Cached between runs (SQLite under bench/out/, PostgreSQL in the database `rapport_bench_outreach` or
 * $BENCH_PG_DB beside the one of TEST_DATABASE_URL / DATABASE_URL); a reused one has earlier runs' campaigns,
 * messages, link tokens and timeline messages removed first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { writeTransaction } from '../../src/platform/db/transaction.ts';
import { customerInput } from '../lookup/phones.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Kind = 'eligible' | 'no_address' | 'no_consent' | 'suppressed';

export const OUT_DIR = path.resolve(import.meta.dirname, '../out');
const WORKSPACE = 'Outreach bench';
const PG_DB = process.env.BENCH_PG_DB ?? 'rapport_bench_outreach';
const BATCH = 5_000;

export const kindOf = (i: number): Kind =>
  i % 100 === 99 ? 'no_address' : i % 20 < 2 ? 'no_consent' : i % 20 === 2 ? 'suppressed' : 'eligible';
export const emailOf = (i: number) => `customer${i}@example.com`;

/** The PostgreSQL server to use (TEST_DATABASE_URL, else DATABASE_URL), or undefined: SQLite only. */
export const pgAdminUrl = (): string | undefined =>
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const pgBenchDb = () => PG_DB;

function benchUrl(admin: string) {
  const u = new URL(admin);
  u.pathname = `/${PG_DB}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgAdminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Rapport's configuration for one dialect, sending email through `smtpUrl`. */
export function benchConfig(dialect: Dialect, customers: number, smtpUrl: string): Config {
  const admin = pgAdminUrl();
  if (dialect === 'postgres' && !admin) throw new Error('PostgreSQL needs TEST_DATABASE_URL or DATABASE_URL');
  return loadConfig({
    RAPPORT_DATA_DIR: path.join(OUT_DIR, `outreach-sqlite-${customers}`),
    DATABASE_URL: dialect === 'postgres' ? benchUrl(admin as string) : '',
    RAPPORT_SMTP_URL: smtpUrl,
    RAPPORT_PUBLIC_URL: 'https://crm.example.test',
    LOG_LEVEL: 'silent',
  });
}

async function ensurePg(fresh: boolean) {
  await withAdmin(async (c) => {
    if (fresh) await c.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DB]);
    if (!rowCount) await c.query(`CREATE DATABASE ${PG_DB}`);
  });
}

async function existing(app: RunningApp): Promise<{ id: string; customers: number } | undefined> {
  const ws = await app.conn.db
    .selectFrom('workspaces')
    .select('id')
    .where('name', '=', WORKSPACE)
    .executeTakeFirst();
  if (!ws) return undefined;
  const r = await sql<{ n: string | number }>`
    select count(*) as n from customers where workspace_id = ${ws.id}`.execute(app.conn.db);
  return { id: ws.id, customers: Number(r.rows[0]?.n ?? 0) };
}

async function seed(app: RunningApp, n: number, log: (s: string) => void): Promise<string> {
  const { services } = app;
  const ws = (
    await services.workspaces.createWorkspace(
      { name: WORKSPACE, timezone: 'Africa/Lagos', currency: 'NGN', region: 'NG' },
      'bench',
    )
  ).id;
  const t0 = performance.now();
  for (let from = 0; from < n; from += BATCH) {
    const inputs = [];
    const suppressed: string[] = [];
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      const kind = kindOf(i);
      inputs.push({
        ...customerInput(i),
        emails: kind === 'no_address' ? [] : [{ address: emailOf(i) }],
        consent: { marketing: kind !== 'no_consent', source: 'bench' },
      });
      if (kind === 'suppressed') suppressed.push(emailOf(i));
    }
    await services.customers.createCustomers(ws, inputs, 'bench');
    await writeTransaction(app.conn.db, async (trx) => {
      for (const address of suppressed)
        await services.outreach.repo.suppress(trx, ws, {
          channel: 'email',
          address,
          scope: 'marketing',
          reason: 'unsubscribe',
          source: 'bench',
        });
    });
    const done = Math.min(n, from + BATCH);
    if (done % 25_000 === 0 || done === n) {
      const s = (performance.now() - t0) / 1000;
      log(`  seeded ${done.toLocaleString('en')} customers in ${s.toFixed(0)} s`);
    }
  }
  return ws;
}

/** Remove what earlier runs left: campaigns, their messages and link tokens, messages on the timeline, jobs. */
async function clean(app: RunningApp, ws: string) {
  const { db } = app.conn;
  await db.deleteFrom('messages').where('workspace_id', '=', ws).execute();
  await db.deleteFrom('campaigns').where('workspace_id', '=', ws).execute();
  await db.deleteFrom('public_tokens').where('workspace_id', '=', ws).execute();
  await db.deleteFrom('interactions').where('workspace_id', '=', ws).where('kind', '=', 'message').execute();
  await db.deleteFrom('jobs').where('workspace_id', '=', ws).execute();
}

/** Open Rapport on the bench database of `customers` customers (seeded unless cached), cleaned of earlier runs. */
export async function openBench(
  dialect: Dialect,
  customers: number,
  smtpUrl: string,
  log: (s: string) => void,
): Promise<{ app: RunningApp; ws: string }> {
  const config = benchConfig(dialect, customers, smtpUrl);
  if (dialect === 'postgres') await ensurePg(false);
  let app = await buildApp(config, { serveWeb: false });
  const have = await existing(app);
  if (have?.customers === customers) {
    log(`  reusing the cached database of ${customers.toLocaleString('en')} customers`);
    await clean(app, have.id);
    if (dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(app.conn.db);
    return { app, ws: have.id };
  }
  log(`  seeding ${customers.toLocaleString('en')} customers`);
  await app.close();
  if (dialect === 'sqlite') fs.rmSync(config.dataDir, { recursive: true, force: true });
  else await ensurePg(true);
  app = await buildApp(config, { serveWeb: false });
  const ws = await seed(app, customers, log);
  // the steady state autovacuum reaches after a bulk load
  if (dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(app.conn.db);
  return { app, ws };
}
