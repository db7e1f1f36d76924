/**
 * Descriptive scores a shop owner reads: RFM quintile scores and segments, lifecycle stage,
 * spend trend, and "overdue" relative to the customer's own buying rhythm.
 */

/** RFM scores, 1 (worst) … 5 (best) each. */
export interface RfmScore {
  readonly r: number;
  readonly f: number;
  readonly m: number;
}

/**
 * Quintile scores 1–5 of `values` (higher value → higher score). Ties always share a score:
 * score = 1 + ⌊5 · (number of strictly smaller values) / n⌋, so the result does not depend on
 * input order.
 * @example quintileScores([10, 20, 30, 40, 50]) // Int8Array [1, 2, 3, 4, 5]
 */
export function quintileScores(values: ArrayLike<number>): Int8Array {
  const n = values.length;
  const out = new Int8Array(n);
  if (n === 0) return out;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((i, j) => (values[i] as number) - (values[j] as number));
  let i = 0;
  while (i < n) {
    const v = values[idx[i] as number] as number;
    let j = i;
    while (j < n && values[idx[j] as number] === v) j++;
    const score = 1 + Math.floor((5 * i) / n);
    for (let k = i; k < j; k++) out[idx[k] as number] = score;
    i = j;
  }
  return out;
}

/**
 * R, F, M scores for many customers. Recency is "time since the last purchase" (smaller is
 * better, so it is negated before scoring); frequency = number of purchases; monetary =
 * average (or total) spend.
 * @example rfmScores([3, 40], [5, 1], [100, 20]) // r: [5, 1]…
 */
export function rfmScores(
  timeSinceLast: ArrayLike<number>,
  frequency: ArrayLike<number>,
  monetary: ArrayLike<number>,
): { readonly r: Int8Array; readonly f: Int8Array; readonly m: Int8Array } {
  const neg = new Float64Array(timeSinceLast.length);
  for (let i = 0; i < neg.length; i++) neg[i] = -(timeSinceLast[i] as number);
  return { r: quintileScores(neg), f: quintileScores(frequency), m: quintileScores(monetary) };
}

export type RfmSegment =
  | 'champions'
  | 'loyal'
  | 'potential loyalist'
  | 'new'
  | 'promising'
  | 'need attention'
  | 'about to sleep'
  | "can't lose them"
  | 'at risk'
  | 'hibernating'
  | 'lost';

/**
 * Segment from scores. FM = round((F + M) / 2). First matching row wins; the table covers
 * every (R, FM) pair:
 *
 * | segment            | R    | FM   | (other)  |
 * | ------------------ | ---- | ---- | -------- |
 * | champions          | 4–5  | 4–5  |          |
 * | loyal              | 3    | 4–5  |          |
 * | new                | 5    | 1–3  | F = 1    |
 * | promising          | 4    | 1–3  | F = 1    |
 * | potential loyalist | 4–5  | 1–3  | F ≥ 2    |
 * | need attention     | 3    | 2–3  |          |
 * | about to sleep     | 3    | 1    |          |
 * | can't lose them    | 1–2  | 5    |          |
 * | at risk            | 1–2  | 3–4  |          |
 * | hibernating        | 2    | 1–2  |          |
 * | lost               | 1    | 1–2  |          |
 * @example rfmSegment({ r: 5, f: 5, m: 4 }) // 'champions'
 */
export function rfmSegment(score: RfmScore): RfmSegment {
  const { r, f } = score;
  const fm = Math.round((score.f + score.m) / 2);
  if (r >= 4 && fm >= 4) return 'champions';
  if (r === 3 && fm >= 4) return 'loyal';
  if (r >= 4) {
    if (f === 1) return r === 5 ? 'new' : 'promising';
    return 'potential loyalist';
  }
  if (r === 3) return fm >= 2 ? 'need attention' : 'about to sleep';
  if (fm === 5) return "can't lose them";
  if (fm >= 3) return 'at risk';
  return r === 2 ? 'hibernating' : 'lost';
}

/** A customer's buying rhythm at a point in time (all durations in the caller's unit). */
export interface Rhythm {
  /** Distinct purchase days/occasions. */
  readonly purchases: number;
  /** Mean interval between purchases (NaN with fewer than 2 purchases). */
  readonly meanInterval: number;
  /** Time since the last purchase. */
  readonly sinceLast: number;
  /** sinceLast − meanInterval when positive, else 0 (0 with fewer than 2 purchases). */
  readonly overdueBy: number;
  /** sinceLast / meanInterval (NaN with fewer than 2 purchases). */
  readonly overdueRatio: number;
  /** The latest gap divided by the mean of the earlier gaps (NaN with fewer than 3 purchases). */
  readonly lastGapRatio: number;
}

