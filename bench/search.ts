/**
 * Customer search benchmark (issues 2 and 4).
 *
 *   node --import tsx bench/search.ts [--dialect sqlite|postgres|both] [--customers 1000000]
 *                                     [--seconds 2] [--concurrent 10] [--clients 4] [--only <query name part>]
 *                                     [--pg-db <a copy of rapport_bench>]
 *
 * Uses the caller-lookup bench's databases (bench/lookup/seed.ts: SQLite under bench/out, PostgreSQL database
 * rapport_bench), seeded if missing. Its customers are "<first> <last> <i>" with 10 first names × 10 surnames
 * (each word is in 10 % of the names, each pair in 1 %), one Nigerian mobile and customer<i>@example.com each,
 * and the tag `vip` on every 7th. For each dialect, the Rapport server runs in its own process and this
 * process sends `GET /api/v1/customers?…` (default page of 50):
 *  - one query at a time: each query repeated for at least `--seconds` (at least 5 and at most 200 times,
 *    after 2 unmeasured runs): median and p95 wall time, and the server-side CPU time per query (the
 *    server process plus, on PostgreSQL, the backends serving its database — the lead's lookup bench on
 *    the same database would be counted too);
 *  - then `--clients` clients at once, each sending the queries in a shuffled loop for `--concurrent`
 *    seconds: p50 / p99 / max over all responses, and per query.
 * Page 1 of every query (names, nextCursor present) is saved to bench/out/search-<dialect>.json, so that
 * two runs (before and after a change) can be compared for the same answers.
 * `--pg-db` benchmarks another PostgreSQL database holding the same bench workspace (e.g. made with
 * `CREATE DATABASE rapport_search TEMPLATE rapport_bench`), migrated by this checkout, and leaves rapport_bench
 * alone (another checkout may be benchmarking it at an older schema).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { cpuSecondsOf, postgresCpuSeconds, startServer } from './lookup/child.ts';
import { customerInput, rng } from './lookup/phones.ts';
import { benchEnv, OUT_DIR, prepareDatabase, type Dialect } from './lookup/seed.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    dialect: { type: 'string', default: 'both' },
    seconds: { type: 'string', default: '2' },
    concurrent: { type: 'string', default: '10' },
    clients: { type: 'string', default: '4' },
    only: { type: 'string' },
    'pg-db': { type: 'string' },
  },
});
const CUSTOMERS = Number(args.customers);
const SECONDS = Number(args.seconds);
const CONCURRENT_S = Number(args.concurrent);
const CLIENTS = Number(args.clients);
const DIALECTS: Dialect[] = args.dialect === 'both' ? ['sqlite', 'postgres'] : [args.dialect as Dialect];
const log = (s: string) => console.log(s);

/** Customer i's number as a shop types it ("0803 000 1234"). */
const phoneOf = (i: number) => customerInput(i).phones[0]?.number ?? '';
const rare = Math.floor(CUSTOMERS * 0.4242);
const someone = Math.floor(CUSTOMERS * 0.777);

/** The queries: what a search box receives (name, then the query string). */
const QUERIES: [string, string][] = [
  ['rare full name', `q=${customerInput(rare).name}`],
  ['common first name', 'q=ada'],
  ['common surname', 'q=okafor'],
  ['common surname, page 2', 'q=okafor&page=2'],
  ['two common words', 'q=funmi okafor'],
  ['two common words, page 2', 'q=funmi okafor&page=2'],
  ['typo of a common surname', 'q=okafr'],
  ['typos in both words', 'q=fnumi okafro'],
  ['two-letter prefix', 'q=ok'],
  ['phone, national format', `q=${phoneOf(someone)}`],
  ['phone, partial', `q=${phoneOf(someone).slice(0, 9)}`],
  ['email', `q=customer${someone}@example.com`],
  ['tag as the query', 'q=vip'],
  ['common word + tag filter', 'q=okafor&tag=vip'],
  ['two common words + kind filter', 'q=funmi okafor&kind=person'],
  ['tag filter alone', 'tag=vip'],
];

/**
 * CPU time of the PostgreSQL server's children that have exited (backends closed by the pool, parallel workers),
 * from the postmaster's cutime + cstime: added to the live backends' time, a backend that exits during a measurement
 * is counted once, not lost. Children serving other databases that exit meanwhile are counted too.
 */
