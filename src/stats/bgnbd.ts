/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
 * While alive a customer buys at rate λ ~ Gamma(r, α); after each purchase they drop out
 * with probability p ~ Beta(a, b).
 */
import { bgnbdBracket, digamma, lgamma } from './special.ts';
import { minimize } from './optimize.ts';
import { compressRfm, groupByX, type CompressedRfm } from './summary.ts';
import type { FitResult, RfmData } from './types.ts';

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface FitOptions {
  /** Starting point (default r = α = a = b = 1). */
  readonly initial?: Partial<BgNbdParams>;
  /** Nelder–Mead evaluations before the BFGS polish (default 60; 0 = BFGS only). */
  readonly nelderMeadEvals?: number;
}

/** Prepared (compressed, grouped by x) data for repeated likelihood evaluation. */
interface Prepared {
  readonly rows: CompressedRfm;
  readonly xs: Float64Array;
  readonly starts: Int32Array;
  /** Total weight per x group. */
  readonly groupWeight: Float64Array;
  readonly total: number;
  /** Distinct time values (t_x and T) and, per row, the index of its T and t_x among them. */
  readonly times: Float64Array;
  readonly iT: Int32Array;
  readonly iTx: Int32Array;
  /** Scratch per distinct time: log(α + t) and 1/(α + t). */
  readonly lnAt: Float64Array;
  readonly invAt: Float64Array;
}

function prepare(data: RfmData | CompressedRfm): Prepared {
  const rows = 'rowOf' in data ? data : compressRfm(data.x, data.tx, data.T, data.weight);
  const { xs, starts } = groupByX(rows.x);
  const groupWeight = new Float64Array(xs.length);
  let total = 0;
  for (let g = 0; g < xs.length; g++) {
    let w = 0;
    for (let i = starts[g] as number; i < (starts[g + 1] as number); i++) w += rows.weight[i] as number;
    groupWeight[g] = w;
    total += w;
  }
  const index = new Map<number, number>();
  const tl: number[] = [];
  const at = (t: number): number => {
    let k = index.get(t);
    if (k === undefined) {
      k = tl.length;
      index.set(t, k);
      tl.push(t);
    }
    return k;
  };
  const iT = new Int32Array(rows.length);
  const iTx = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    iT[i] = at(rows.T[i] as number);
    iTx[i] = at(rows.tx[i] as number);
  }
  const times = Float64Array.from(tl);
  return {
    rows,
    xs,
    starts,
    groupWeight,
    total,
    times,
    iT,
    iTx,
    lnAt: new Float64Array(times.length),
    invAt: new Float64Array(times.length),
  };
}

/**
 * Total log-likelihood and (optionally) its gradient w.r.t. (r, α, a, b).
 * Allocation-free inner loop; terms that depend only on x are computed once per x.
 */
function logLik(p: Prepared, r: number, alpha: number, a: number, b: number, grad?: Float64Array): number {
  const { rows, xs, starts, groupWeight, iT, iTx, lnAt, invAt } = p;
  const w = rows.weight;
  for (let k = 0; k < p.times.length; k++) {
    const v = alpha + (p.times[k] as number);
    lnAt[k] = Math.log(v);
    invAt[k] = 1 / v;
  }
  const lnAlpha = Math.log(alpha);
  const lgr = lgamma(r);
  const lgab = lgamma(a + b);
  const lgb = lgamma(b);
  const lna = Math.log(a);
  const wantGrad = grad !== undefined;
  const psir = wantGrad ? digamma(r) : 0;
  const psiab = wantGrad ? digamma(a + b) : 0;
  const psib = wantGrad ? digamma(b) : 0;
  let ll = 0;
  let gr = 0;
  let gal = 0;
  let ga = 0;
  let gb = 0;
  for (let g = 0; g < xs.length; g++) {
    const x = xs[g] as number;
    const W = groupWeight[g] as number;
    const rx = r + x;
    const c12 = lgamma(rx) - lgr + r * lnAlpha + lgab + lgamma(b + x) - lgb - lgamma(a + b + x);
    ll += W * c12;
    const lnbx1 = x > 0 ? Math.log(b + x - 1) : 0;
    const c4 = lna - lnbx1;
    if (wantGrad) {
      const psiabx = digamma(a + b + x);
      gr += W * (digamma(rx) - psir + lnAlpha);
      gal += (W * r) / alpha;
      ga += W * (psiab - psiabx);
      gb += W * (psiab + digamma(b + x) - psib - psiabx);
    }
    const s = starts[g] as number;
    const e = starts[g + 1] as number;
    if (x === 0) {
      for (let i = s; i < e; i++) {
        const wi = w[i] as number;
        const k = iT[i] as number;
        const lT = lnAt[k] as number;
        ll -= wi * rx * lT;
        if (wantGrad) {
          gr -= wi * lT;
          gal -= wi * rx * (invAt[k] as number);
        }
      }
      continue;
    }
    for (let i = s; i < e; i++) {
      const wi = w[i] as number;
      const kT = iT[i] as number;
      const kt = iTx[i] as number;
      const lT = lnAt[kT] as number;
      const lt = lnAt[kt] as number;
      const A3 = -rx * lT;
      const A4 = c4 - rx * lt;
      const d = A4 - A3;
      let w4: number;
      if (d > 0) {
        const e1 = Math.exp(-d);
        ll += wi * (A4 + Math.log1p(e1));
        w4 = 1 / (1 + e1);
      } else {
        const e1 = Math.exp(d);
        ll += wi * (A3 + Math.log1p(e1));
        w4 = e1 / (1 + e1);
      }
      if (wantGrad) {
        const w3 = 1 - w4;
        gr -= wi * (w3 * lT + w4 * lt);
        gal -= wi * rx * (w3 * (invAt[kT] as number) + w4 * (invAt[kt] as number));
        ga += (wi * w4) / a;
        gb -= (wi * w4) / (b + x - 1);
      }
    }
  }
  if (grad !== undefined) {
    grad[0] = gr;
    grad[1] = gal;
    grad[2] = ga;
    grad[3] = gb;
  }
  return ll;
}