/**
 * Rhythm from sorted distinct purchase times (e.g. epoch days) and the current time.
 * @example customerRhythm([0, 21, 42], 77) // meanInterval 21, sinceLast 35, overdueBy 14
 */
export function customerRhythm(times: ArrayLike<number>, asOf: number): Rhythm {
  const n = times.length;
  if (n === 0) throw new RangeError('customerRhythm needs at least one purchase');
  const first = times[0] as number;
  const last = times[n - 1] as number;
  const sinceLast = asOf - last;
  if (n < 2) {
    return { purchases: n, meanInterval: NaN, sinceLast, overdueBy: 0, overdueRatio: NaN, lastGapRatio: NaN };
  }
  const meanInterval = (last - first) / (n - 1);
  let lastGapRatio = NaN;
  if (n >= 3) {
    const prev = times[n - 2] as number;
    const earlierMean = (prev - first) / (n - 2);
    lastGapRatio = earlierMean > 0 ? (last - prev) / earlierMean : NaN;
  }
  return {
    purchases: n,
    meanInterval,
    sinceLast,
    overdueBy: Math.max(0, sinceLast - meanInterval),
    overdueRatio: meanInterval > 0 ? sinceLast / meanInterval : NaN,
    lastGapRatio,
  };
}

export type LifecycleStage = 'new' | 'repeat' | 'loyal' | 'at risk' | 'lapsed' | 'won back';

/**
 * The thresholds of the one at-risk / lapsed rule (days for durations). Every screen that says "at risk" or
 * "lapsed" (lifecycle chart, the lists, the customer's badge, the caller card) means exactly this.
 */
export const STATUS_RULE = {
  /** At risk: P(alive) below this … */
  atRiskPAlive: 0.6,
  /** … and overdue: silent at least this many times their own usual gap between purchases … */
  atRiskOverdueRatio: 1.5,
  /** … or, bought once, silent for more than this many days. */
  atRiskSingleDays: 90,
  /** Lapsed: P(alive) below this … */
  lapsedPAlive: 0.2,
  /** … and expected purchases over the next 365 days below this … */
  lapsedExpected365: 1,
  /** … and silent at least this many times their usual gap … */
  lapsedOverdueRatio: 3,
  /** … or, bought once, silent for more than this many days. */
  lapsedSingleDays: 365,
} as const;

export interface LifecycleOptions {
  /** Probability of being alive from a model (Pareto/NBD recommended), if available. */
  readonly pAlive?: number;
  /** The model's expected purchases over the next 365 days, if available. */
  readonly expected365?: number;
  /** Purchases needed to be 'loyal'. Default 4. */
  readonly loyalPurchases?: number;
}

/**
 * Lifecycle stage: the customer's own rhythm and the model must agree before a customer is called at risk or
 * lapsed, so the label never contradicts the numbers shown beside it. `overdue` = silence ÷ their usual gap
 * (a one-time buyer: days since the purchase). First match wins (thresholds in STATUS_RULE):
 * 1. lapsed   — long silent (≥ 3× their usual gap; bought once: > 365 days) AND, with a model,
 *               P(alive) < 0.2 AND fewer than 1 purchase expected in the next year.
 * 2. at risk  — overdue (≥ 1.5× their usual gap; bought once: > 90 days) AND, with a model, P(alive) < 0.6.
 * 3. new      — bought once (and not at risk or lapsed).
 * 4. won back — the latest gap was ≥ 3× the mean of the earlier gaps (they had lapsed and came back).
 * 5. loyal    — at least `loyalPurchases` purchases.
 * 6. repeat   — otherwise.
 * Without a model (too little data in the workspace) the rhythm alone decides.
 * @example lifecycleStage(customerRhythm([0, 30, 60, 90], 100)) // 'loyal'
 */
