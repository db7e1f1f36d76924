/**
 * Outreach benchmark (issue 15): a campaign to 100,000 customers.
 *
 *   node --expose-gc --import tsx bench/outreach-campaign.ts [--customers 100000] [--runs 3] [--send 10000]
 *        [--send-runs 3] [--dialect sqlite|postgres|both]
 *
 * `both` (the default when TEST_DATABASE_URL or DATABASE_URL names a PostgreSQL server, else SQLite only). For
 * each dialect, a workspace of N customers (bench/outreach/seed.ts: 84 % eligible, 10 % without marketing
 * consent, 5 % unsubscribed, 1 % without an email; cached between runs) and a real SMTP server in its own
 * process (bench/outreach/sink.ts: smtp-server reading each message to its end, no parsing). Measured:
 *
 * - Queuing: a fresh campaign to everyone (email, marketing), sent, its job claimed, then
 *   `campaigns.queueCampaign` timed with the job runner's progress write per batch — R runs, median. Baseline
 *   in the same runs: the same rows (what the queuing writes: queued, or skipped with the reason) inserted into
 *   `messages` by the database's fastest path (`createBulkWriter`: SQLite a prepared single-row INSERT, PostgreSQL
 *   `json_populate_recordset`), 1,000 per transaction like the queuing. Each campaign is cancelled after its run
 *   and the baseline rows deleted (untimed), so every run starts from the same outbox.
 * - Sending: a campaign to a random sample of S customers (all of them when S ≥ N), queued untimed, then the real
 *   sender (`services.outbox.createSender().drain()`, until nothing of the campaign is due) through nodemailer to
 *   the sink: messages/s. Baseline in the same runs: a bare nodemailer loop (the adapter's transport: pooled, 2
 *   connections; 4 messages in flight like the sender) sending as many messages of the same size to the same
 *   sink. Memory (RSS, V8 heap) of this process, which runs the sender, sampled every 100 ms: start (after a
 *   full GC), peak, end. CPU seconds per 1,000 messages: this process, the sink, and PostgreSQL's backends.
 *
 * The workspace's send rate (Settings → Messages, at most 10,000 a minute through the API) is raised to
 * 1,000,000,000 a minute in the database for the measurement, so the sender runs at its own pace.
 * Results are printed as Markdown and saved to bench/out/outreach-results-<label>.json. `--runs 0` or
 * `--send-runs 0` leaves that part out; `--send 100000` sends the whole campaign (audience: everyone).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import nodemailer from 'nodemailer';
import type { RunningApp } from '../src/app.ts';
import { createBulkWriter } from '../src/platform/db/bulk.ts';
import { writeTransaction } from '../src/platform/db/transaction.ts';
import type { Actor } from '../src/platform/http/actor.ts';
import { CAMPAIGN_JOB } from '../src/modules/outreach/campaigns.service.ts';
import { compose } from '../src/modules/outreach/compose.ts';
import { newMessageRow, type MessageRow } from '../src/modules/outreach/outbox.repository.ts';
import { notSendable } from '../src/modules/outreach/outreach.errors.ts';
import type { Eligibility } from '../src/modules/outreach/outreach.repository.ts';
import { cpuSecondsOf } from './lookup/child.ts';
import { rng } from './lookup/phones.ts';
import { OUT_DIR, openBench, pgAdminUrl, pgBenchDb, type Dialect } from './outreach/seed.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    send: { type: 'string', default: '10000' },
    'send-runs': { type: 'string', default: '3' },
    dialect: { type: 'string' },
    /** The SMTP server: `discard` (reads and drops each message) or `store` (flushes each to disk first). */
    sink: { type: 'string', default: 'discard' },
    /** Write a CPU profile of each Rapport send run into this folder. */
    'cpu-prof': { type: 'string' },
    /** Names the results file: bench/out/outreach-results-<label>.json. */
    label: { type: 'string', default: 'latest' },
  },
});
const CUSTOMERS = Number(args.customers);
const RUNS = Number(args.runs);
const SEND = Number(args.send);
const SEND_RUNS = Number(args['send-runs']);
const CHOICE = args.dialect ?? (pgAdminUrl() ? 'both' : 'sqlite');
const DIALECTS: Dialect[] = CHOICE === 'both' ? ['sqlite', 'postgres'] : [CHOICE as Dialect];
const SINK_MODE = args.sink === 'store' ? 'store' : 'discard';
const IN_FLIGHT = 8; // the sender's PARALLEL
const log = (s: string) => console.log(s);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const mb = (b: number) => Math.round(b / 1_048_576);
const r2 = (x: number) => Math.round(x * 100) / 100;

