/**
 * Does co-purchase beat "the most popular items"? A time split of the workspace's own lines: fit on the lines
 * up to a cut day, then, for (a seeded sample of) the customers who bought again after it, count how often
 * the top 5 holds something they bought next. Pure and reproducible from the seed.
 */
import {
  customerItems,
  excluded,
  fitNeighbours,
  popularFor,
  rowOf,
  suggestFor,
  type History,
  type LineLog,
  type SuggestOptions,
} from './copurchase.ts';
import { createRng } from './simulate.ts';

export type EvalOptions = {
  today: number;
  halfLifeDays: number;
  /** The test window: the days after the cut (default 60). */
  testDays?: number;
  /** Customers evaluated at most (a seeded sample; default 5,000). */
  maxCustomers?: number;
  seed: number;
  neighbours?: number;
};

export type Evaluation = {
  /** The last day of the training lines (epoch day). */
  cut: number;
  testDays: number;
  seed: number;
  /** Customers evaluated: bought before the cut and, after it, something they do not buy anyway. */
  customers: number;
  hitRate5: number | null;
  baselineHitRate5: number | null;
  /** Customers the suggestions hit and the baseline missed, and the other way round. */
  onlySuggestions: number;
  onlyBaseline: number;
  /** One-sided exact sign test (McNemar) of the suggestions beating the baseline. */
  pValue: number | null;
  beatsBaseline: boolean;
};

/** P(X ≥ b) for X ~ Binomial(b + c, 1/2), in logs (exact, fine for a few thousand). */
export function signTestP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const lf = (x: number) => {
    let s = 0;
    for (let i = 2; i <= x; i++) s += Math.log(i);
    return s;
  };
  const lfn = lf(n);
  let acc = 0;
  let lfi = lf(b);
  let lfni = lf(n - b);
  for (let i = b; i <= n; i++) {
    acc += Math.exp(lfn - lfi - lfni - n * Math.LN2);
    lfi += Math.log(i + 1);
    if (n - i > 0) lfni -= Math.log(n - i);
  }
  return Math.min(1, acc);
}

/** Hit rate at 5 of the co-purchase suggestions vs the popularity baseline on a time split. */
export function evaluateSuggestions(log: LineLog, o: EvalOptions): Evaluation {
  const testDays = o.testDays ?? 60;
  const cut = o.today - testDays;
  const k = 5;
  const nb = fitNeighbours(log, { today: cut, halfLifeDays: o.halfLifeDays, k: o.neighbours ?? 10 });
  const so: SuggestOptions = { today: cut, halfLifeDays: o.halfLifeDays, k };
  // each customer's training history and test purchases
  const ci = customerItems(log, cut);
  const histories = new Map<number, History>();
  for (let r = 0; r < ci.length; r++) {
    const c = ci.customer[r] as number;
    let h = histories.get(c);
    if (!h) histories.set(c, (h = new Map()));
    h.set(ci.item[r] as number, { last: ci.last[r] as number, days: ci.days[r] as number });
  }
  const next = new Map<number, Set<number>>();
  for (let i = 0; i < log.length; i++) {
    const d = log.day[i] as number;
    if (d <= cut || d > o.today) continue;
    const c = log.customer[i] as number;
    if (!histories.has(c)) continue;
    let s = next.get(c);
    if (!s) next.set(c, (s = new Set()));
    s.add(log.item[i] as number);
  }
  const eligible: number[] = [];
  for (const [c, bought] of next) {
    const h = histories.get(c) as History;
    const skip = excluded(h, so);
    if ([...bought].some((it) => !skip.has(it))) eligible.push(c);
  }
  eligible.sort((a, b) => a - b);
  const rng = createRng(o.seed);
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j] as number, eligible[i] as number];
  }
  const sample = eligible.slice(0, o.maxCustomers ?? 5_000);
  let hits = 0;
  let baseHits = 0;
  let onlyS = 0;
  let onlyB = 0;
  for (const c of sample) {
    const h = histories.get(c) as History;
    const bought = next.get(c) as Set<number>;
    const s = suggestFor(h, (it) => rowOf(nb, it), nb.popular, so).some((x) => bought.has(x.item));
    const b = popularFor(h, nb.popular, so).some((it) => bought.has(it));
    if (s) hits++;
    if (b) baseHits++;
    if (s && !b) onlyS++;
    if (b && !s) onlyB++;
  }
  const n = sample.length;
  const pValue = n ? signTestP(onlyS, onlyB) : null;
  return {
    cut,
    testDays,
    seed: o.seed,
    customers: n,
    hitRate5: n ? hits / n : null,
    baselineHitRate5: n ? baseHits / n : null,
    onlySuggestions: onlyS,
    onlyBaseline: onlyB,
    pValue,
    beatsBaseline: n > 0 && onlyS > onlyB && (pValue as number) < 0.05,
  };
}