/**
 * Total (weighted) BG/NBD log-likelihood of the data.
 * @example bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { x: [2], tx: [30.43], T: [38.86] })
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: RfmData): number {
  return logLik(prepare(data), params.r, params.alpha, params.a, params.b);
}

/**
 * Maximum-likelihood fit (Nelder–Mead on log-parameters, then BFGS with the analytic gradient)
 * on the exact compression of the data.
 * @example const fit = fitBgNbd(summary); fit.params.r
 */
export function fitBgNbd(data: RfmData | CompressedRfm, options: FitOptions = {}): FitResult<BgNbdParams> {
  const p = prepare(data);
  const init = options.initial ?? {};
  const x0 = [init.r ?? 1, init.alpha ?? 1, init.a ?? 1, init.b ?? 1].map(Math.log);
  const scale = 1 / p.total;
  const g4 = new Float64Array(4);
  const res = minimize(
    (th, grad) => {
      const r = Math.exp(th[0] as number);
      const al = Math.exp(th[1] as number);
      const a = Math.exp(th[2] as number);
      const b = Math.exp(th[3] as number);
      const v = -scale * logLik(p, r, al, a, b, grad === undefined ? undefined : g4);
      if (grad !== undefined) {
        grad[0] = -scale * (g4[0] as number) * r;
        grad[1] = -scale * (g4[1] as number) * al;
        grad[2] = -scale * (g4[2] as number) * a;
        grad[3] = -scale * (g4[3] as number) * b;
      }
      return v;
    },
    x0,
    { analyticGradient: true, nelderMeadMaxEvals: options.nelderMeadEvals ?? 60 },
  );
  const th = res.x;
  const params: BgNbdParams = {
    r: Math.exp(th[0] as number),
    alpha: Math.exp(th[1] as number),
    a: Math.exp(th[2] as number),
    b: Math.exp(th[3] as number),
  };
  return {
    params,
    logLikelihood: logLik(p, params.r, params.alpha, params.a, params.b),
    customers: p.total,
    uniqueRows: p.rows.length,
    converged: res.converged,
    iterations: res.iterations,
    evaluations: res.evaluations,
  };
}

/**
 * P(alive | x, t_x, T). Note: equals 1 for every x = 0 customer (the model only lets people
 * drop out right after a purchase) — see DEFAULT_ALIVE_MODEL in index.ts.
 * @example bgnbdProbabilityAlive(params, 2, 30.43, 38.86)
 */
export function bgnbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const lnOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log1p((T - tx) / (alpha + tx));
  return 1 / (1 + Math.exp(lnOdds));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t units. Evaluated through the Euler
 * transform of the textbook ₂F₁ (see special.ts), so large x, t and T stay finite.
 * @example bgnbdConditionalExpected(params, 39, 2, 30.43, 38.86)
 */
export function bgnbdConditionalExpected(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const z = t / (alpha + T + t);
  const C = a + b + x - 1;
  return bgnbdProbabilityAlive(params, x, tx, T) * C * bgnbdBracket(a + b - 1 - r, a, C, z);
}

/**
 * Unconditional E[X(t)]: expected purchases (after the first) of a new customer within t.
 * @example bgnbdExpected(params, 39)
 */
export function bgnbdExpected(params: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const C = a + b - 1;
  return C * bgnbdBracket(C - r, a, C, t / (alpha + t));
}

/**
 * P(at least one purchase in the next t units | x, t_x, T)
 * = P(alive)·[1 − ((α+T)/(α+T+t))^{r+x}].
 * @example bgnbdProbabilityPurchase(params, 4, 2, 30.43, 38.86)
 */
export function bgnbdProbabilityPurchase(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha } = params;
  const noBuy = Math.exp(-(r + x) * Math.log1p(t / (alpha + T)));
  return bgnbdProbabilityAlive(params, x, tx, T) * (1 - noBuy);
}

/**
 * Expected time to the next purchase, given the customer is alive: E[1/λ | data] =
 * (α+T)/(r+x−1) (Infinity when r + x ≤ 1).
 * @example bgnbdExpectedTimeToNextPurchase(params, 2, 38.86)
 */
export function bgnbdExpectedTimeToNextPurchase(params: BgNbdParams, x: number, T: number): number {
  const k = params.r + x - 1;
  return k > 0 ? (params.alpha + T) / k : Infinity;
}

/**
 * Conditional expected purchases for many customers, computed once per distinct
 * (x, t_x, T) row.
 * @example bgnbdConditionalExpectedMany(params, 39, summary)
 */
export function bgnbdConditionalExpectedMany(
  params: BgNbdParams,
  t: number,
  data: RfmData | CompressedRfm,
): Float64Array {
  const rows = 'rowOf' in data ? data : compressRfm(data.x, data.tx, data.T);
  const u = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    u[i] = bgnbdConditionalExpected(
      params,
      t,
      rows.x[i] as number,
      rows.tx[i] as number,
      rows.T[i] as number,
    );
  }
  if (!('rowOf' in data)) return expand(u, rows.rowOf);
  return u;
}

/** out[i] = values[rowOf[i]]. @internal */
export function expand(values: Float64Array, rowOf: Int32Array): Float64Array {
  const out = new Float64Array(rowOf.length);
  for (let i = 0; i < rowOf.length; i++) out[i] = values[rowOf[i] as number] as number;
  return out;
}
