/**
 * Fitting a workspace's purchase models (time unit: days) and the holdout check. Pure: summaries in,
 * parameters and diagnostics out.
 */
import {
  compressRfm,
  createRng,
  dataShortfall,
  fitBgNbd,
  fitGammaGammaScaled,
  fitParetoNbd,
  purchaseFitProblem,
  spendFitProblem,
  spendScale,
  paretoNbdConditionalExpected,
  type BgNbdParams,
  type GammaGammaParams,
  type ParetoNbdParams,
} from '../../stats/index.ts';
import { summarizeDays, type DaySummary, type PurchaseDays } from './purchases.ts';

type FitSummary<P> = {
  params: P;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  customers: number;
  uniqueRows: number;
};
export type Fits = {
  paretonbd: FitSummary<ParetoNbdParams>;
  bgnbd: FitSummary<BgNbdParams>;
  gammagamma: (Omit<FitSummary<GammaGammaParams>, 'uniqueRows'> & { excluded: number }) | null;
  /** Customers the purchase models were fitted on (a uniform sample of large workspaces). */
  sampled: boolean;
};

/** Indices of a uniform random sample of at most `max` of `n` rows (all of them when n ≤ max). */
export function sampleRows(n: number, max: number, seed: number): Int32Array | undefined {
  if (n <= max) return undefined;
  const rng = createRng(seed);
  const out = new Int32Array(max);
  // selection sampling (Knuth's algorithm S): ascending, exactly `max` rows
  let chosen = 0;
  for (let i = 0; i < n && chosen < max; i++) if ((n - i) * rng.uniform() < max - chosen) out[chosen++] = i;
  return out;
}

function pick(s: DaySummary, rows: Int32Array | undefined) {
  if (!rows) return s;
  const take = (a: Float64Array) => Float64Array.from(rows, (i) => a[i] as number);
  return { x: take(s.x), tx: take(s.tx), T: take(s.T), monetary: take(s.monetary) };
}

/**
 * Fit Pareto/NBD and BG/NBD on (a sample of at most `maxCustomers` of) the summary, and Gamma-Gamma on its
 * repeat buyers (see stats/checks.ts). Returns the reason instead when the data cannot support a fit.
 */
export function fitModels(
  s: DaySummary,
  maxCustomers: number,
  seed = 1,
): { fits: Fits } | { reason: string } {
  const rows = sampleRows(s.x.length, maxCustomers, seed);
  const d = pick(s, rows);
  const compressed = compressRfm(d.x, d.tx, d.T);
  const bg = fitBgNbd(compressed);
  // checked before Pareto/NBD: its likelihood is slow to evaluate at extreme parameters
  const bgProblem = purchaseFitProblem('BG/NBD', bg);
  if (bgProblem) return { reason: bgProblem };
  const pn = fitParetoNbd(compressed);
  const pnProblem = purchaseFitProblem('Pareto/NBD', pn);
  if (pnProblem) return { reason: pnProblem };
  // Gamma-Gamma when it can value customers, else (null) each customer's own average spend
  let gammagamma: Fits['gammagamma'] = null;
  const { spenders, unit } = spendScale(d.x, d.monetary);
  if (!spendFitProblem(spenders)) {
    const { fit: gg, params } = fitGammaGammaScaled(d.x, d.monetary, unit);
    if (!spendFitProblem(spenders, gg))
      gammagamma = {
        params,
        logLikelihood: gg.logLikelihood,
        converged: gg.converged,
        iterations: gg.iterations,
        customers: gg.customers,
        excluded: gg.excluded,
      };
  }
  const strip = <P>(f: FitSummary<P> & object): FitSummary<P> => ({
    params: f.params,
    logLikelihood: f.logLikelihood,
    converged: f.converged,
    iterations: f.iterations,
    customers: f.customers,
    uniqueRows: f.uniqueRows,
  });
  return { fits: { paretonbd: strip(pn), bgnbd: strip(bg), gammagamma, sampled: rows !== undefined } };
}

/** One bar group of the holdout chart: customers with `purchases` repeat purchases in calibration. */
export type HoldoutGroup = { purchases: string; customers: number; actual: number; predicted: number };
export type Holdout = {
  calibrationEnd: number;
  holdoutDays: number;
  customers: number;
  params: ParetoNbdParams;
  /** Mean purchases in the holdout, actual vs predicted, by number of calibration repeat purchases (7 = 7+). */
  groups: HoldoutGroup[];
  totalActual: number;
  totalPredicted: number;
};

/**
 * The papers' holdout check on the workspace's own data: calibrate on all but the last quarter of the
 * history (14–365 days), predict each customer's purchases in the held-out period, compare with what
 * happened, by number of calibration purchases. Undefined when the calibration period has too little data.
 */
export function holdoutCheck(p: PurchaseDays, today: number, maxCustomers: number): Holdout | undefined {
  let firstDay = Infinity;
  for (let k = 0; k < p.customerIds.length; k++)
    firstDay = Math.min(firstDay, p.day[p.start[k] as number] as number);
  const span = today - firstDay;
  const holdoutDays = Math.min(365, Math.max(14, Math.floor(span / 4)));
  const calEnd = today - holdoutDays;
  if (span < 2 * holdoutDays) return undefined;
  const s = summarizeDays(p, calEnd, today);
  let repeat = 0;
  for (let i = 0; i < s.x.length; i++) if ((s.x[i] as number) > 0) repeat++;
  if (dataShortfall(s.x.length, repeat, 'the calibration period')) return undefined;
  const rows = sampleRows(s.x.length, maxCustomers, 2);
  const d = pick(s, rows);
  const hold = rows ? Float64Array.from(rows, (i) => s.xHoldout[i] as number) : s.xHoldout;
  const fit = fitParetoNbd(compressRfm(d.x, d.tx, d.T));
  if (purchaseFitProblem('Pareto/NBD', fit)) return undefined;
  const sums = Array.from({ length: 8 }, () => ({ n: 0, actual: 0, predicted: 0 }));
  let totalActual = 0;
  let totalPredicted = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i] as number;
    const g = sums[Math.min(7, x)] as { n: number; actual: number; predicted: number };
    const pred = paretoNbdConditionalExpected(
      fit.params,
      holdoutDays,
      x,
      d.tx[i] as number,
      d.T[i] as number,
    );
    g.n++;
    g.actual += hold[i] as number;
    g.predicted += pred;
    totalActual += hold[i] as number;
    totalPredicted += pred;
  }
  return {
    calibrationEnd: calEnd,
    holdoutDays,
    customers: d.x.length,
    params: fit.params,
    groups: sums.map((g, x) => ({
      purchases: x === 7 ? '7+' : String(x),
      customers: g.n,
      actual: g.n ? g.actual / g.n : 0,
      predicted: g.n ? g.predicted / g.n : 0,
    })),
    totalActual,
    totalPredicted,
  };
}
