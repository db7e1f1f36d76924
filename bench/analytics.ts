/**
 * Analytics benchmark (issue 5): simulate 100,000 and 1,000,000 customers from BG/NBD with the
 * CDNOW parameters (weekly rates, purchase dates in days, Gamma-Gamma amounts), then time the
 * summary, the compressed fits, and 12-month CLV; medians of several runs.
 *
 *   node --import tsx bench/analytics.ts [--quick] [--runs N] [--pareto-1m]
 */
import os from 'node:os';
import {
  compressRfm,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalExpectedSpendMany,
  simulateBgNbdLog,
  summarizeColumns,
  toEpochDay,
  WEEKS_PER_MONTH,
} from '../src/stats/index.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 1 : 5;
const sizes = quick ? [100_000] : [100_000, 1_000_000];
const paretoRuns = (n: number): number =>
  n >= 1_000_000 ? (args.includes('--pareto-1m') ? 1 : 0) : Math.min(RUNS, 3);

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };
const start = toEpochDay('1997-01-01');

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

const lines: string[] = [];
console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}`);
for (const n of sizes) {
  const log = simulateBgNbdLog(BG, {
    customers: n,
    startDay: start,
    cohortDays: 84,
    horizonDays: 273,
    unitDays: 7,
    spend: GG,
    seed: 7,
  });
  const tSum: number[] = [];
  const tBg: number[] = [];
  const tGg: number[] = [];
  const tClv: number[] = [];
  const tPn: number[] = [];
  let info = '';
  for (let run = 0; run < RUNS; run++) {
    const [s, ts] = time(() => summarizeColumns(log, { calibrationEnd: start + 272, unitDays: 7 }));
    tSum.push(ts);
    const [bg, tb] = time(() => fitBgNbd(s)); // includes compression
    tBg.push(tb);
    const [gg, tg] = time(() => fitGammaGamma(s.x, s.monetary));
    tGg.push(tg);
    const [, tc] = time(() => {
      const spend = gammaGammaConditionalExpectedSpendMany(gg.params, s.x, s.monetary);
      return customerLifetimeValue({ kind: 'bgnbd', params: bg.params }, s, spend, {
        unitsPerMonth: WEEKS_PER_MONTH,
        months: 12,
        discountRate: 0.01,
      });
    });
    tClv.push(tc);
    if (run < paretoRuns(n)) {
      const [pn, tp] = time(() => fitParetoNbd(s));
      tPn.push(tp);
      if (run === 0) info += ` pareto=${JSON.stringify(pn.params)}`;
    }
    if (run === 0) {
      const c = compressRfm(s.x, s.tx, s.T);
      info = `rows=${log.day.length} customers=${s.x.length} unique=${c.length} bg=${JSON.stringify(bg.params)} gg=${JSON.stringify(gg.params)}${info}`;
    }
  }
  const f = (v: number[]): string => (v.length ? `${(median(v) / 1000).toFixed(3)} s` : 'n/a');
  console.log(`n=${n}: ${info}`);
  const row = `| ${n.toLocaleString('en-US')} | ${f(tSum)} | ${f(tBg)} | ${f(tGg)} | ${f(tClv)} | ${f(tPn)} |`;
  console.log(row);
  lines.push(row);
}
console.log('\n| customers | summary | BG/NBD fit | Gamma-Gamma fit | 12-month CLV | Pareto/NBD fit |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const l of lines) console.log(l);
