/**
 * Caller lookup benchmark (issue 2).
 *
 *   node --import tsx bench/lookup.ts [--customers 1000000] [--duration 10] [--runs 3]
 *                                     [--dialect sqlite|postgres|both] [--connections 50] [--cpu-prof DIR]
 *
 * For each dialect: a workspace of N customers (cached under bench/out/ for SQLite, in the Postgres
 * database rapport_bench, or $BENCH_PG_DB for a second checkout benchmarking beside this one), the Rapport server in one process and a bare node:http JSON server in another,
 * and autocannon in this process as the client. Measured:
 *  - GET /api/v1/lookup?phone=… (random customers' numbers in four formats, ~10 % unknown → 404) and the
 *    bare server's fixed ~600-byte JSON, alternately, R runs each: req/s, p50, p99 (medians of the runs),
 *    and the ratio lookup ÷ bare. Client and servers share the machine's cores, for both, so the ratio is fair;
 *  - the server-side CPU time per response of each (on PostgreSQL including the backends serving its database):
 *    what a request costs, whatever else the machine is doing;
 *  - the Rapport server's RSS once idle after the load and a full GC (and its peak);
 *  - POST /api/v1/calls → `call` event on an open GET /api/v1/events stream: median and max of 50 calls,
 *    on an idle server and while the lookup load runs.
 * Results are printed as a Markdown table and saved to bench/out/lookup-results.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { postgresCpuSeconds, startServer, type ServerProcess } from './lookup/child.ts';
import { measureCallEvents, type EventDelays } from './lookup/events.ts';
import { runLoad, type LoadResult } from './lookup/load.ts';
import { lookupPaths, nationalOf, unknownNational } from './lookup/phones.ts';
import { OUT_DIR, prepareDatabase, type Dialect } from './lookup/seed.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    dialect: { type: 'string', default: 'both' },
    connections: { type: 'string', default: '50' },
    'cpu-prof': { type: 'string' },
  },
});
const CUSTOMERS = Number(args.customers);
const DURATION = Number(args.duration);
const RUNS = Number(args.runs);
const CONNECTIONS = Number(args.connections);
const DIALECTS: Dialect[] = args.dialect === 'both' ? ['sqlite', 'postgres'] : [args.dialect as Dialect];
const WARMUP_S = 3;
const log = (s: string) => console.log(s);

/** A load run and the server-side CPU time it cost per response (µs): less sensitive to a busy machine. */
type Measured = LoadResult & { cpuUs: number };

type DialectResult = {
  dialect: Dialect;
  lookup: Measured[];
  bare: Measured[];
  rssIdleMb: number;
  rssPeakMb: number;
  cardBytes: number;
  callsIdle: EventDelays;
  callsUnderLoad: EventDelays;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** A known and an unknown number must answer 200 and 404 before anything is measured. */
async function checkLookup(url: string, apiKey: string): Promise<number> {
  const get = (nsn: string) =>
    fetch(`${url}/api/v1/lookup?phone=${encodeURIComponent('0' + nsn)}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
  const known = await get(nationalOf(CUSTOMERS - 1));
  const body = await known.text();
  if (known.status !== 200) throw new Error(`lookup of a known number: ${known.status} ${body}`);
  const unknown = await get(unknownNational(1234567));
  if (unknown.status !== 404) throw new Error(`lookup of an unknown number: ${unknown.status}`);
  return Buffer.byteLength(body);
}

/** The load on each server: lookups of random numbers with the API key, or the bare server's one answer. */
function loads(rapport: ServerProcess, bare: ServerProcess, apiKey: string) {
  const nextPath = lookupPaths(CUSTOMERS);
  const lookup = {
    url: rapport.url,
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${apiKey}` },
    nextPath,
  };
  return {
    lookup: (duration: number, signal?: AbortSignal) => runLoad({ ...lookup, duration }, signal),
    bare: (duration: number) => runLoad({ url: bare.url, connections: CONNECTIONS, duration }),
  };
}

/** Call events while the lookup load runs in the background (stopped as soon as the calls are done). */
async function callsUnderLoad(
  run: (d: number, s: AbortSignal) => Promise<LoadResult>,
  url: string,
  apiKey: string,
) {
  const stop = new AbortController();
  const background = run(120, stop.signal);
  await sleep(1000);
  try {
    return await measureCallEvents(url, apiKey, CUSTOMERS);
  } finally {
    stop.abort();
    await background;
  }
}

