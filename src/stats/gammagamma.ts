/**
 * Gamma-Gamma model of monetary value (Fader, Hardie & Lee 2005, "RFM and CLV: Using
 * Iso-Value Curves"; Fader & Hardie, "The Gamma-Gamma Model of Monetary Value"):
 * each transaction's value ~ Gamma(p, ν), ν ~ Gamma(q, γ) across customers. Fitted on repeat
 * buyers only (x > 0 and mean repeat spend > 0); others are skipped, never crashed on.
 */
import { digamma, lgamma } from './special.ts';
import { minimize } from './optimize.ts';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  readonly logLikelihood: number;
  /** Customers used (x > 0, monetary > 0, both finite). */
  readonly customers: number;
  /** Customers skipped (x = 0 or monetary ≤ 0). */
  readonly excluded: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly evaluations: number;
}

interface Prepared {
  /** Distinct x values with their customers' data in [starts[g], starts[g+1]). */
  readonly xs: Float64Array;
  readonly starts: Int32Array;
  /** x·m̄ per customer, grouped by x. */
  readonly xm: Float64Array;
  readonly w: Float64Array;
  /** Per group: Σw, Σw·log m̄. */
  readonly gw: Float64Array;
  readonly gwLogM: Float64Array;
  readonly total: number;
  readonly excluded: number;
}

function prepare(x: ArrayLike<number>, monetary: ArrayLike<number>, weight?: ArrayLike<number>): Prepared {
  const n = x.length;
  let maxX = 0;
  let used = 0;
  const ok = (i: number): boolean => {
    const xi = x[i] as number;
    const mi = monetary[i] as number;
    return xi > 0 && mi > 0 && Number.isFinite(mi) && Number.isFinite(xi);
  };
  // counting sort by x (x is an integer count; non-integers are grouped by exact value via a Map)
  const groupOf = new Map<number, number>();
  const xsList: number[] = [];
  const gid = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    const xi = x[i] as number;
    let g = groupOf.get(xi);
    if (g === undefined) {
      g = xsList.length;
      groupOf.set(xi, g);
      xsList.push(xi);
    }
    gid[i] = g;
    used++;
    if (xi > maxX) maxX = xi;
  }
  const G = xsList.length;
  const counts = new Int32Array(G + 1);
  for (let i = 0; i < n; i++) {
    const g = gid[i] as number;
    if (g >= 0) counts[g + 1] = (counts[g + 1] as number) + 1;
  }
  for (let g = 0; g < G; g++) counts[g + 1] = (counts[g + 1] as number) + (counts[g] as number);
  const starts = Int32Array.from(counts);
  const pos = Int32Array.from(counts.subarray(0, G));
  const xm = new Float64Array(used);
  const w = new Float64Array(used);
  const gw = new Float64Array(G);
  const gwLogM = new Float64Array(G);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const g = gid[i] as number;
    if (g < 0) continue;
    const k = pos[g] as number;
    pos[g] = k + 1;
    const wi = weight === undefined ? 1 : (weight[i] as number);
    const mi = monetary[i] as number;
    xm[k] = (x[i] as number) * mi;
    w[k] = wi;
    gw[g] = (gw[g] as number) + wi;
    gwLogM[g] = (gwLogM[g] as number) + wi * Math.log(mi);
    total += wi;
  }
  return { xs: Float64Array.from(xsList), starts, xm, w, gw, gwLogM, total, excluded: n - used };
}

/** Σ weighted log f(m̄ | p, q, γ, x) and gradient w.r.t. (p, q, γ). */
function logLik(d: Prepared, p: number, q: number, gam: number, grad?: Float64Array): number {
  const lgq = lgamma(q);
  const lnG = Math.log(gam);
  const psiq = grad === undefined ? 0 : digamma(q);
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let g = 0; g < d.xs.length; g++) {
    const x = d.xs[g] as number;
    const W = d.gw[g] as number;
    const px = p * x;
    const pxq = px + q;
    const lnx = Math.log(x);
    // Σ over the group of log(x·m̄ + γ) and 1/(x·m̄ + γ)
    let sl = 0;
    let si = 0;
    const e = d.starts[g + 1] as number;
    if (grad === undefined) {
      for (let i = d.starts[g] as number; i < e; i++)
        sl += (d.w[i] as number) * Math.log((d.xm[i] as number) + gam);
    } else {
      for (let i = d.starts[g] as number; i < e; i++) {
        const v = (d.xm[i] as number) + gam;
        const wi = d.w[i] as number;
        sl += wi * Math.log(v);
        si += wi / v;
      }
    }
    ll +=
      W * (lgamma(pxq) - lgamma(px) - lgq + q * lnG + px * lnx) +
      (px - 1) * (d.gwLogM[g] as number) -
      pxq * sl;
    if (grad !== undefined) {
      const dpsi = digamma(pxq);
      gp += x * (W * (dpsi - digamma(px) + lnx) + (d.gwLogM[g] as number) - sl);
      gq += W * (dpsi - psiq + lnG) - sl;
      gg += (W * q) / gam - pxq * si;
    }
  }
  if (grad !== undefined) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gg;
  }
  return ll;
}

