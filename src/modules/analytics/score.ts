/**
 * Per-customer scores of a refit: model forecasts (Pareto/NBD + Gamma-Gamma) and the descriptive ones
 * (RFM, lifecycle, rhythm, trend). Pure; columns in, columns out.
 */
import {
  compressRfm,
  customerRhythm,
  DAYS_PER_MONTH,
  explainRhythm,
  gammaGammaConditionalExpectedSpend,
  lifecycleStage,
  paretoNbdProbabilityAlive,
  rfmScores,
  rfmSegment,
  spendTrend,
  type LifecycleStage,
  type ParetoNbdParams,
  type RfmSegment,
  type Trend,
} from '../../stats/index.ts';
import type { Fits } from './fit.ts';
import type { DaySummary, PurchaseDays } from './purchases.ts';

/** One column per field; row k is customer `customerIds[k]` of the PurchaseDays. */
export type Scores = {
  purchases: Int32Array;
  totalSpent: Float64Array;
  firstDay: Int32Array;
  lastDay: Int32Array;
  /** Model columns: NaN when the workspace has no fit. */
  pAlive: Float64Array;
  expected30: Float64Array;
  expected90: Float64Array;
  expected365: Float64Array;
  pBuy30: Float64Array;
  pBuy90: Float64Array;
  /** Epoch day, or NaN when no purchase is expected (likely gone, or too little to tell). */
  nextDay: Float64Array;
  expectedSpend: Float64Array;
  clv: Float64Array;
  valueAtStake: Float64Array;
  r: Int8Array;
  f: Int8Array;
  m: Int8Array;
  segment: RfmSegment[];
  stage: LifecycleStage[];
  trend: Trend[];
  /** Least-squares slope of spend per 30-day period over the last 6 periods (minor units per period). */
  trendSlope: Float64Array;
  overdueDays: Int32Array;
  explanation: string[];
};

export type ScoreOptions = {
  today: number;
  /** Monthly discount rate of the CLV. */
  discountRate: number;
  /** CLV horizon, months. */
  months: number;
};

/** [1 − (1+u)^{−(s−1)}]/(s−1), continuous at s = 1. */
function powerBracket(s: number, u: number): number {
  const L = Math.log1p(u);
  if (Math.abs(s - 1) < 1e-12) return L;
  return -Math.expm1(-(s - 1) * L) / (s - 1);
}

/**
 * Pareto/NBD forecasts for every customer, once per distinct (x, t_x, T): P(alive); E[purchases in the next
 * t days] = P(alive)·(r+x)(β+T)/(α+T)·[1 − ((β+T)/(β+T+t))^{s−1}]/(s−1) (the core's conditional expectation,
 * with P(alive) computed once instead of per horizon); discounted expected purchases over `months` monthly
 * steps (end-of-month discounting, as the core's CLV); P(buying within t) = P(alive)·[1 − ((α+T)/(α+T+t))^{r+x}]
 * (buying at their rate while they stay: dropping out within the window is neglected, slightly high for long
 * windows); expected days to the next purchase if alive, E[1/λ] = (α+T)/(r+x−1).
 */
/** Pareto/NBD: purchases expected in the next `t` days of a customer with P(alive) `pAlive`, x repeat days, age T. */
export function expectedPurchases(params: ParetoNbdParams, pAlive: number, x: number, T: number, t: number) {
  const { r, alpha, s, beta } = params;
  return ((pAlive * (r + x) * (beta + T)) / (alpha + T)) * powerBracket(s, t / (beta + T));
}

function forecast(params: ParetoNbdParams, s: DaySummary, o: ScoreOptions) {
  const rows = compressRfm(s.x, s.tx, s.T);
  const { r, alpha } = params;
  const n = rows.length;
  const cols = {
    pAlive: new Float64Array(n),
    e30: new Float64Array(n),
    e90: new Float64Array(n),
    e365: new Float64Array(n),
    pBuy30: new Float64Array(n),
    pBuy90: new Float64Array(n),
    wait: new Float64Array(n),
    disc: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const x = rows.x[k] as number;
    const T = rows.T[k] as number;
    const pa = paretoNbdProbabilityAlive(params, x, rows.tx[k] as number, T);
    const e = (t: number) => expectedPurchases(params, pa, x, T, t);
    const buy = (t: number) => pa * -Math.expm1(-(r + x) * Math.log1p(t / (alpha + T)));
    cols.pAlive[k] = pa;
    cols.e30[k] = e(30);
    cols.e90[k] = e(90);
    cols.e365[k] = e(365);
    cols.pBuy30[k] = buy(30);
    cols.pBuy90[k] = buy(90);
    cols.wait[k] = r + x > 1 ? (alpha + T) / (r + x - 1) : Infinity;
    let prev = 0;
    let acc = 0;
    let df = 1;
    for (let i = 1; i <= o.months; i++) {
      df /= 1 + o.discountRate;
      const cur = e(i * DAYS_PER_MONTH);
      acc += (cur - prev) * df;
      prev = cur;
    }
    cols.disc[k] = acc;
  }
  return { rows, cols };
}