function exitedBackendsCpu(): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('postgres: ')) continue;
      const backend = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const postmaster = Number(backend.slice(backend.lastIndexOf(')') + 2).split(' ')[1]);
      const stat = fs.readFileSync(`/proc/${postmaster}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime (USER_HZ)
    } catch {
      // the process ended while we looked
    }
  }
  return 0;
}

type Answer = { status: number; items: string[]; nextCursor: string | null; ms: number };

async function ask(url: string, apiKey: string, query: string): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/customers?${query}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const body = (await res.json()) as { items?: { name: string }[]; nextCursor?: string | null };
  const ms = performance.now() - t0;
  return {
    status: res.status,
    items: (body.items ?? []).map((i) => i.name),
    nextCursor: body.nextCursor ?? null,
    ms,
  };
}

/** The query string to send: "page=2" is this script's shorthand for page 1's nextCursor. */
async function resolve(url: string, apiKey: string, query: string): Promise<string> {
  const params = new URLSearchParams(query);
  if (params.get('page') !== '2') return params.toString();
  params.delete('page');
  const first = await ask(url, apiKey, params.toString());
  if (!first.nextCursor) throw new Error(`${query}: no second page`);
  params.set('cursor', first.nextCursor);
  return params.toString();
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number)
    : NaN;
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);

type Single = {
  name: string;
  query: string;
  runs: number;
  median: number;
  p95: number;
  /** Server CPU per query, of which the database's backends (PostgreSQL). */
  cpuMs: number;
  dbCpuMs: number;
};
type Concurrent = { name: string; n: number; p50: number; p99: number; max: number };

/** The bench workspace in another PostgreSQL database (a copy of rapport_bench), and a new API key for it. */
async function openCopy(database: string) {
  const env = {
    ...benchEnv('postgres', CUSTOMERS),
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
  };
  const { conn, services, close } = await buildApp(loadConfig(env), { serveWeb: false });
  try {
    const ws = await conn.db
      .selectFrom('workspaces')
      .select('id')
      .where('name', '=', 'Lookup bench')
      .executeTakeFirstOrThrow();
    const { key } = await services.access.createApiKey(
      ws.id,
      { name: `search bench ${new Date().toISOString()}`, scopes: ['read'] },
      'bench',
    );
    return { env, apiKey: key };
  } finally {
    await close();
  }
}

async function benchDialect(dialect: Dialect) {
  const pgCopy = dialect === 'postgres' ? args['pg-db'] : undefined;
  const { env, apiKey } = pgCopy ? await openCopy(pgCopy) : await prepareDatabase(dialect, CUSTOMERS, log);
  const server = await startServer(path.join(import.meta.dirname, 'lookup/server.ts'), env);
  const database = env.DATABASE_URL ? new URL(env.DATABASE_URL).pathname.slice(1) : '';
  const dbCpu = () => (database ? postgresCpuSeconds(database) + exitedBackendsCpu() : 0);
  const cpu = () => cpuSecondsOf(server.pid) + dbCpu();
  const queries = QUERIES.filter(([name]) => !args.only || name.includes(args.only));
  log(`${dialect}: load average before measuring ${os.loadavg()[0]?.toFixed(2)} (${os.cpus().length} cores)`);
  try {
    const answers: Record<string, Omit<Answer, 'ms'>> = {};
    const singles: Single[] = [];
    const resolved: [string, string][] = [];
    for (const [name, q] of queries) {
      const query = await resolve(server.url, apiKey, q);
      resolved.push([name, query]);
      const first = await ask(server.url, apiKey, query);
      if (first.status !== 200) throw new Error(`${name} (${query}): ${first.status}`);
      answers[name] = { status: first.status, items: first.items, nextCursor: first.nextCursor };
      await ask(server.url, apiKey, query);
      const times: number[] = [];
      const c0 = cpu();
      const d0 = dbCpu();
      const t0 = performance.now();
      while (times.length < 5 || (times.length < 200 && performance.now() - t0 < SECONDS * 1000))
        times.push((await ask(server.url, apiKey, query)).ms);
      const cpuMs = ((cpu() - c0) * 1000) / times.length;
      const dbCpuMs = ((dbCpu() - d0) * 1000) / times.length;
      const s = sortNum(times);
      const r = { name, query: q, runs: s.length, median: pct(s, 50), p95: pct(s, 95), cpuMs, dbCpuMs };
      singles.push(r);
      log(
        `${dialect} ${name.padEnd(32)} ${String(r.runs).padStart(3)} runs  median ${r.median.toFixed(1).padStart(7)} ms` +
          `  p95 ${r.p95.toFixed(1).padStart(7)} ms  CPU ${cpuMs.toFixed(1).padStart(7)} ms/query${database ? ` (database ${dbCpuMs.toFixed(1)})` : ''}  (${first.items.length} items${first.nextCursor ? ', more' : ''})`,
      );
    }

    // several clients at once, each looping over the queries in its own shuffled order
    const perQuery = new Map<string, number[]>();
    const all: number[] = [];
    const until = performance.now() + CONCURRENT_S * 1000;
    const c0 = cpu();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, k) => {
        const r = rng(k + 1);
        while (performance.now() < until) {
          const [name, query] = resolved[Math.floor(r() * resolved.length)] as [string, string];
          const a = await ask(server.url, apiKey, query);
          all.push(a.ms);
          perQuery.set(name, [...(perQuery.get(name) ?? []), a.ms]);
        }
      }),
    );
    const cpuPer = ((cpu() - c0) * 1000) / all.length;
    const sAll = sortNum(all);
    const concurrent: Concurrent[] = [
      { name: 'all', n: sAll.length, p50: pct(sAll, 50), p99: pct(sAll, 99), max: sAll.at(-1) ?? NaN },
      ...[...perQuery].map(([name, xs]) => {
        const s = sortNum(xs);
        return { name, n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s.at(-1) ?? NaN };
      }),
    ];
    log(
      `${dialect}: ${CLIENTS} clients × ${CONCURRENT_S} s: ${sAll.length} responses, p50 ${pct(sAll, 50).toFixed(1)} ms, ` +
        `p99 ${pct(sAll, 99).toFixed(1)} ms, max ${(sAll.at(-1) ?? NaN).toFixed(1)} ms, CPU ${cpuPer.toFixed(1)} ms/response`,
    );
    for (const c of concurrent.slice(1))
      log(
        `   ${c.name.padEnd(32)} n ${String(c.n).padStart(4)}  p50 ${c.p50.toFixed(1).padStart(7)}  p99 ${c.p99.toFixed(1).padStart(7)}  max ${c.max.toFixed(1).padStart(7)} ms`,
      );
    return { dialect, loadBefore: os.loadavg()[0], singles, concurrent, cpuPerConcurrent: cpuPer, answers };
  } finally {
    await server.stop();
  }
}

function table(results: Awaited<ReturnType<typeof benchDialect>>[]): string {
  const lines = [
    `| query | ${results.map((r) => `${r.dialect} median / p95 ms | CPU ms`).join(' | ')} |`,
    `| --- | ${results.map(() => '---: | ---:').join(' | ')} |`,
  ];
  for (const [name, query] of QUERIES) {
    const cells = results.map((r) => {
      const s = r.singles.find((x) => x.name === name);
      return s ? `${s.median.toFixed(1)} / ${s.p95.toFixed(1)} | ${s.cpuMs.toFixed(1)}` : '– | –';
    });
    if (cells.every((c) => c.startsWith('–'))) continue;
    lines.push(`| ${name} (\`${query}\`) | ${cells.join(' | ')} |`);
  }
  const conc = results.map((r) => {
    const a = r.concurrent[0];
    return a
      ? `p50 ${a.p50.toFixed(1)}, p99 ${a.p99.toFixed(1)}, max ${a.max.toFixed(0)} | ${r.cpuPerConcurrent.toFixed(1)}`
      : '– | –';
  });
  lines.push(`| ${CLIENTS} clients at once, all queries mixed | ${conc.join(' | ')} |`);
  return lines.join('\n');
}

const results = [];
for (const dialect of DIALECTS) results.push(await benchDialect(dialect));
log(`\n${CUSTOMERS.toLocaleString('en')} customers:\n`);
log(table(results));
fs.mkdirSync(OUT_DIR, { recursive: true });
for (const r of results)
  fs.writeFileSync(
    path.join(OUT_DIR, `search-${r.dialect}.json`),
    JSON.stringify({ at: new Date(), args, ...r }, null, 2),
  );