/**
 * Total Gamma-Gamma log-likelihood over the repeat buyers (others skipped).
 * @example gammaGammaLogLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 }, [2], [35.5])
 */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  x: ArrayLike<number>,
  monetary: ArrayLike<number>,
  weight?: ArrayLike<number>,
): number {
  return logLik(prepare(x, monetary, weight), params.p, params.q, params.gamma);
}

/**
 * Fit p, q, γ by maximum likelihood on repeat buyers with positive mean spend.
 * @example const gg = fitGammaGamma(summary.x, summary.monetary); gg.params.p
 */
export function fitGammaGamma(
  x: ArrayLike<number>,
  monetary: ArrayLike<number>,
  options: { readonly weight?: ArrayLike<number>; readonly initial?: Partial<GammaGammaParams> } = {},
): GammaGammaFit {
  const d = prepare(x, monetary, options.weight);
  if (d.total === 0) throw new RangeError('Gamma-Gamma needs at least one repeat buyer with positive spend');
  const init = options.initial ?? {};
  const x0 = [init.p ?? 1, init.q ?? 1, init.gamma ?? 1].map(Math.log);
  const scale = 1 / d.total;
  const g3 = new Float64Array(3);
  const res = minimize(
    (th, grad) => {
      const p = Math.exp(th[0] as number);
      const q = Math.exp(th[1] as number);
      const gm = Math.exp(th[2] as number);
      const v = -scale * logLik(d, p, q, gm, grad === undefined ? undefined : g3);
      if (grad !== undefined) {
        grad[0] = -scale * (g3[0] as number) * p;
        grad[1] = -scale * (g3[1] as number) * q;
        grad[2] = -scale * (g3[2] as number) * gm;
      }
      return v;
    },
    x0,
    { analyticGradient: true, nelderMeadMaxEvals: 0, maxIterations: 300 },
  );
  const th = res.x;
  const params = {
    p: Math.exp(th[0] as number),
    q: Math.exp(th[1] as number),
    gamma: Math.exp(th[2] as number),
  };
  return {
    params,
    logLikelihood: logLik(d, params.p, params.q, params.gamma),
    customers: d.total,
    excluded: d.excluded,
    converged: res.converged,
    iterations: res.iterations,
    evaluations: res.evaluations,
  };
}

/**
 * Gamma-Gamma fitted on the amounts divided by `unit` (their mean repeat spend, see `spendScale` in
 * checks.ts): amounts in minor units are in the thousands while the optimiser works near 1. p and q are
 * scale-free, γ scales with the amounts: `params` is in the amounts' units, `fit` is the fit of the scaled
 * amounts (judge it with `spendFitProblem`). It starts at p = 1, q = 2, γ = 1, whose mean pγ/(q − 1) is the
 * scaled amounts' mean.
 * @example const { unit } = spendScale(s.x, s.monetary); fitGammaGammaScaled(s.x, s.monetary, unit).params
 */
export function fitGammaGammaScaled(
  x: ArrayLike<number>,
  monetary: ArrayLike<number>,
  unit: number,
): { readonly fit: GammaGammaFit; readonly params: GammaGammaParams } {
  const scaled = new Float64Array(monetary.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = (monetary[i] as number) / unit;
  const fit = fitGammaGamma(x, scaled, { initial: { p: 1, q: 2, gamma: 1 } });
  return { fit, params: { ...fit.params, gamma: fit.params.gamma * unit } };
}

/**
 * E[M | p, q, γ, m̄_x, x] = p(γ + x·m̄_x)/(p·x + q − 1), the mean of the customer's transaction value given
 * x repeat transactions averaging m̄_x (Fader, Hardie & Lee 2005, eq. 5; Fader & Hardie, "The Gamma-Gamma
 * Model of Monetary Value", 2013). A weighted average of the population mean pγ/(q − 1) and m̄_x — also for a
 * repeat buyer whose repeat spend was 0 (refunded, free), who is pulled below the population mean, not given
 * it. x = 0 gives the population mean (m̄_x is then ignored). Requires q > 1; NaN for a negative or
 * non-finite m̄_x of a repeat buyer.
 * @example gammaGammaConditionalExpectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 35.5)
 */
export function gammaGammaConditionalExpectedSpend(
  params: GammaGammaParams,
  x: number,
  monetary: number,
): number {
  const { p, q, gamma } = params;
  if (!(x > 0)) return (p * gamma) / (q - 1);
  if (!(monetary >= 0) || !Number.isFinite(monetary)) return NaN;
  return (p * (gamma + x * monetary)) / (p * x + q - 1);
}

/**
 * Expected spend for many customers.
 * @example gammaGammaConditionalExpectedSpendMany(params, summary.x, summary.monetary)
 */
export function gammaGammaConditionalExpectedSpendMany(
  params: GammaGammaParams,
  x: ArrayLike<number>,
  monetary: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++)
    out[i] = gammaGammaConditionalExpectedSpend(params, x[i] as number, monetary[i] as number);
  return out;
}
