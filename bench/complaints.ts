/**
 * Complaint queue benchmark (issue 6).
 *
 *   node --import tsx bench/complaints.ts [--customers 1000000] [--complaints 100000] [--requests 300]
 *                                         [--dialect sqlite|postgres|both]
 *
 * For each dialect: a workspace of N customers and M complaints (cached under bench/out/ for SQLite, in the
 * Postgres database rapport_bench_complaints), 70 % of the complaints active, spread over 10 owners and the last
 * 90 days, values at stake log-normal. Customers and complaints are bulk-inserted with multi-row statements (the
 * queue is what is measured, not intake). Then, through the whole HTTP stack (fastify `inject`: routing, auth by
 * API key, zod validation and serialisation, in-process), sequential requests of each scenario after a warm-up:
 * p50, p95 and max in milliseconds. Results are printed as Markdown and saved to bench/out/complaints-results.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { newId } from '../src/platform/db/ids.ts';
import type { ComplaintTable, CustomerTable } from '../src/platform/db/schema.ts';
import { NINE_TO_FIVE } from '../src/platform/time/business-hours.ts';
import { deadlines } from '../src/platform/time/sla.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    complaints: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '300' },
    dialect: { type: 'string', default: 'both' },
  },
});
const CUSTOMERS = Number(args.customers);
const COMPLAINTS = Number(args.complaints);
const REQUESTS = Number(args.requests);
const DIALECTS =
  args.dialect === 'both' ? (['sqlite', 'postgres'] as const) : [args.dialect as 'sqlite' | 'postgres'];
const OUT_DIR = path.resolve(import.meta.dirname, 'out');
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_DB = 'rapport_bench_complaints';
const WORKSPACE = 'Complaints bench';
const log = (s: string) => console.log(s);

// A small deterministic PRNG so every run seeds the same data.
let seedState = 42;
const rand = () => {
  seedState = (seedState * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seedState / 0x7fffffff;
};
const normal = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());

async function admin(q: string) {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    return await c.query(q);
  } finally {
    await c.end();
  }
}

async function open(dialect: 'sqlite' | 'postgres', fresh: boolean): Promise<RunningApp> {
  const dataDir = path.join(OUT_DIR, 'complaints-sqlite');
  if (fresh) {
    if (dialect === 'sqlite') fs.rmSync(dataDir, { recursive: true, force: true });
    else await admin(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
  }
  if (
    dialect === 'postgres' &&
    !(await admin(`SELECT 1 FROM pg_database WHERE datname = '${PG_DB}'`)).rowCount
  )
    await admin(`CREATE DATABASE ${PG_DB}`);
  const config = loadConfig({
    RAPPORT_DATA_DIR: dataDir,
    DATABASE_URL: dialect === 'postgres' ? `postgres://postgres@127.0.0.1:5432/${PG_DB}` : '',
    LOG_LEVEL: 'silent',
  });
  return buildApp(config, { serveWeb: false });
}

async function counts(app: RunningApp, ws: string) {
  const r = await sql<{ c: string | number; k: string | number }>`
    select (select count(*) from customers where workspace_id = ${ws}) as c,
           (select count(*) from complaints where workspace_id = ${ws}) as k`.execute(app.conn.db);
  return { customers: Number(r.rows[0]?.c), complaints: Number(r.rows[0]?.k) };
}

async function seed(app: RunningApp): Promise<string> {
  const { db } = app.conn;
  const s = app.services;
  const ws = (
    await s.workspaces.createWorkspace({
      name: WORKSPACE,
      timezone: 'Africa/Lagos',
      currency: 'NGN',
      region: 'NG',
    })
  ).id;
  const owners: string[] = [];
  for (let i = 0; i < 10; i++)
    owners.push(
      (
        await s.access.createUser(
          ws,
          {
            email: `staff${i}@example.com`,
            name: `Staff ${i}`,
            password: 'correct horse',
            role: i ? 'staff' : 'owner',
          },
          'bench',
        )
      ).id,
    );
  const t0 = performance.now();
  const ids: string[] = [];
  const at = new Date().toISOString();
  for (let from = 0; from < CUSTOMERS; from += 50_000) {
    await db.transaction().execute(async (trx) => {
      for (let b = from; b < Math.min(CUSTOMERS, from + 50_000); b += 1000) {
        const rows: CustomerTable[] = [];
        for (let i = b; i < Math.min(CUSTOMERS, b + 1000); i++) {
          const id = newId();
          ids.push(id);
          rows.push({
            workspace_id: ws,
            id,
            kind: 'person',
            name: `Customer ${i}`,
            sort_name: `customer ${i}`,
            business_id: null,
            job_title: null,
            address: null,
            birthday: null,
            anniversary: null,
            preferred_channel: null,
            needs: null,
            custom_fields: '{}',
            consent_marketing: 0,
            consent_source: null,
            consent_at: null,
            last_interaction_at: null,
            created_at: at,
            updated_at: at,
          });
        }
        await trx.insertInto('customers').values(rows).execute();
      }
    });
  }
  log(`  ${CUSTOMERS.toLocaleString('en')} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const t1 = performance.now();
  const hours = { timezone: 'Africa/Lagos', week: NINE_TO_FIVE, holidays: [] };
  const now = Date.now();
  const severities = ['low', 'medium', 'high', 'critical'] as const;
  const targets = { low: [960, 4800], medium: [480, 2400], high: [240, 960], critical: [60, 480] } as const;
  for (let from = 0; from < COMPLAINTS; from += 10_000) {
    await db.transaction().execute(async (trx) => {
      for (let b = from; b < Math.min(COMPLAINTS, from + 10_000); b += 500) {
        const rows: ComplaintTable[] = [];
        for (let i = b; i < Math.min(COMPLAINTS, b + 500); i++) {
          const severity = severities[Math.floor(rand() ** 1.5 * 4)] ?? 'low';
          const received = new Date(now - rand() * 90 * 86_400_000);
          const [frMin, resMin] = targets[severity];
          const fr = deadlines(received, frMin, 75, hours);
          const res = deadlines(received, resMin, 75, hours);
          const u = rand();
          const status = u < 0.3 ? 'closed' : u < 0.45 ? 'resolved' : u < 0.8 ? 'in_progress' : 'open';
          const responded =
            status === 'open' ? null : new Date(received.getTime() + rand() * 86_400_000).toISOString();
          const resolved =
            status === 'closed' || status === 'resolved'
              ? new Date(received.getTime() + (1 + rand() * 5) * 86_400_000).toISOString()
              : null;
          const followUp = resolved ? new Date(Date.parse(resolved) + 3 * 86_400_000).toISOString() : null;
          const pending = [responded ? null : fr.dueAt, resolved ? null : res.dueAt, followUp].filter(
            (x): x is string => !!x,
          );
          rows.push({
            workspace_id: ws,
            id: newId(),
            customer_id: ids[Math.floor(rand() * ids.length)] as string,
            order_id: null,
            product: `Product ${Math.floor(rand() * 200)}`,
            channel: 'phone',
            category: ['quality', 'delivery', 'billing', 'service'][Math.floor(rand() * 4)] ?? null,
            severity,
            severity_rank: 4 - severities.indexOf(severity),
            words: 'It arrived broken and nobody answered my emails.',
            paraphrase: 'Broken on arrival; emails unanswered',
            status,
            active: status === 'closed' ? 0 : 1,
            owner_id: owners[Math.floor(rand() * owners.length)] as string,
            received_at: received.toISOString(),
            first_response_due_at: fr.dueAt,
            first_response_warn_at: fr.warnAt,
            first_responded_at: responded,
            resolution_due_at: res.dueAt,
            resolution_warn_at: res.warnAt,
            resolved_at: resolved,
            closed_at: status === 'closed' ? followUp : null,
            close_how: status === 'closed' ? 'confirmed' : null,
            next_due_at: pending.sort()[0] ?? '9999-12-31T00:00:00.000Z',
            resolution: resolved ? 'repair' : null,
            resolution_summary: resolved ? 'Repaired' : null,
            apologized: resolved ? 1 : 0,
            refunded: 0,
            refund_reason: null,
            root_cause: null,
            follow_up_due_at: followUp,
            follow_up_done_at: status === 'closed' ? followUp : null,
            follow_up_outcome: status === 'closed' ? 'satisfied' : null,
            reopen_count: 0,
            value_at_stake: Math.round(Math.exp(11 + 1.5 * normal())),
            value_currency: 'NGN',
            value_source: 'spend_to_date',
            order_count: 1 + Math.floor(rand() * 20),
            customer_since: '2024-01-01T00:00:00.000Z',
            last_purchase_at: null,
            created_at: received.toISOString(),
            updated_at: received.toISOString(),
          });
        }
        await trx.insertInto('complaints').values(rows).execute();
      }
    });
  }
  log(`  ${COMPLAINTS.toLocaleString('en')} complaints in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  // the steady state autovacuum reaches: statistics and a visibility map, so index-only scans apply
  if (app.conn.dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(db);
  return ws;
}

type Stat = { scenario: string; p50: number; p95: number; max: number; rows: number };

async function measure(
  app: RunningApp,
  scenario: string,
  urls: () => string,
  auth: Record<string, string>,
): Promise<Stat> {
  const hit = async () => {
    const t = performance.now();
    const res = await app.app.inject({ method: 'GET', url: urls(), headers: auth });
    const ms = performance.now() - t;
    if (res.statusCode !== 200) throw new Error(`${scenario}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return { ms, rows: (res.json() as { items?: unknown[] }).items?.length ?? 1 };
  };
  for (let i = 0; i < 20; i++) await hit();
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await hit();
    times.push(r.ms);
    rows = r.rows;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round((times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0) * 10) / 10;
  return { scenario, p50: q(0.5), p95: q(0.95), max: q(1), rows };
}

const results: Record<string, Stat[]> = {};
for (const dialect of DIALECTS) {
  log(`${dialect}:`);
  let app = await open(dialect, false);
  let ws = (
    await app.conn.db.selectFrom('workspaces').select('id').where('name', '=', WORKSPACE).executeTakeFirst()
  )?.id;
  const have = ws ? await counts(app, ws) : undefined;
  if (!ws || have?.customers !== CUSTOMERS || have.complaints !== COMPLAINTS) {
    log('  seeding a fresh database');
    await app.close();
    app = await open(dialect, true);
    ws = await seed(app);
  } else log('  reusing the cached database');
  const { key } = await app.services.access.createApiKey(
    ws,
    { name: 'bench', scopes: ['read', 'write'] },
    'bench',
  );
  const auth = { authorization: `Bearer ${key}` };
  const owner = (
    await app.conn.db
      .selectFrom('users')
      .select('id')
      .where('workspace_id', '=', ws)
      .executeTakeFirstOrThrow()
  ).id;

  // cursors 1–20 pages deep into the value queue, to measure paging as well as the first page
  const cursors: string[] = [];
  let c: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page = (
      await app.app.inject({
        method: 'GET',
        url: `/api/v1/complaints?order=valueAtStake${c ? `&cursor=${c}` : ''}`,
        headers: auth,
      })
    ).json() as { nextCursor: string | null };
    c = page.nextCursor;
    if (c) cursors.push(c);
  }
  let k = 0;
  const stats = [
    await measure(
      app,
      'queue by value at stake, first page (50)',
      () => '/api/v1/complaints?order=valueAtStake',
      auth,
    ),
    await measure(
      app,
      'queue by value at stake, pages 2–21',
      () => `/api/v1/complaints?order=valueAtStake&cursor=${cursors[k++ % cursors.length]}`,
      auth,
    ),
    await measure(app, 'queue by due time', () => '/api/v1/complaints?order=due', auth),
    await measure(app, 'queue by severity', () => '/api/v1/complaints?order=severity', auth),
    await measure(
      app,
      "one owner's queue by value",
      () => `/api/v1/complaints?order=valueAtStake&ownerId=${owner}`,
      auth,
    ),
    await measure(app, 'breached, by due time', () => '/api/v1/complaints?sla=breached&order=due', auth),
    await measure(app, 'dashboard tile (summary + surge)', () => '/api/v1/complaints/summary', auth),
  ];
  results[dialect] = stats;
  await app.close();
}

log(
  `\n${CUSTOMERS.toLocaleString('en')} customers, ${COMPLAINTS.toLocaleString('en')} complaints (70 % active), ${REQUESTS} sequential requests per scenario:\n`,
);
log(`| scenario | ${DIALECTS.map((d) => `${d} p50 / p95 / max (ms)`).join(' | ')} |`);
log(`| --- | ${DIALECTS.map(() => '---').join(' | ')} |`);
for (const [i, s] of (results[DIALECTS[0] as string] ?? []).entries())
  log(
    `| ${s.scenario} | ${DIALECTS.map((d) => {
      const r = results[d]?.[i];
      return r ? `${r.p50} / ${r.p95} / ${r.max}` : '';
    }).join(' | ')} |`,
  );
fs.mkdirSync(OUT_DIR, { recursive: true });
fs.writeFileSync(path.join(OUT_DIR, 'complaints-results.json'), JSON.stringify(results, null, 2));
