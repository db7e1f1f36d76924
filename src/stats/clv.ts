/**
 * Discounted customer lifetime value, computed the way the `lifetimes` library's
 * customer_lifetime_value does: monthly steps, each month's expected purchases valued at the
 * customer's expected spend and discounted at the end of the month:
 *
 *   CLV = Σ_{i=1..months} spend × (E[X(i·u)] − E[X((i−1)·u)]) / (1 + d)^i
 *
 * where E[X(t)] is the model's conditional expected number of purchases in the next t units
 * given (x, t_x, T), u the number of time units per month and d the monthly discount rate.
 */
import { bgnbdConditionalExpected, type BgNbdParams } from './bgnbd.ts';
import { paretoNbdConditionalExpected, type ParetoNbdParams } from './paretonbd.ts';
import { compressRfm } from './summary.ts';
import type { RfmData } from './types.ts';

/** A fitted purchase-count model. */
export type TransactionModel =
  | { readonly kind: 'bgnbd'; readonly params: BgNbdParams }
  | { readonly kind: 'paretonbd'; readonly params: ParetoNbdParams };

export interface ClvOptions {
  /** Horizon in months. Default 12. */
  readonly months?: number;
  /** Monthly discount rate. Default 0.01. */
  readonly discountRate?: number;
  /** Time units per month: 4.345 for weeks, 30.4375 (or lifetimes' 30) for days, 1 for months. */
  readonly unitsPerMonth: number;
}

/** Weeks per month, as `lifetimes` uses. */
export const WEEKS_PER_MONTH = 4.345;
/** Mean days per Gregorian month. */
export const DAYS_PER_MONTH = 30.4375;

/**
 * Conditional expected purchases in the next t units under `model`.
 * @example expectedPurchases({ kind: 'bgnbd', params }, 39, 2, 30.43, 38.86)
 */
export function expectedPurchases(
  model: TransactionModel,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return model.kind === 'bgnbd'
    ? bgnbdConditionalExpected(model.params, t, x, tx, T)
    : paretoNbdConditionalExpected(model.params, t, x, tx, T);
}

/**
 * Discount factor per customer: Σ_i (E[X(i·u)] − E[X((i−1)·u)]) / (1+d)^i, i.e. the CLV of a
 * customer whose expected spend is 1. Computed once per distinct (x, t_x, T).
 * @example discountedExpectedPurchases(model, summary, { unitsPerMonth: WEEKS_PER_MONTH })
 */
export function discountedExpectedPurchases(
  model: TransactionModel,
  data: RfmData,
  options: ClvOptions,
): Float64Array {
  const months = options.months ?? 12;
  const d = options.discountRate ?? 0.01;
  const u = options.unitsPerMonth;
  if (!(u > 0)) throw new RangeError('unitsPerMonth must be positive');
  const rows = compressRfm(data.x, data.tx, data.T);
  const perRow = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const x = rows.x[k] as number;
    const tx = rows.tx[k] as number;
    const T = rows.T[k] as number;
    let prev = 0;
    let acc = 0;
    let disc = 1;
    for (let i = 1; i <= months; i++) {
      disc /= 1 + d;
      const cur = expectedPurchases(model, i * u, x, tx, T);
      acc += (cur - prev) * disc;
      prev = cur;
    }
    perRow[k] = acc;
  }
  const out = new Float64Array(rows.rowOf.length);
  for (let i = 0; i < out.length; i++) out[i] = perRow[rows.rowOf[i] as number] as number;
  return out;
}

/**
 * CLV per customer: spend[i] × discounted expected purchases (see module comment).
 * `spend` is usually the Gamma-Gamma conditional expected average spend (or profit).
 * @example
 * const spend = gammaGammaConditionalExpectedSpendMany(gg.params, s.x, s.monetary);
 * const clv = customerLifetimeValue({ kind: 'bgnbd', params }, s, spend, { unitsPerMonth: WEEKS_PER_MONTH });
 */
export function customerLifetimeValue(
  model: TransactionModel,
  data: RfmData,
  spend: ArrayLike<number>,
  options: ClvOptions,
): Float64Array {
  if (spend.length !== data.x.length) throw new RangeError('spend must have one value per customer');
  const out = discountedExpectedPurchases(model, data, options);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * (spend[i] as number);
  return out;
}