const SUBJECT = 'A treat for you, {{ customer.first_name }}';
const BODY =
  'Hello {{ customer.first_name | default: "there" }},\n\nOur coconut cake is back at {{ shop.name }}, and ' +
  'this week the first slice is on us: show this email at the counter.\n\nWe bake every morning from 7, ' +
  'Monday to Saturday. See you soon!';
const ACTOR: Actor = { workspaceId: '', kind: 'cli', id: 'bench', scopes: new Set(['read', 'write']) };

// --- the SMTP sink in its own process ---

type Sink = { url: string; pid: number; count: () => Promise<number>; stop: () => Promise<void> };
async function startSink(): Promise<Sink> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'outreach/sink.ts'), [SINK_MODE], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code})`)));
    child.once('message', (m) => resolve(Number((m as { port: number }).port)));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    pid: child.pid as number,
    count: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve((m as { count: number }).count));
        child.send('count');
      }),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

// --- memory and CPU ---

type Mem = { rss: number; heap: number };
function sampleMemory() {
  const at = (): Mem => {
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed };
  };
  gc();
  const start = at();
  let peak = { ...start };
  const timer = setInterval(() => {
    const m = at();
    peak = { rss: Math.max(peak.rss, m.rss), heap: Math.max(peak.heap, m.heap) };
  }, 100);
  return () => {
    clearInterval(timer);
    const end = at();
    peak = { rss: Math.max(peak.rss, end.rss), heap: Math.max(peak.heap, end.heap) };
    gc();
    return { start, peak, end, afterGc: at() };
  };
}
type MemReport = ReturnType<ReturnType<typeof sampleMemory>>;

/** CPU seconds so far of each PostgreSQL backend serving the bench database, by pid. */
function backends(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (/^postgres: (?:\S+: )?\S+ (\S+) /.exec(title)?.[1] === pgBenchDb())
        out.set(Number(entry), cpuSecondsOf(Number(entry)));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function cpuMeter(dialect: Dialect, sinkPid: number) {
  const s0 = process.cpuUsage();
  const k0 = cpuSecondsOf(sinkPid);
  // per backend: one that the pool closed meanwhile (idle) is left out, one it opened counts from zero
  const p0 = dialect === 'postgres' ? backends() : new Map<number, number>();
  return () => {
    const s = process.cpuUsage(s0);
    let db = 0;
    if (dialect === 'postgres') for (const [pid, cpu] of backends()) db += cpu - (p0.get(pid) ?? 0);
    return { self: (s.user + s.system) / 1e6, sink: cpuSecondsOf(sinkPid) - k0, db };
  };
}

/** A CPU profile of this process from now until the returned function is called (with --cpu-prof DIR). */
async function profile(name: string): Promise<() => Promise<void>> {
  const dir = args['cpu-prof'];
  if (!dir) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile: p } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(p));
    session.disconnect();
  };
}

const cpuText = (c: { self: number; db: number }) =>
  `${c.self.toFixed(2)} s here${c.db ? ` + ${c.db.toFixed(2)} s PostgreSQL` : ''}`;

// --- queuing ---

async function newCampaign(app: RunningApp, ws: string, name: string, audience: unknown) {
  const c = await app.services.campaigns.createCampaign(
    ws,
    { name, channel: 'email', purpose: 'marketing', subject: SUBJECT, body: BODY, audience },
    { ...ACTOR, workspaceId: ws },
  );
  await app.services.campaigns.sendCampaign(ws, c.id, { ...ACTOR, workspaceId: ws });
  return c.id;
}

/** Run the campaign's job as the server's job runner would (claim, progress per batch, complete): timed. */
async function queueTimed(app: RunningApp, ws: string, id: string) {
  const { queue, campaigns } = app.services;
  const job = await queue.claim([CAMPAIGN_JOB], 'bench', 600_000);
  if (!job || (job.payload as { campaignId: string }).campaignId !== id) throw new Error('no campaign job');
  const t0 = performance.now();
  const r = await campaigns.queueCampaign(ws, id, (done, total) =>
    queue.heartbeat(job.id, 'bench', 600_000, { done, total }),
  );
  const s = (performance.now() - t0) / 1000;
  await queue.complete(job.id, 'bench', r);
  return { s, ...r };
}

/** The rows queueCampaign writes for these eligibilities (the baseline inserts the same). */
function rowsOf(ws: string, campaignId: string, createdBy: string, e: Eligibility[]): MessageRow[] {
  const next = new Date().toISOString();
  return e.map((x) =>
    newMessageRow(ws, {
      dedupeKey: `c:${campaignId}:${x.customerId}`,
      campaignId,
      customerId: x.customerId,
      channel: 'email',
      purpose: 'marketing',
      to: x.to,
      nextAttemptAt: next,
      createdBy,
      ...(x.excluded && {
        status: 'skipped' as const,
        errorCode: x.excluded,
        error: notSendable(x.excluded, 'email').message,
      }),
    }),
  );
}

async function rawInsert(app: RunningApp, rows: MessageRow[]) {
  const { db } = app.conn;
  const bulk = createBulkWriter(db);
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 1000)
    await writeTransaction(db, (trx) =>
      bulk.insert(trx, 'messages', rows.slice(i, i + 1000), { onConflict: 'nothing' }),
    );
  return (performance.now() - t0) / 1000;
}

// --- sending ---

async function sendWithRapport(app: RunningApp, ws: string, id: string, sink: Sink, dialect: Dialect) {
  const { db } = app.conn;
  const sender = app.services.outbox.createSender({
    onError: (err) => log(`  sender error: ${(err as Error).message}`),
  });
  const before = await sink.count();
  const mem = sampleMemory();
  const cpu = cpuMeter(dialect, sink.pid);
  const stopProfile = await profile(`send-${dialect}-${Date.now()}`);
  const t0 = performance.now();
  for (;;) {
    await sender.drain();
    const left = await db
      .selectFrom('messages')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('campaign_id', '=', id)
      .where('status', 'in', ['queued', 'claimed', 'sending'])
      .executeTakeFirst();
    if (!left) break;
    const due = await db
      .selectFrom('messages')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('campaign_id', '=', id)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', new Date().toISOString())
      .executeTakeFirst();
    if (!due) throw new Error("messages are left and none is due: retries? (see the campaign's messages)");
  }
  const s = (performance.now() - t0) / 1000;
  await stopProfile();
  const c = cpu();
  const m = mem();
  const counts = (await app.services.campaigns.getCampaign(ws, id)).counts;
  const sent = counts.sent ?? 0;
  const received = (await sink.count()) - before;
  if (received !== sent) throw new Error(`the sink received ${received} messages, Rapport sent ${sent}`);
  return { s, sent, perS: sent / s, cpu: c, mem: m, counts };
}

/** The bare loop: nodemailer, the adapter's transport settings, IN_FLIGHT at once, the same message size. */
async function sendBare(
  sink: Sink,
  n: number,
  message: { subject: string | null; text: string; html: string | null; headers: Record<string, string> },
  dialect: Dialect,
) {
  const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: 2 });
  const before = await sink.count();
  const mem = sampleMemory();
  const cpu = cpuMeter(dialect, sink.pid);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await transport.sendMail({
        from: { name: 'Mama Put Bakery', address: 'hello@mamaput.example' },
        to: `customer${i}@example.com`,
        replyTo: 'owner@mamaput.example',
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html && { html: message.html }),
        messageId: `<bare-${i}-${t0}@crm.example.test>`,
        date: new Date(),
        headers: message.headers,
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const s = (performance.now() - t0) / 1000;
  const c = cpu();
  const m = mem();
  transport.close();
  const received = (await sink.count()) - before;
  if (received !== n) throw new Error(`the sink received ${received} of ${n} bare messages`);
  return { s, sent: n, perS: n / s, cpu: c, mem: m };
}

// --- per dialect ---

type Sent = Awaited<ReturnType<typeof sendBare>>;
async function benchDialect(dialect: Dialect) {
  log(`${dialect}:`);
  const sink = await startSink();
  const { app, ws } = await openBench(dialect, CUSTOMERS, sink.url, log);
  const { db } = app.conn;
  const { services } = app;
  try {
    await services.outreachSettings.updateSettings(
      ws,
      {
        fromEmail: 'hello@mamaput.example',
        fromName: 'Mama Put Bakery',
        replyTo: 'owner@mamaput.example',
        quietHours: { start: '00:00', end: '00:00' },
        ratePerMinute: 10_000,
      },
      'bench',
    );
    await db
      .updateTable('outreach_settings')
      .set({ rate_per_minute: 1_000_000_000 })
      .where('workspace_id', '=', ws)
      .execute();

    // the parts, once: the audience's ids, then its eligibility (what queueCampaign does before writing)
    let t = performance.now();
    const ids = await services.campaigns.audienceIds(ws, { kind: 'all' });
    const idsS = (performance.now() - t) / 1000;
    t = performance.now();
    const elig: Eligibility[] = [];
    for (let i = 0; i < ids.length; i += 1000)
      elig.push(
        ...(await services.outreach.repo.eligibility(ws, ids.slice(i, i + 1000), 'email', 'marketing')),
      );
    const eligS = (performance.now() - t) / 1000;
    const excluded = elig.filter((e) => e.excluded).length;
    log(
      `  audience ${ids.length.toLocaleString('en')} ids in ${idsS.toFixed(2)} s; eligibility in ${eligS.toFixed(2)} s ` +
        `(${(ids.length - excluded).toLocaleString('en')} eligible)`,
    );

    type Cpu = ReturnType<ReturnType<typeof cpuMeter>>;
    const queue: { s: number; queued: number; skipped: number; rssPeak: number; cpu: Cpu }[] = [];
    const raw: number[] = [];
    const rawCpu: Cpu[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const base = `baseline-${run}-${Date.now()}`;
      const rows = rowsOf(ws, base, 'cli', elig);
      const rc = cpuMeter(dialect, sink.pid);
      const rawS = await rawInsert(app, rows);
      rawCpu.push(rc());
      raw.push(rawS);
      await db
        .deleteFrom('messages')
        .where('workspace_id', '=', ws)
        .where('campaign_id', '=', base)
        .execute();

      const id = await newCampaign(app, ws, `Everyone ${run}`, { kind: 'all' });
      const mem = sampleMemory();
      const qc = cpuMeter(dialect, sink.pid);
      const q = await queueTimed(app, ws, id);
      const cpu = qc();
      const m = mem();
      queue.push({ s: q.s, queued: q.queued, skipped: q.skipped, rssPeak: m.peak.rss, cpu });
      await services.campaigns.cancelCampaign(ws, id, { ...ACTOR, workspaceId: ws });
      log(
        `  run ${run}: raw insert ${rawS.toFixed(2)} s (CPU ${cpuText(rawCpu.at(-1) as Cpu)}); ` +
          `queueCampaign ${q.s.toFixed(2)} s (CPU ${cpuText(cpu)}) ` +
          `(${q.queued.toLocaleString('en')} queued, ${q.skipped.toLocaleString('en')} skipped; peak RSS ${mb(m.peak.rss)} MB)`,
      );
    }

    // one message as Rapport composes it, for the bare loop's size
    const sample = await compose('preview', ws, {
      messageId: 'x',
      channel: 'email',
      purpose: 'marketing',
      subject: SUBJECT,
      body: BODY,
      to: 'customer1@example.com',
      recipient: {
        customerId: null,
        name: 'Ada Okafor 1',
        email: 'customer1@example.com',
        phone: null,
        birthday: null,
      },
      shopName: 'Mama Put Bakery',
      replyTo: 'owner@mamaput.example',
      publicUrl: 'https://crm.example.test',
    });
    const rapport: Awaited<ReturnType<typeof sendWithRapport>>[] = [];
    const bare: Sent[] = [];
    for (let run = 1; run <= SEND_RUNS; run++) {
      let audience: unknown = { kind: 'all' };
      if (SEND < ids.length) {
        const r = rng(run);
        const pick = new Set<string>();
        while (pick.size < SEND) pick.add(ids[Math.floor(r() * ids.length)] as string);
        audience = { kind: 'customers', ids: [...pick] };
      }
      const id = await newCampaign(app, ws, `Sample ${run}`, audience);
      const q = await queueTimed(app, ws, id);
      const mine = await sendWithRapport(app, ws, id, sink, dialect);
      const b = await sendBare(sink, mine.sent, sample, dialect);
      rapport.push(mine);
      bare.push(b);
      log(
        `  send ${run}: ${q.queued.toLocaleString('en')} queued in ${q.s.toFixed(2)} s; Rapport ${mine.sent} in ` +
          `${mine.s.toFixed(1)} s = ${mine.perS.toFixed(0)}/s (RSS ${mb(mine.mem.start.rss)} → peak ` +
          `${mb(mine.mem.peak.rss)} → ${mb(mine.mem.end.rss)} MB, heap ${mb(mine.mem.start.heap)} → ` +
          `${mb(mine.mem.peak.heap)} → ${mb(mine.mem.end.heap)} MB, ${mb(mine.mem.afterGc.heap)} MB after GC); bare nodemailer ${b.perS.toFixed(0)}/s; ` +
          `ratio ${(mine.perS / b.perS).toFixed(3)}`,
      );
    }
    return {
      dialect,
      customers: ids.length,
      audienceIdsS: idsS,
      eligibilityS: eligS,
      queue,
      raw,
      rawCpu,
      rapport: rapport.map(({ counts: _c, ...x }) => x),
      bare,
    };
  } finally {
    await app.close();
    await sink.stop();
  }
}

const results = [];
for (const dialect of DIALECTS) results.push(await benchDialect(dialect));

const cpuModel = os.cpus()[0]?.model ?? '?';
log(
  `\n${CUSTOMERS.toLocaleString('en')} customers; SMTP sink: ${SINK_MODE}; ${os.cpus().length} × ${cpuModel}, Node ${process.version}; ` +
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n`,
);
log(
  '| database | queueCampaign (median, runs) | raw insert of the same rows | ratio | CPU s: queueCampaign / raw (this process + PostgreSQL) | queued / skipped |',
);
log('| --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  if (!r.queue.length) continue;
  const q = r.queue.map((x) => x.s);
  log(
    `| ${r.dialect} | **${median(q).toFixed(2)} s** (${q.map((x) => x.toFixed(2)).join(', ')}) | ` +
      `${median(r.raw).toFixed(2)} s (${r.raw.map((x) => x.toFixed(2)).join(', ')}) | ` +
      `${r2(median(q) / median(r.raw))} × | ` +
      `${median(r.queue.map((x) => x.cpu.self + x.cpu.db)).toFixed(2)} / ${median(r.rawCpu.map((x) => x.self + x.db)).toFixed(2)} | ` +
      `${r.queue[0]?.queued.toLocaleString('en')} / ${r.queue[0]?.skipped.toLocaleString('en')} |`,
  );
}
log(
  '\n| database | messages | Rapport msg/s (median, runs) | bare nodemailer msg/s | ratio | RSS start → peak → end | V8 heap used start → peak → end | CPU s per 1,000: sender / sink / PostgreSQL (bare: client / sink) |',
);
log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  if (!r.rapport.length) continue;
  const mine = r.rapport.map((x) => x.perS);
  const bare = r.bare.map((x) => x.perS);
  const mid = r.rapport.find((x) => x.perS === median(mine)) ?? r.rapport[0];
  const per = (x: { cpu: { self: number; sink: number; db: number }; sent: number }) => ({
    self: (x.cpu.self / x.sent) * 1000,
    sink: (x.cpu.sink / x.sent) * 1000,
    db: (x.cpu.db / x.sent) * 1000,
  });
  const cm = r.rapport.map(per);
  const cb = r.bare.map(per);
  const mem = (m: MemReport, k: 'rss' | 'heap') =>
    `${mb(m.start[k])} → ${mb(m.peak[k])} → ${mb(m.end[k])} (${mb(m.afterGc[k])} after GC) MB`;
  log(
    `| ${r.dialect} | ${mid?.sent.toLocaleString('en')} | **${median(mine).toFixed(0)}** (${mine.map((x) => x.toFixed(0)).join(', ')}) | ` +
      `${median(bare).toFixed(0)} (${bare.map((x) => x.toFixed(0)).join(', ')}) | **${(median(mine) / median(bare)).toFixed(3)}** | ` +
      `${mid ? mem(mid.mem, 'rss') : ''} | ${mid ? mem(mid.mem, 'heap') : ''} | ` +
      `${median(cm.map((x) => x.self)).toFixed(2)} / ${median(cm.map((x) => x.sink)).toFixed(2)} / ${median(cm.map((x) => x.db)).toFixed(2)} ` +
      `(${median(cb.map((x) => x.self)).toFixed(2)} / ${median(cb.map((x) => x.sink)).toFixed(2)}) |`,
  );
}
fs.mkdirSync(OUT_DIR, { recursive: true });
fs.writeFileSync(
  path.join(OUT_DIR, `outreach-results-${args.label}.json`),
  JSON.stringify({ at: new Date().toISOString(), args, loadavg: os.loadavg(), results }, null, 2),
);
