/**
 * Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), likelihood as in Fader & Hardie,
 * "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005), evaluated in log
 * space: purchase rate λ ~ Gamma(r, α), lifetime ~ Exponential(μ) with μ ~ Gamma(s, β).
 */
import { lgamma, log2F1PlusOne, logAddExp, logSubExp } from './special.ts';
import { minimize } from './optimize.ts';
import { compressRfm, type CompressedRfm } from './summary.ts';
import { expand } from './bgnbd.ts';
import type { FitResult, RfmData } from './types.ts';

export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

/**
 * log A₀ of the note:
 *   A₀ = ₂F₁(r+s+x, c; r+s+x+1; z(t_x)) / (m+t_x)^{r+s+x} − the same at T,
 * with m = max(α, β), z(t) = |α−β|/(m+t), c = s+1 if α ≥ β else r+x.
 */
function logA0(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): number {
  if (tx >= T) return -Infinity;
  const aa = r + s + x;
  const ge = alpha >= beta;
  const m = ge ? alpha : beta;
  const c = ge ? s + 1 : r + x;
  const diff = Math.abs(alpha - beta);
  const l1 = log2F1PlusOne(aa, c, diff / (m + tx)) - aa * Math.log(m + tx);
  const l2 = log2F1PlusOne(aa, c, diff / (m + T)) - aa * Math.log(m + T);
  return logSubExp(l1, l2);
}

/**
 * Data prepared for repeated likelihood evaluation: compressed rows plus, for every row, the
 * index of its distinct (x, T) and (x, t_x) pairs. Everything that depends on one time point
 * (the ₂F₁ terms and the "alive throughout" term) is computed once per distinct pair — with
 * dates in days there are only a few hundred per x, whatever the number of customers.
 */
interface Prepared {
  readonly rows: CompressedRfm;
  readonly total: number;
  /** Distinct (x, time) points: x and time, sorted by x as the rows are. */
  readonly px: Float64Array;
  readonly pt: Float64Array;
  /** Per row: point index of (x, T) and of (x, t_x) (−1 when t_x = T: no A₀ term). */
  readonly iT: Int32Array;
  readonly iTx: Int32Array;
}

function prepare(data: RfmData | CompressedRfm): Prepared {
  const rows = 'rowOf' in data ? data : compressRfm(data.x, data.tx, data.T, data.weight);
  const index = new Map<string, number>();
  const px: number[] = [];
  const pt: number[] = [];
  const point = (x: number, t: number): number => {
    const key = `${x}|${t}`;
    let k = index.get(key);
    if (k === undefined) {
      k = px.length;
      index.set(key, k);
      px.push(x);
      pt.push(t);
    }
    return k;
  };
  const iT = new Int32Array(rows.length);
  const iTx = new Int32Array(rows.length);
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = rows.x[i] as number;
    const tx = rows.tx[i] as number;
    const T = rows.T[i] as number;
    iT[i] = point(x, T);
    iTx[i] = tx < T ? point(x, tx) : -1;
    total += rows.weight[i] as number;
  }
  return { rows, total, px: Float64Array.from(px), pt: Float64Array.from(pt), iT, iTx };
}

/** Sum of weighted log-likelihoods. `buf` is scratch space for 2 values per point. */
function logLik(p: Prepared, r: number, alpha: number, s: number, beta: number, buf?: Float64Array): number {
  const npt = p.px.length;
  const scratch = buf !== undefined && buf.length >= 2 * npt ? buf : new Float64Array(2 * npt);
  const lgr = lgamma(r);
  const base = r * Math.log(alpha) + s * Math.log(beta);
  const lns = Math.log(s);
  const ge = alpha >= beta;
  const m = ge ? alpha : beta;
  const diff = Math.abs(alpha - beta);
  // per point: log[₂F₁(·; z(t)) / (m+t)^{r+s+x}] and −(r+x)·log(α+t) − s·log(β+t)
  for (let k = 0; k < npt; k++) {
    const x = p.px[k] as number;
    const t = p.pt[k] as number;
    const aa = r + s + x;
    const c = ge ? s + 1 : r + x;
    scratch[2 * k] = log2F1PlusOne(aa, c, diff / (m + t)) - aa * Math.log(m + t);
    scratch[2 * k + 1] = -(r + x) * Math.log(alpha + t) - s * Math.log(beta + t);
  }
  const rows = p.rows;
  let ll = 0;
  let lastX = NaN;
  let cg = 0;
  let lw = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = rows.x[i] as number;
    if (x !== lastX) {
      lastX = x;
      cg = lgamma(r + x) - lgr + base;
      lw = lns - Math.log(r + s + x);
    }
    const kT = p.iT[i] as number;
    const kt = p.iTx[i] as number;
    const first = scratch[2 * kT + 1] as number;
    const li =
      kt < 0 ? first : logAddExp(first, lw + logSubExp(scratch[2 * kt] as number, scratch[2 * kT] as number));
    ll += (rows.weight[i] as number) * (cg + li);
  }
  return ll;
}