/** Score every customer of `p`; `summary` is summarizeDays(p, today) (one row per customer, same order). */
export function scoreCustomers(
  p: PurchaseDays,
  summary: DaySummary,
  fits: Fits | null,
  o: ScoreOptions,
): Scores {
  const m = p.customerIds.length;
  const nan = () => new Float64Array(m).fill(NaN);
  const sc: Scores = {
    purchases: new Int32Array(m),
    totalSpent: new Float64Array(m),
    firstDay: new Int32Array(m),
    lastDay: new Int32Array(m),
    pAlive: nan(),
    expected30: nan(),
    expected90: nan(),
    expected365: nan(),
    pBuy30: nan(),
    pBuy90: nan(),
    nextDay: nan(),
    expectedSpend: nan(),
    clv: nan(),
    valueAtStake: new Float64Array(m),
    r: new Int8Array(m),
    f: new Int8Array(m),
    m: new Int8Array(m),
    segment: new Array<RfmSegment>(m),
    stage: new Array<LifecycleStage>(m),
    trend: new Array<Trend>(m),
    trendSlope: new Float64Array(m),
    overdueDays: new Int32Array(m),
    explanation: new Array<string>(m),
  };
  const sinceLast = new Float64Array(m);
  const avgSpend = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const s = p.start[k] as number;
    const e = p.start[k + 1] as number;
    let total = 0;
    for (let j = s; j < e; j++) total += p.amount[j] as number;
    sc.purchases[k] = e - s;
    sc.totalSpent[k] = total;
    sc.firstDay[k] = p.day[s] as number;
    sc.lastDay[k] = p.day[e - 1] as number;
    sinceLast[k] = o.today - (p.day[e - 1] as number);
    avgSpend[k] = total / (e - s);
    // what a year of this customer is worth at their past pace (at least their first year)
    const years = Math.max(1, (o.today - (p.day[s] as number) + 1) / 365.25);
    sc.valueAtStake[k] = total / years;
  }
  if (fits) {
    const { rows, cols } = forecast(fits.paretonbd.params, summary, o);
    const gg = fits.gammagamma?.params;
    for (let i = 0; i < summary.x.length; i++) {
      const k = summary.customer[i] as number;
      const row = rows.rowOf[i] as number;
      sc.pAlive[k] = cols.pAlive[row] as number;
      sc.expected30[k] = cols.e30[row] as number;
      sc.expected90[k] = cols.e90[row] as number;
      sc.expected365[k] = cols.e365[row] as number;
      sc.pBuy30[k] = cols.pBuy30[row] as number;
      sc.pBuy90[k] = cols.pBuy90[row] as number;
      const wait = cols.wait[row] as number;
      if (Number.isFinite(wait) && (cols.pAlive[row] as number) >= 0.5)
        sc.nextDay[k] = o.today + Math.round(wait);
      const spend = gg
        ? gammaGammaConditionalExpectedSpend(gg, summary.x[i] as number, summary.monetary[i] as number)
        : (avgSpend[k] as number);
      sc.expectedSpend[k] = spend;
      sc.clv[k] = spend * (cols.disc[row] as number);
    }
  }
  const rfm = rfmScores(sinceLast, sc.purchases, avgSpend);
  sc.r = rfm.r;
  sc.f = rfm.f;
  sc.m = rfm.m;
  for (let k = 0; k < m; k++) {
    const s = p.start[k] as number;
    const e = p.start[k + 1] as number;
    const days = p.day.subarray(s, e);
    sc.segment[k] = rfmSegment({ r: rfm.r[k] as number, f: rfm.f[k] as number, m: rfm.m[k] as number });
    const rhythm = customerRhythm(days, o.today);
    const pa = sc.pAlive[k] as number;
    sc.stage[k] = lifecycleStage(
      rhythm,
      Number.isNaN(pa) ? {} : { pAlive: pa, expected365: sc.expected365[k] as number },
    );
    sc.overdueDays[k] = Math.round(rhythm.overdueBy);
    sc.explanation[k] = explainRhythm(rhythm);
    // one purchase is not a trend (a first order would read as "rising")
    const t = e - s >= 2 ? spendTrend(days, p.amount.subarray(s, e), o.today, 30, 6) : undefined;
    sc.trend[k] = t?.trend ?? 'flat';
    sc.trendSlope[k] = t?.slope ?? 0;
  }
  return sc;
}
