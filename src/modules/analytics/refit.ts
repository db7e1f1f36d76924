/**
 * The computing half of a refit: purchase days in, parameters, diagnostics, chart data and per-customer
 * scores out. Pure (the service reads the orders and stores the result).
 */
import { dataShortfall } from '../../stats/index.ts';
import { fitModels, holdoutCheck, type Fits, type Holdout } from './fit.ts';
import { computeInsights, type Insights } from './insights.ts';
import { dayToDate, summarizeDays, type PurchaseDays } from './purchases.ts';
import { scoreCustomers, type Scores } from './score.ts';
import { computeWinBack } from './winback.ts';

export type RefitOptions = {
  /** Calibration end: the local epoch day of "now". */
  today: number;
  discountRate: number;
  /** CLV horizon in months (default 12). */
  months?: number;
  /**
   * Fit the purchase models on a uniform sample of at most this many customers (default 50,000): the fit's
   * cost grows with distinct (x, t_x, T) rows, which in days are nearly as many as customers, while the
   * parameters' sampling error at 50,000 is a few per cent — far below what separates the models.
   */
  maxFitCustomers?: number;
  /** Customers in the holdout check's fit (default 20,000). */
  maxHoldoutCustomers?: number;
};

export type RefitDiagnostics = {
  unit: 'days';
  customers: number;
  repeatBuyers: number;
  purchaseDays: number;
  futureOrdersSkipped: number;
  fits: Omit<Fits, 'sampled'> | null;
  fitSample: number | null;
  spendModel: 'gammagamma' | 'customer average' | null;
  clv: { months: number; monthlyDiscountRate: number; daysPerMonth: number };
  /** The holdout check (chart: actual vs predicted mean purchases by calibration purchases), dates as YYYY-MM-DD. */
  holdout: (Omit<Holdout, 'calibrationEnd'> & { calibrationEnd: string }) | null;
};

export type RefitResult = {
  status: 'done' | 'insufficient_data';
  reason: string | null;
  model: string;
  parameters: Record<string, unknown>;
  logLikelihood: number | null;
  diagnostics: RefitDiagnostics;
  insights: Insights;
  purchases: PurchaseDays;
  scores: Scores;
  timings: Record<string, number>;
};

/**
 * Fit and score a workspace. Too little data (fewer than 20 customers or 2 repeat buyers, or a fit that
 * does not reach finite parameters) gives `insufficient_data` with RFM, lifecycle and rhythm only — never a
 * made-up forecast. `purchases` holds the purchase days up to `o.today` (see `groupPurchaseDays` or
 * `purchaseDaysBuilder`).
 */
export function computeRefit(purchases: PurchaseDays, o: RefitOptions): RefitResult {
  const months = o.months ?? 12;
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    timings[name] = Math.round(t - t0);
    t0 = t;
  };
  const summary = summarizeDays(purchases, o.today);
  lap('summaryMs');
  let repeatBuyers = 0;
  for (let i = 0; i < summary.x.length; i++) if ((summary.x[i] as number) > 0) repeatBuyers++;
  const n = summary.x.length;
  let reason: string | null = null;
  let fits: Fits | null = null;
  const shortfall = dataShortfall(n, repeatBuyers, 'this workspace');
  if (shortfall) reason = shortfall;
  else {
    const r = fitModels(summary, o.maxFitCustomers ?? 50_000);
    if ('reason' in r) reason = r.reason;
    else fits = r.fits;
  }
  lap('fitMs');
  const holdout = fits ? holdoutCheck(purchases, o.today, o.maxHoldoutCustomers ?? 20_000) : undefined;
  lap('holdoutMs');
  const scores = scoreCustomers(purchases, summary, fits, {
    today: o.today,
    discountRate: o.discountRate,
    months,
  });
  lap('scoreMs');
  const insights = {
    ...computeInsights(purchases, scores, o.today),
    winBack: computeWinBack(purchases, fits?.paretonbd.params ?? null, o.today),
  };
  lap('insightsMs');
  return {
    status: fits ? 'done' : 'insufficient_data',
    reason,
    model: 'paretonbd', // DEFAULT_ALIVE_MODEL: P(alive) and every forecast come from one model
    parameters: fits
      ? {
          paretonbd: fits.paretonbd.params,
          bgnbd: fits.bgnbd.params,
          gammagamma: fits.gammagamma?.params ?? null,
        }
      : {},
    logLikelihood: fits ? fits.paretonbd.logLikelihood : null,
    diagnostics: {
      unit: 'days',
      customers: n,
      repeatBuyers,
      purchaseDays: purchases.day.length,
      futureOrdersSkipped: purchases.future,
      fits: fits && { paretonbd: fits.paretonbd, bgnbd: fits.bgnbd, gammagamma: fits.gammagamma },
      fitSample: fits?.sampled ? fits.paretonbd.customers : null,
      spendModel: fits ? (fits.gammagamma ? 'gammagamma' : 'customer average') : null,
      clv: { months, monthlyDiscountRate: o.discountRate, daysPerMonth: 30.4375 },
      holdout: holdout ? { ...holdout, calibrationEnd: dayToDate(holdout.calibrationEnd) } : null,
    },
    insights,
    purchases,
    scores,
    timings,
  };
}