async function benchDialect(dialect: Dialect): Promise<DialectResult> {
  const { env, apiKey } = await prepareDatabase(dialect, CUSTOMERS, log);
  const profileDir = args['cpu-prof'] ? path.resolve(args['cpu-prof'], dialect) : undefined;
  const rapport = await startServer(path.join(import.meta.dirname, 'lookup/server.ts'), env, {
    cpuProfileDir: profileDir,
  });
  const bare = await startServer(path.join(import.meta.dirname, 'lookup/bare.ts'), {});
  // Other work on the machine skews every figure: say how busy it was before the load started.
  log(`${dialect}: load average before measuring ${os.loadavg()[0]?.toFixed(2)} (${os.cpus().length} cores)`);
  try {
    const cardBytes = await checkLookup(rapport.url, apiKey);
    const load = loads(rapport, bare, apiKey);
    log(`${dialect}: warm-up ${WARMUP_S} s each`);
    await load.lookup(WARMUP_S);
    await load.bare(WARMUP_S);

    const lookups: Measured[] = [];
    const bares: Measured[] = [];
    // The Rapport server's CPU includes, on PostgreSQL, the database server's processes.
    const database = env.DATABASE_URL ? new URL(env.DATABASE_URL).pathname.slice(1) : '';
    const rapportCpu = () => rapport.cpuSeconds() + (database ? postgresCpuSeconds(database) : 0);
    const measured = async (server: () => number, run: () => Promise<LoadResult>): Promise<Measured> => {
      const before = server();
      const result = await run();
      return { ...result, cpuUs: ((server() - before) * 1e6) / Math.max(1, result.count) };
    };
    for (let r = 1; r <= RUNS; r++) {
      const b = await measured(bare.cpuSeconds, () => load.bare(DURATION));
      const l = await measured(rapportCpu, () => load.lookup(DURATION));
      bares.push(b);
      lookups.push(l);
      log(
        `${dialect} run ${r}/${RUNS}: lookup ${l.rps.toFixed(0)} req/s p50 ${l.p50.toFixed(2)} p99 ${l.p99.toFixed(2)} ms ` +
          `${JSON.stringify(l.statuses)} errors ${l.errors}, server CPU ${l.cpuUs.toFixed(0)} µs/req | ` +
          `bare ${b.rps.toFixed(0)} req/s p50 ${b.p50.toFixed(2)} p99 ${b.p99.toFixed(2)} ms, CPU ${b.cpuUs.toFixed(0)} µs/req`,
      );
    }

    // Idle memory: let the last responses drain, collect garbage, let the allocator settle.
    await sleep(2000);
    await rapport.gc();
    await sleep(3000);
    const rss = rapport.rss();
    log(`${dialect}: RSS idle ${rss.now.toFixed(0)} MB (peak ${rss.peak.toFixed(0)} MB)`);

    const callsIdle = await measureCallEvents(rapport.url, apiKey, CUSTOMERS);
    const callsLoaded = await callsUnderLoad(load.lookup, rapport.url, apiKey);
    log(
      `${dialect}: call → SSE idle ${JSON.stringify(callsIdle)}, under load ${JSON.stringify(callsLoaded)}`,
    );
    return {
      dialect,
      lookup: lookups,
      bare: bares,
      rssIdleMb: rss.now,
      rssPeakMb: rss.peak,
      cardBytes,
      callsIdle,
      callsUnderLoad: callsLoaded,
    };
  } finally {
    await Promise.all([rapport.stop(), bare.stop()]);
  }
}

function table(results: DialectResult[]): string {
  const ms = (x: number) => x.toFixed(1);
  const cpu = (runs: Measured[]) => median(runs.map((x) => x.cpuUs));
  const lines = [
    '| dialect | Rapport lookup req/s | bare req/s | ratio | lookup p50 ms | lookup p99 ms | bare p50 / p99 ms | server CPU µs/req: lookup / bare (ratio) | RSS idle (peak) MB | call → SSE median / max ms (idle; under load) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    const l = median(r.lookup.map((x) => x.rps));
    const b = median(r.bare.map((x) => x.rps));
    lines.push(
      `| ${r.dialect} | ${l.toFixed(0)} | ${b.toFixed(0)} | ${(l / b).toFixed(2)} | ` +
        `${ms(median(r.lookup.map((x) => x.p50)))} | ${ms(median(r.lookup.map((x) => x.p99)))} | ` +
        `${ms(median(r.bare.map((x) => x.p50)))} / ${ms(median(r.bare.map((x) => x.p99)))} | ` +
        `${cpu(r.lookup).toFixed(0)} / ${cpu(r.bare).toFixed(0)} (${(cpu(r.bare) / cpu(r.lookup)).toFixed(2)}) | ` +
        `${r.rssIdleMb.toFixed(0)} (${r.rssPeakMb.toFixed(0)}) | ` +
        `${ms(r.callsIdle.median)} / ${ms(r.callsIdle.max)}; ${ms(r.callsUnderLoad.median)} / ${ms(r.callsUnderLoad.max)} |`,
    );
  }
  return lines.join('\n');
}

function statusSummary(results: DialectResult[]): string {
  return results
    .map((r) => {
      const total: Record<string, number> = {};
      for (const l of r.lookup)
        for (const [code, n] of Object.entries(l.statuses)) total[code] = (total[code] ?? 0) + n;
      const errors = r.lookup.reduce((s, l) => s + l.errors, 0);
      return `${r.dialect}: lookup responses ${JSON.stringify(total)}, connection errors ${errors}, card ${r.cardBytes} bytes`;
    })
    .join('\n');
}

const results: DialectResult[] = [];
for (const dialect of DIALECTS) results.push(await benchDialect(dialect));
log(
  `\n${CUSTOMERS.toLocaleString('en')} customers, ${CONNECTIONS} connections, ${RUNS} × ${DURATION} s, medians of runs:\n`,
);
log(table(results));
log('\n' + statusSummary(results));
fs.mkdirSync(OUT_DIR, { recursive: true });
fs.writeFileSync(
  path.join(OUT_DIR, 'lookup-results.json'),
  JSON.stringify({ at: new Date(), args, results }, null, 2),
);
