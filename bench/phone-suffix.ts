/**
 * Search by the last digits of a phone (issue 14): "5373" among a million customers is an index range over
 * customer_phones.digits_reversed, not a scan.
 *
 *   node --import tsx bench/phone-suffix.ts [--dialect sqlite|postgres|both] [--customers 1000000]
 *
 * Builds a fresh database per dialect (SQLite under the OS temp dir; PostgreSQL database rapport_bench_suffix
 * on TEST_DATABASE_URL's server, dropped afterwards) at the latest schema, writes N customers with one Nigerian
 * mobile each straight in SQL, ANALYZEs, then
 * (with --migrate: the customers are written at migration 0010 and the time of migrating them to 0015 is
 * printed, the backfill of the reversed digits included), then for 4-, 7- and 10-digit endings: the query plan and the median
 * of 50 runs of the repository's suffix lookup (the SQL behind `GET /api/v1/customers?q=5373`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Migrator, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createSearchRepository } from '../src/modules/customers/search.repository.ts';
import { nextDigits, suffixProbe } from '../src/modules/customers/phones.ts';
import { connect, rawDriver } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../src/platform/db/migrations/index.ts';
import type { Database } from '../src/platform/db/schema.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    dialect: { type: 'string', default: 'both' },
    migrate: { type: 'boolean', default: false },
  },
});
const N = Number(args.customers);
const dialects = args.dialect === 'both' ? ['sqlite', 'postgres'] : [args.dialect as string];
const WS = 'bench';
/** Customer i's mobile: +234 803 followed by 7 digits from i (spread so endings repeat like real numbers). */
const e164Of = (i: number) => `+234803${String((i * 7_919) % 10_000_000).padStart(7, '0')}`;

async function fill(db: Kysely<Database>, dialect: string, withDigits = true) {
  await sql`INSERT INTO workspaces (id, name, timezone, currency, region, created_at, updated_at)
    VALUES (${WS}, 'Bench', 'Africa/Lagos', 'NGN', 'NG', '2026-01-01', '2026-01-01')`.execute(db);
  const t0 = Date.now();
  if (dialect === 'postgres') {
    await sql`INSERT INTO customers (workspace_id, id, kind, name, sort_name, custom_fields, consent_marketing, created_at, updated_at)
      SELECT ${WS}, 'c' || i, 'person', 'Customer ' || i, 'customer ' || i, '{}', 0, '2026-01-01', '2026-01-01'
      FROM generate_series(1, ${N}) i`.execute(db);
    await sql`INSERT INTO customer_phones (workspace_id, id, customer_id, position, raw, e164, label, valid)
      SELECT ${WS}, 'p' || i, 'c' || i, 0, e, e, null, 1
      FROM (SELECT i, '+234803' || lpad(((i::bigint * 7919) % 10000000)::text, 7, '0') AS e
            FROM generate_series(1, ${N}) i) s`.execute(db);
    if (withDigits)
      await sql`UPDATE customer_phones SET digits_reversed = reverse(substr(e164, 2)) WHERE workspace_id = ${WS}`.execute(
        db,
      );
  } else {
    const d = rawDriver(db);
    if (d?.dialect !== 'sqlite') throw new Error('expected sqlite');
    const s = d.sqlite;
    const c = s.prepare(`INSERT INTO customers (workspace_id, id, kind, name, sort_name, custom_fields,
      consent_marketing, created_at, updated_at) VALUES (?, ?, 'person', ?, ?, '{}', 0, '2026-01-01', '2026-01-01')`);
    const p = s.prepare(
      `INSERT INTO customer_phones (workspace_id, id, customer_id, position, raw, e164, label, valid${
        withDigits ? ', digits_reversed' : ''
      }) VALUES (?, ?, ?, 0, ?, ?, null, 1${withDigits ? ', ?' : ''})`,
    );
    s.transaction(() => {
      for (let i = 1; i <= N; i++) {
        const e = e164Of(i);
        c.run(WS, `c${i}`, `Customer ${i}`, `customer ${i}`);
        const row = [WS, `p${i}`, `c${i}`, e, e];
        p.run(...(withDigits ? [...row, e.slice(1).split('').reverse().join('')] : row));
      }
    })();
  }
  await sql`ANALYZE`.execute(db);
  return (Date.now() - t0) / 1000;
}

async function measure(db: Kysely<Database>, dialect: string) {
  const repo = createSearchRepository(db);
  // endings of a real customer's number (4, 7 and 10 digits), so every query finds someone
  const known = e164Of(424_242);
  for (const q of [known.slice(-4), `${known.slice(-7, -4)} ${known.slice(-4)}`, known.slice(-10)]) {
    const probe = suffixProbe(q) as string;
    const plan =
      dialect === 'postgres'
        ? (
            await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT DISTINCT customer_id FROM customer_phones
              WHERE workspace_id = ${WS} AND digits_reversed >= ${probe} AND digits_reversed < ${nextDigits(probe) ?? '~'} LIMIT 2000`.execute(
              db,
            )
          ).rows.map((r) => r['QUERY PLAN'].trim())
        : (
            await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT DISTINCT customer_id FROM customer_phones
              WHERE workspace_id = ${WS} AND digits_reversed >= ${probe} AND digits_reversed < ${nextDigits(probe) ?? '~'} LIMIT 2000`.execute(
              db,
            )
          ).rows.map((r) => r.detail);
    const times: number[] = [];
    let found = 0;
    for (let k = 0; k < 52; k++) {
      const t = process.hrtime.bigint();
      found = (await repo.idsByPhoneSuffix(WS, probe, 2000)).length;
      if (k >= 2) times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${dialect}  "${q}": ${found} customers, median ${times[25]?.toFixed(2)} ms, max ${times.at(-1)?.toFixed(2)} ms`,
    );
    console.log(`  plan: ${plan.join(' | ')}`);
  }
}

/** The schema, the customers, and with --migrate the timed migration to 0015. */
async function prepare(db: Kysely<Database>, dialect: string) {
  if (!args.migrate) {
    await migrateToLatest(db);
    return fill(db, dialect);
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'rapport_migrations',
    migrationLockTableName: 'rapport_migrations_lock',
  });
  const up = await migrator.migrateTo('0010_name_postings_sorted');
  if (up.error) throw up.error;
  const written = await fill(db, dialect, false);
  const t0 = Date.now();
  await migrateToLatest(db);
  console.log(`${dialect}: migrated ${N} customers' phones to 0015 in ${(Date.now() - t0) / 1000} s`);
  return written;
}

for (const dialect of dialects) {
  if (dialect === 'sqlite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-suffix-'));
    const conn = connect({ dataDir });
    console.log(`sqlite: ${N} customers written in ${await prepare(conn.db, 'sqlite')} s`);
    await measure(conn.db, 'sqlite');
    await conn.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  } else {
    const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = 'rapport_bench_suffix';
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const conn = connect({ databaseUrl: url.toString(), poolSize: 2 });
    try {
      console.log(`postgres: ${N} customers written in ${await prepare(conn.db, 'postgres')} s`);
      await measure(conn.db, 'postgres');
    } finally {
      await conn.close();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  }
}