/**
 * Total (weighted) Pareto/NBD log-likelihood.
 * @example paretoNbdLogLikelihood({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, summary)
 */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, data: RfmData): number {
  const p = prepare(data);
  return logLik(p, params.r, params.alpha, params.s, params.beta);
}

/**
 * Maximum-likelihood fit: Nelder–Mead on log-parameters, BFGS polish with central-difference
 * gradients, on the compressed data.
 * @example const fit = fitParetoNbd(summary); fit.params.s
 */
export function fitParetoNbd(
  data: RfmData | CompressedRfm,
  options: { readonly initial?: Partial<ParetoNbdParams> } = {},
): FitResult<ParetoNbdParams> {
  const p = prepare(data);
  const init = options.initial ?? {};
  const x0 = [init.r ?? 1, init.alpha ?? 1, init.s ?? 1, init.beta ?? 1].map(Math.log);
  const scale = 1 / p.total;
  const buf = new Float64Array(2 * p.px.length);
  const res = minimize(
    (th) =>
      -scale *
      logLik(
        p,
        Math.exp(th[0] as number),
        Math.exp(th[1] as number),
        Math.exp(th[2] as number),
        Math.exp(th[3] as number),
        buf,
      ),
    x0,
    { nelderMeadMaxEvals: 250, gradientTolerance: 1e-8, maxIterations: 60 },
  );
  const th = res.x;
  const params: ParetoNbdParams = {
    r: Math.exp(th[0] as number),
    alpha: Math.exp(th[1] as number),
    s: Math.exp(th[2] as number),
    beta: Math.exp(th[3] as number),
  };
  return {
    params,
    logLikelihood: logLik(p, params.r, params.alpha, params.s, params.beta),
    customers: p.total,
    uniqueRows: p.rows.length,
    converged: res.converged,
    iterations: res.iterations,
    evaluations: res.evaluations,
  };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^{r+x} (β+T)^s · A₀).
 * @example paretoNbdProbabilityAlive(params, 0, 0, 38.86) // < 1 even for one-time buyers
 */
export function paretoNbdProbabilityAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const la = logA0(r, alpha, s, beta, x, tx, T);
  if (la === -Infinity) return 1;
  const lnOdds = Math.log(s / (r + s + x)) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + la;
  return 1 / (1 + Math.exp(lnOdds));
}

/** [1 − (1+u)^{−(s−1)}]/(s−1), continuous at s = 1 (= log1p(u)). */
function powerBracket(s: number, u: number): number {
  const L = Math.log1p(u);
  const e = -(s - 1) * L;
  if (Math.abs(s - 1) < 1e-12) return L;
  return -Math.expm1(e) / (s - 1);
}

/**
 * E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T)/(α+T) · [1 − ((β+T)/(β+T+t))^{s−1}]/(s−1).
 * @example paretoNbdConditionalExpected(params, 39, 2, 30.43, 38.86)
 */
export function paretoNbdConditionalExpected(
  params: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = params;
  const k = ((r + x) * (beta + T)) / (alpha + T);
  return paretoNbdProbabilityAlive(params, x, tx, T) * k * powerBracket(s, t / (beta + T));
}

/**
 * Unconditional E[X(t)] = rβ/α · [1 − (β/(β+t))^{s−1}]/(s−1).
 * @example paretoNbdExpected(params, 39)
 */
export function paretoNbdExpected(params: ParetoNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = params;
  return ((r * beta) / alpha) * powerBracket(s, t / beta);
}

/**
 * Conditional expected purchases for many customers (once per distinct row).
 * @example paretoNbdConditionalExpectedMany(params, 39, summary)
 */
export function paretoNbdConditionalExpectedMany(
  params: ParetoNbdParams,
  t: number,
  data: RfmData | CompressedRfm,
): Float64Array {
  const rows = 'rowOf' in data ? data : compressRfm(data.x, data.tx, data.T);
  const u = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    u[i] = paretoNbdConditionalExpected(
      params,
      t,
      rows.x[i] as number,
      rows.tx[i] as number,
      rows.T[i] as number,
    );
  }
  return 'rowOf' in data ? u : expand(u, rows.rowOf);
}
