/**
 * Per-row predictions of a fitted purchase model over a compressed summary, in one pass: P(alive), expected
 * purchases within a horizon, P(at least one purchase) within it (BG/NBD) and the monthly discount factor of
 * the CLV (see clv.ts). The same formulas as the single-customer functions, with their costly parts
 * computed once where they repeat: BG/NBD's hypergeometric bracket depends on (x, T, t) only, not on t_x,
 * so it is computed once per distinct (x, T) and time; results are bitwise those of
 * `bgnbdConditionalExpected`, `bgnbdProbabilityPurchase`, `paretoNbdConditionalExpected` and
 * `discountedExpectedPurchases`.
 */
import { bgnbdProbabilityAlive } from './bgnbd.ts';
import { paretoNbdProbabilityAlive, powerBracket } from './paretonbd.ts';
import { bgnbdBracket } from './special.ts';
import type { ClvOptions, TransactionModel } from './clv.ts';
import type { CompressedRfm } from './summary.ts';

export interface RowPredictions {
  readonly pAlive: Float64Array;
  /** Expected purchases within the horizon. */
  readonly expected: Float64Array;
  /** P(at least one purchase within the horizon): BG/NBD only. */
  readonly pPurchase?: Float64Array;
  /** Σ_i (E[X(i·u)] − E[X((i−1)·u)]) / (1+d)^i: the CLV of a customer whose expected spend is 1. */
  readonly discounted?: Float64Array;
}

/**
 * Predictions for every row of `rows` (from `compressRfm`); expand to customers with `rows.rowOf`.
 * @example predictRows({ kind: 'bgnbd', params }, compressRfm(s.x, s.tx, s.T), 39, { unitsPerMonth: 4.345 })
 */
export function predictRows(
  model: TransactionModel,
  rows: CompressedRfm,
  horizon: number,
  clv?: ClvOptions,
): RowPredictions {
  const n = rows.length;
  const pAlive = new Float64Array(n);
  const expected = new Float64Array(n);
  const discounted = clv ? new Float64Array(n) : undefined;
  const months = clv?.months ?? 12;
  const d = clv?.discountRate ?? 0.01;
  const u = clv?.unitsPerMonth ?? 1;
  if (clv && !(u > 0)) throw new RangeError('unitsPerMonth must be positive');
  if (model.kind === 'paretonbd') {
    const p = model.params;
    const { r, alpha, s, beta } = p;
    for (let k = 0; k < n; k++) {
      const x = rows.x[k] as number;
      const T = rows.T[k] as number;
      const pa = paretoNbdProbabilityAlive(p, x, rows.tx[k] as number, T);
      pAlive[k] = pa;
      // as paretoNbdConditionalExpected: P(alive)·(r+x)(β+T)/(α+T)·bracket (0 for t ≤ 0)
      const scale = ((r + x) * (beta + T)) / (alpha + T);
      const e = (t: number) => (t <= 0 ? 0 : pa * scale * powerBracket(s, t / (beta + T)));
      expected[k] = e(horizon);
      if (discounted) {
        let prev = 0;
        let acc = 0;
        let disc = 1;
        for (let i = 1; i <= months; i++) {
          disc /= 1 + d;
          const cur = e(i * u);
          acc += (cur - prev) * disc;
          prev = cur;
        }
        discounted[k] = acc;
      }
    }
    return { pAlive, expected, ...(discounted && { discounted }) };
  }
  const { r, alpha, a, b } = model.params;
  const pPurchase = new Float64Array(n);
  // times at which the bracket is needed: the horizon, then each month's end
  const times = [horizon];
  if (clv) for (let i = 1; i <= months; i++) times.push(i * u);
  const nt = times.length;
  // bracket per distinct (x, T): rows are sorted by x, so one map of T per x group
  let groupX = NaN;
  let slots = new Map<number, number>();
  let cache = new Float64Array(nt * 64);
  let used = 0;
  const A = a + b - 1 - r;
  for (let k = 0; k < n; k++) {
    const x = rows.x[k] as number;
    const tx = rows.tx[k] as number;
    const T = rows.T[k] as number;
    if (x !== groupX) {
      groupX = x;
      slots = new Map();
    }
    const C = a + b + x - 1;
    let at = slots.get(T);
    if (at === undefined) {
      if ((used + 1) * nt > cache.length) {
        const grown = new Float64Array(cache.length * 2);
        grown.set(cache);
        cache = grown;
      }
      at = used++ * nt;
      slots.set(T, at);
      for (let j = 0; j < nt; j++) {
        const t = times[j] as number;
        cache[at + j] = t <= 0 ? NaN : bgnbdBracket(A, a, C, t / (alpha + T + t));
      }
    }
    const pa = bgnbdProbabilityAlive(model.params, x, tx, T);
    pAlive[k] = pa;
    // as bgnbdConditionalExpected: P(alive)·C·bracket (0 for t ≤ 0)
    const e = (j: number, t: number) => (t <= 0 ? 0 : pa * C * (cache[at + j] as number));
    expected[k] = e(0, horizon);
    pPurchase[k] = horizon <= 0 ? 0 : pa * (1 - Math.exp(-(r + x) * Math.log1p(horizon / (alpha + T))));
    if (discounted) {
      let prev = 0;
      let acc = 0;
      let disc = 1;
      for (let i = 1; i <= months; i++) {
        disc /= 1 + d;
        const cur = e(i, i * u);
        acc += (cur - prev) * disc;
        prev = cur;
      }
      discounted[k] = acc;
    }
  }
  return { pAlive, expected, pPurchase, ...(discounted && { discounted }) };
}
