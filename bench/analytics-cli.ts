/**
 * bench/analytics-cli (issue 16): `rapport analytics fit` end to end — read a summary CSV, fit, predict,
 * write one row per customer — against a numpy/scipy reference doing the same work
 * (bench/analytics_cli_ref.py), each in its own process: wall time and peak RSS (GNU time), medians of
 * several runs; the outputs are compared (parameters, log-likelihood, every prediction column).
 *
 *   node --import tsx bench/analytics-cli.ts [--customers 1000000] [--runs 5] [--pareto-runs 3]
 *     [--baseline <checkout>]
 *
 * --baseline: also time `rapport analytics fit` of another checkout of Rapport (its dist/ built, e.g. the
 * commit before a change: `git archive <commit> | tar -x -C /tmp/base`, node_modules linked, then
 * `node /tmp/base/bin/rapport.js --version` builds it). The three run in turn, so a change in the machine's
 * load touches all of them.
 *
 * Data: customers simulated from BG/NBD with the CDNOW parameters (weekly rates; purchase days over 39 weeks,
 * first purchases over the first 12), Gamma-Gamma amounts, summarised in weeks exactly as
 * `rapport analytics summarize --unit weeks` writes it; cached under bench/out/.
 * Runs: (1) the whole `fit --model bgnbd --spend gammagamma --horizon 39 --months 12 --discount 0.01
 * --units-per-month 4.345` (read, BG/NBD + Gamma-Gamma + CLV, write); (2) `fit --model paretonbd --horizon 39`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { simulateBgNbdLog, summarizeColumns, toEpochDay } from '../src/stats/index.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'pareto-runs': { type: 'string', default: '3' },
    baseline: { type: 'string' },
  },
});
const N = Number(args.customers);
const RUNS = Number(args.runs);
const PARETO_RUNS = Number(args['pareto-runs']);
const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench', 'out');
const SUMMARY = path.join(OUT, `analytics-cli-summary-${N}.csv`);
const REF = path.join(ROOT, 'bench', 'analytics_cli_ref.py');

function makeSummary() {
  if (fs.existsSync(SUMMARY)) return;
  fs.mkdirSync(OUT, { recursive: true });
  const start = toEpochDay('1997-01-01');
  const log = simulateBgNbdLog(
    { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    {
      customers: N,
      startDay: start,
      cohortDays: 84,
      horizonDays: 273,
      unitDays: 7,
      spend: { p: 6.25, q: 3.74, gamma: 15.44 },
      seed: 7,
    },
  );
  const s = summarizeColumns(
    { customerId: Array.from(log.customerId, (c) => `c${c}`), day: log.day, amount: log.amount },
    { calibrationEnd: start + 272, unitDays: 7 },
  );
  const fd = fs.openSync(SUMMARY, 'w');
  fs.writeSync(fd, 'customer_id,frequency,recency,T,monetary_value\n');
  let chunk = '';
  for (let i = 0; i < s.ids.length; i++) {
    chunk += `${s.ids[i]},${s.x[i]},${s.tx[i]},${s.T[i]},${s.monetary[i]}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

type Run = { seconds: number; cpu: number; rssMb: number; stdout: string };
/** One child process under GNU time: wall seconds, CPU seconds (user + system) and peak RSS. */
function timed(cmd: string, argv: string[]): Run {
  const stats = path.join(OUT, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', stats, cmd, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [sec, user, sys, kb] = fs
    .readFileSync(stats, 'utf8')
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .map(Number);
  return {
    seconds: sec as number,
    cpu: (user as number) + (sys as number),
    rssMb: (kb as number) / 1024,
    stdout: r.stdout,
  };
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Max |a − b| / max(1, |b|) per column of two prediction files (same rows, same order). */
function compare(a: string, b: string): Record<string, number> {
  const la = fs.readFileSync(a, 'utf8').split('\n');
  const lb = fs.readFileSync(b, 'utf8').split('\n');
  const head = (la[0] as string).split(',');
  if (la[0] !== lb[0]) throw new Error(`headers differ: ${la[0]} / ${lb[0]}`);
  if (la.length !== lb.length) throw new Error(`row counts differ: ${la.length} / ${lb.length}`);
  const worst: Record<string, number> = {};
  for (let i = 1; i < la.length; i++) {
    if (la[i] === '') continue;
    const ra = (la[i] as string).split(',');
    const rb = (lb[i] as string).split(',');
    if (ra[0] !== rb[0]) throw new Error(`row ${i}: ${ra[0]} / ${rb[0]}`);
    for (let c = 1; c < head.length; c++) {
      const x = Number(ra[c]);
      const y = Number(rb[c]);
      if (!Number.isFinite(x) || !Number.isFinite(y))
        throw new Error(`row ${i} ${head[c]}: ${ra[c]} / ${rb[c]}`);
      const d = Math.abs(x - y) / Math.max(1, Math.abs(y));
      const k = head[c] as string;
      if (!(d <= (worst[k] ?? 0))) worst[k] = d;
    }
  }
  return worst;
}

makeSummary();
const rows = fs.readFileSync(SUMMARY, 'utf8').split('\n').length - 2;
console.log(
  `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}; ${rows.toLocaleString('en-US')} customers in ${SUMMARY} (${(fs.statSync(SUMMARY).size / 2 ** 20).toFixed(0)} MiB)`,
);
// built once, outside the timings (bin/rapport.js compiles src/ when dist/ is stale)
execFileSync(process.execPath, [path.join(ROOT, 'bin', 'rapport.js'), '--version'], { stdio: 'ignore' });
const numpy = hasNumpy();
if (!numpy) console.log('numpy/scipy not importable: the reference is not run');

const WHOLE = ['--spend', 'gammagamma', '--horizon', '39', '--months', '12', '--discount', '0.01'];
const jobs = [
  { name: 'bgnbd + gammagamma + CLV', args: ['--model', 'bgnbd', ...WHOLE, '--units-per-month', '4.345'] },
  { name: 'paretonbd', args: ['--model', 'paretonbd', '--horizon', '39'] },
];
type Who = 'rapport' | 'baseline' | 'ref';
const cliOf = (root: string) => path.join(root, 'dist', 'cli', 'main.js');
const table: string[] = [];
for (const job of jobs) {
  const runs = job.name === 'paretonbd' ? PARETO_RUNS : RUNS;
  const result: Record<Who, Run[]> = { rapport: [], baseline: [], ref: [] };
  const outs: Record<Who, string> = {
    rapport: path.join(OUT, 'cli-rapport.csv'),
    baseline: path.join(OUT, 'cli-baseline.csv'),
    ref: path.join(OUT, 'cli-ref.csv'),
  };
  const fit = (root: string, out: string) =>
    timed(process.execPath, [
      cliOf(root),
      'analytics',
      'fit',
      '--summary',
      SUMMARY,
      ...job.args,
      '--out',
      out,
    ]);
  for (let i = 0; i < runs; i++) {
    // in turn, so a change in the machine's load touches each of them
    result.rapport.push(fit(ROOT, outs.rapport));
    if (args.baseline) result.baseline.push(fit(args.baseline, outs.baseline));
    if (numpy && job.name !== 'paretonbd')
      result.ref.push(timed('python3', [REF, '--summary', SUMMARY, ...job.args, '--out', outs.ref]));
  }
  const med = (r: Run[], k: 'seconds' | 'cpu' | 'rssMb') => median(r.map((x) => x[k]));
  const cell = (r: Run[]) =>
    r.length
      ? `${med(r, 'seconds').toFixed(2)} s (CPU ${med(r, 'cpu').toFixed(2)} s), ${med(r, 'rssMb').toFixed(0)} MB`
      : 'n/a';
  console.log(`\n${job.name}`);
  for (const who of ['rapport', 'baseline', 'ref'] as const)
    if (result[who].length)
      console.log(
        `  ${who}: ${cell(result[who])}; wall ${result[who].map((x) => x.seconds.toFixed(2)).join(', ')} s`,
      );
  const report = (who: Who) =>
    result[who].length ? (JSON.parse(result[who].at(-1)!.stdout) as Record<string, unknown>) : undefined;
  for (const who of ['rapport', 'baseline', 'ref'] as const) {
    const r = report(who);
    if (r) console.log(`  ${who} params ${JSON.stringify(r.params)} LL ${r.logLikelihood}`);
  }
  if (report('rapport') && report('ref'))
    console.log(
      `  max relative difference rapport/reference: ${JSON.stringify(compare(outs.rapport, outs.ref))}`,
    );
  if (report('rapport') && report('baseline'))
    console.log(
      `  max relative difference rapport/baseline: ${JSON.stringify(compare(outs.rapport, outs.baseline))}`,
    );
  const ratio = (who: Who, k: 'seconds' | 'cpu') =>
    result.rapport.length && result[who].length
      ? (med(result.rapport, k) / med(result[who], k)).toFixed(2)
      : 'n/a';
  table.push(
    `| ${job.name} | ${cell(result.rapport)} | ${cell(result.baseline)} | ${cell(result.ref)} | ${ratio('ref', 'seconds')} (CPU ${ratio('ref', 'cpu')}) |`,
  );
}
console.log(
  '\n| fit | rapport | baseline | numpy reference | rapport ÷ reference |\n| --- | --- | --- | --- | --- |',
);
for (const t of table) console.log(t);