export function lifecycleStage(rhythm: Rhythm, options: LifecycleOptions = {}): LifecycleStage {
  const { pAlive, expected365 } = options;
  const loyal = options.loyalPurchases ?? 4;
  const R = STATUS_RULE;
  const single = rhythm.purchases < 2;
  const ratio = rhythm.overdueRatio;
  const modelled = pAlive !== undefined && Number.isFinite(pAlive);
  const longSilent = single ? rhythm.sinceLast > R.lapsedSingleDays : ratio >= R.lapsedOverdueRatio;
  const overdue = single ? rhythm.sinceLast > R.atRiskSingleDays : ratio >= R.atRiskOverdueRatio;
  // compared as shown (a whole percent, one decimal), so "59.7 %" never reads "60 %" beside "under 60 %"
  const pct = modelled ? Math.round((pAlive as number) * 100) : NaN;
  const expected = Math.round((expected365 ?? 0) * 10) / 10;
  const gone = !modelled || (pct < R.lapsedPAlive * 100 && !(expected >= R.lapsedExpected365));
  if (longSilent && gone) return 'lapsed';
  if (overdue && (!modelled || pct < R.atRiskPAlive * 100)) return 'at risk';
  if (single) return 'new';
  if (rhythm.lastGapRatio >= 3) return 'won back';
  return rhythm.purchases >= loyal ? 'loyal' : 'repeat';
}

export type Trend = 'rising' | 'flat' | 'falling';

export interface SpendTrend {
  /** Spend per period, oldest first. */
  readonly perPeriod: Float64Array;
  /** Least-squares slope of spend per period (money per period). */
  readonly slope: number;
  /** slope / mean spend per period (0 when no spend). */
  readonly relativeSlope: number;
  /** Mean of the recent half of the periods minus the mean of the earlier half. */
  readonly recentMinusEarlier: number;
  readonly trend: Trend;
}

/**
 * Is spend per period rising? Buckets purchases into `periods` periods of `periodLength`
 * ending at `asOf` (the last period is (asOf − periodLength, asOf]), fits a least-squares line
 * and calls the trend 'rising'/'falling' when the slope is beyond ±`threshold` of the mean
 * spend per period (default 5 % per period), else 'flat'.
 * @example spendTrend([10, 40, 70], [10, 20, 30], 90, 30, 3).trend // 'rising'
 */
export function spendTrend(
  times: ArrayLike<number>,
  amounts: ArrayLike<number>,
  asOf: number,
  periodLength: number,
  periods = 6,
  threshold = 0.05,
): SpendTrend {
  const per = new Float64Array(periods);
  for (let i = 0; i < times.length; i++) {
    const back = Math.ceil((asOf - (times[i] as number)) / periodLength); // 1 = the latest period
    const k = periods - Math.max(1, back);
    if (back <= periods && k >= 0) per[k] = (per[k] as number) + (amounts[i] as number);
  }
  let mean = 0;
  for (let k = 0; k < periods; k++) mean += per[k] as number;
  mean /= periods;
  const mid = (periods - 1) / 2;
  let num = 0;
  let den = 0;
  for (let k = 0; k < periods; k++) {
    num += (k - mid) * ((per[k] as number) - mean);
    den += (k - mid) * (k - mid);
  }
  const slope = den > 0 ? num / den : 0;
  const relativeSlope = mean > 0 ? slope / mean : 0;
  const half = Math.floor(periods / 2);
  let early = 0;
  let late = 0;
  for (let k = 0; k < half; k++) early += per[k] as number;
  for (let k = periods - half; k < periods; k++) late += per[k] as number;
  const recentMinusEarlier = half > 0 ? (late - early) / half : 0;
  const trend: Trend = relativeSlope > threshold ? 'rising' : relativeSlope < -threshold ? 'falling' : 'flat';
  return { perPeriod: per, slope, relativeSlope, recentMinusEarlier, trend };
}

/**
 * Human duration from days: "4 days", "3 weeks", "5 months", "2 years".
 * @example formatDays(21) // '3 weeks'
 */
export function formatDays(days: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days < 14) return plural(Math.max(0, Math.round(days)), 'day');
  if (days < 63) return plural(Math.round(days / 7), 'week');
  if (days < 730) return plural(Math.round(days / 30.4375), 'month');
  return plural(Math.round(days / 365.25), 'year');
}

/**
 * One-line plain-language explanation of a rhythm measured in days.
 * @example explainRhythm(customerRhythm([0, 21, 42], 98)) // 'Buys about every 3 weeks; 5 weeks overdue'
 */
export function explainRhythm(rhythm: Rhythm): string {
  if (rhythm.purchases < 2) return `Bought once, ${formatDays(rhythm.sinceLast)} ago`;
  if (!(rhythm.meanInterval > 0)) return `Bought ${rhythm.purchases} times on the same day`;
  const every = `Buys about every ${formatDays(rhythm.meanInterval)}`;
  if (rhythm.overdueBy > 0) return `${every}; ${formatDays(rhythm.overdueBy)} overdue`;
  const due = rhythm.meanInterval - rhythm.sinceLast;
  return due < 1 ? `${every}; due now` : `${every}; next purchase expected in about ${formatDays(due)}`;
}
