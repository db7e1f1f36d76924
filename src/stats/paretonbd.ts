/**
 * Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), likelihood as in Fader & Hardie,
 * "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005), evaluated in log
 * space: purchase rate λ ~ Gamma(r, α), lifetime ~ Exponential(μ) with μ ~ Gamma(s, β).
 */
import { digamma, lgamma, log2F1PlusOne, log2F1PlusOneGrad, logAddExp, logSubExp } from './special.ts';
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

/** Scratch of `logLikGrad`: per point F, ∂F (4), first, ∂first (4). */
interface GradScratch {
  readonly F: Float64Array;
  readonly dF: Float64Array;
  readonly first: Float64Array;
  readonly dFirst: Float64Array;
}

function gradScratch(npt: number): GradScratch {
  return {
    F: new Float64Array(npt),
    dF: new Float64Array(4 * npt),
    first: new Float64Array(npt),
    dFirst: new Float64Array(4 * npt),
  };
}

const g3 = new Float64Array(3);

/**
 * The log-likelihood of `logLik` and its gradient w.r.t. (r, α, s, β) into `grad`. Per point (x, t):
 *   F = log ₂F₁(r+s+x, c; r+s+x+1; z) − (r+s+x)·log(m+t), z = |α−β|/(m+t), m = max(α, β),
 *     c = s+1 when α ≥ β, else r+x;
 *   first = −(r+x)·log(α+t) − s·log(β+t);
 * per row: ll = lgamma(r+x) − lgamma(r) + r·log α + s·log β + logAddExp(first(T), lw + logSubExp(F(t_x), F(T))),
 *   lw = log s − log(r+s+x); the derivative of each piece by the chain rule (log2F1PlusOneGrad for ₂F₁).
 */
function logLikGrad(
  p: Prepared,
  r: number,
  alpha: number,
  s: number,
  beta: number,
  grad: Float64Array,
  sc: GradScratch,
): number {
  const npt = p.px.length;
  const { F, dF, first, dFirst } = sc;
  const ge = alpha >= beta;
  const m = ge ? alpha : beta;
  const diff = Math.abs(alpha - beta);
  for (let k = 0; k < npt; k++) {
    const x = p.px[k] as number;
    const t = p.pt[k] as number;
    const aa = r + s + x;
    const c = ge ? s + 1 : r + x;
    const mt = m + t;
    const lmt = Math.log(mt);
    const L = log2F1PlusOneGrad(aa, c, diff / mt, g3);
    const La = g3[0] as number;
    const Lb = g3[1] as number;
    const Lz = g3[2] as number;
    F[k] = L - aa * lmt;
    // ∂z and ∂log(m+t) along α and β
    let zA: number;
    let zB: number;
    let mA: number;
    let mB: number;
    if (ge) {
      zA = (beta + t) / (mt * mt);
      zB = -1 / mt;
      mA = 1 / mt;
      mB = 0;
    } else {
      zA = -1 / mt;
      zB = (alpha + t) / (mt * mt);
      mA = 0;
      mB = 1 / mt;
    }
    const j = 4 * k;
    dF[j] = La + (ge ? 0 : Lb) - lmt;
    dF[j + 1] = Lz * zA - aa * mA;
    dF[j + 2] = La + (ge ? Lb : 0) - lmt;
    dF[j + 3] = Lz * zB - aa * mB;
    const la = Math.log(alpha + t);
    const lb = Math.log(beta + t);
    first[k] = -(r + x) * la - s * lb;
    dFirst[j] = -la;
    dFirst[j + 1] = -(r + x) / (alpha + t);
    dFirst[j + 2] = -lb;
    dFirst[j + 3] = -s / (beta + t);
  }
  const rows = p.rows;
  const lgr = lgamma(r);
  const psir = digamma(r);
  const lnA = Math.log(alpha);
  const lnB = Math.log(beta);
  const base = r * lnA + s * lnB;
  const lns = Math.log(s);
  let ll = 0;
  let g0 = 0;
  let g1 = 0;
  let g2 = 0;
  let g4 = 0;
  let lastX = NaN;
  let cg = 0;
  let cgR = 0;
  let lw = 0;
  let lwR = 0;
  let lwS = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = rows.x[i] as number;
    if (x !== lastX) {
      lastX = x;
      cg = lgamma(r + x) - lgr + base;
      cgR = digamma(r + x) - psir + lnA;
      const rsx = r + s + x;
      lw = lns - Math.log(rsx);
      lwR = -1 / rsx;
      lwS = 1 / s - 1 / rsx;
    }
    const wi = rows.weight[i] as number;
    const kT = p.iT[i] as number;
    const kt = p.iTx[i] as number;
    const f = first[kT] as number;
    const jT = 4 * kT;
    // the constant part's gradient (r, α, s, β): (ψ(r+x) − ψ(r) + log α, r/α, log β, s/β)
    g0 += wi * cgR;
    g1 += (wi * r) / alpha;
    g2 += wi * lnB;
    g4 += (wi * s) / beta;
    if (kt < 0) {
      ll += wi * (cg + f);
      g0 += wi * (dFirst[jT] as number);
      g1 += wi * (dFirst[jT + 1] as number);
      g2 += wi * (dFirst[jT + 2] as number);
      g4 += wi * (dFirst[jT + 3] as number);
      continue;
    }
    // D = log(e^{F1} − e^{F2}) with F1 = F(t_x) > F2 = F(T); ∂D = (∂F1 − e·∂F2)/(1 − e), e = e^{F2−F1}
    const F1 = F[kt] as number;
    const dd = (F[kT] as number) - F1;
    const e = Math.exp(dd);
    const D = F1 + (dd > -Math.LN2 ? Math.log(-Math.expm1(dd)) : Math.log1p(-e));
    const inv = 1 / (1 - e);
    // li = logAddExp(f, A), A = lw + D; σ = weight of f
    const A = lw + D;
    let li: number;
    let sigma: number;
    if (f > A) {
      const u = Math.exp(A - f);
      li = f + Math.log1p(u);
      sigma = 1 / (1 + u);
    } else {
      const u = Math.exp(f - A);
      li = A + Math.log1p(u);
      sigma = u / (1 + u);
    }
    ll += wi * (cg + li);
    const w1 = wi * sigma;
    const w2 = wi * (1 - sigma);
    const jt = 4 * kt;
    g0 += w1 * (dFirst[jT] as number) + w2 * (lwR + ((dF[jt] as number) - e * (dF[jT] as number)) * inv);
    g1 +=
      w1 * (dFirst[jT + 1] as number) + w2 * (((dF[jt + 1] as number) - e * (dF[jT + 1] as number)) * inv);
    g2 +=
      w1 * (dFirst[jT + 2] as number) +
      w2 * (lwS + ((dF[jt + 2] as number) - e * (dF[jT + 2] as number)) * inv);
    g4 +=
      w1 * (dFirst[jT + 3] as number) + w2 * (((dF[jt + 3] as number) - e * (dF[jT + 3] as number)) * inv);
  }
  grad[0] = g0;
  grad[1] = g1;
  grad[2] = g2;
  grad[3] = g4;
  return ll;
}

/** @internal the likelihood and its analytic gradient, for tests */
export function paretoNbdLogLikelihoodGradient(
  params: ParetoNbdParams,
  data: RfmData,
  grad: Float64Array,
): number {
  const p = prepare(data);
  return logLikGrad(p, params.r, params.alpha, params.s, params.beta, grad, gradScratch(p.px.length));
}

/**
 * The optimiser stays within e^±LOG_BOX (10× beyond the box of an accepted fit, see PARAM_MAX in checks.ts):
 * a fit running off towards s, β → ∞ (dropout rates alike for everyone) ends at the wall and is refused there,
 * instead of evaluating the ₂F₁ series at z → 1 for minutes.
 */
const LOG_BOX = Math.log(1e7);

/** Nelder–Mead evaluations before BFGS: a rough start from (1, 1, 1, 1), BFGS does the rest. */
const NELDER_MEAD_EVALS = 60;

/**
 * Total (weighted) Pareto/NBD log-likelihood.
 * @example paretoNbdLogLikelihood({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, summary)
 */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, data: RfmData): number {
  const p = prepare(data);
  return logLik(p, params.r, params.alpha, params.s, params.beta);
}

/**
 * Maximum-likelihood fit on the compressed data: a short Nelder–Mead start on log-parameters, then BFGS with
 * the analytic gradient (see `logLikGrad`).
 * @example const fit = fitParetoNbd(summary); fit.params.s
 */
export function fitParetoNbd(
  data: RfmData | CompressedRfm,
  options: { readonly initial?: Partial<ParetoNbdParams>; readonly nelderMeadEvals?: number } = {},
): FitResult<ParetoNbdParams> {
  const p = prepare(data);
  const init = options.initial ?? {};
  const x0 = [init.r ?? 1, init.alpha ?? 1, init.s ?? 1, init.beta ?? 1].map(Math.log);
  const scale = 1 / p.total;
  const sc = gradScratch(p.px.length);
  const buf = new Float64Array(2 * p.px.length);
  const g4 = new Float64Array(4);
  const res = minimize(
    (th, grad) => {
      // beyond the box no fit is accepted (checks.ts), and the likelihood's series slow down without end there
      for (let i = 0; i < 4; i++) if (Math.abs(th[i] as number) > LOG_BOX) return Infinity;
      const r = Math.exp(th[0] as number);
      const al = Math.exp(th[1] as number);
      const s = Math.exp(th[2] as number);
      const b = Math.exp(th[3] as number);
      if (grad === undefined) return -scale * logLik(p, r, al, s, b, buf);
      const v = -scale * logLikGrad(p, r, al, s, b, g4, sc);
      // on log-parameters: ∂/∂log θ = θ·∂/∂θ
      grad[0] = -scale * (g4[0] as number) * r;
      grad[1] = -scale * (g4[1] as number) * al;
      grad[2] = -scale * (g4[2] as number) * s;
      grad[3] = -scale * (g4[3] as number) * b;
      return v;
    },
    x0,
    {
      analyticGradient: true,
      nelderMeadMaxEvals: options.nelderMeadEvals ?? NELDER_MEAD_EVALS,
      gradientTolerance: 1e-9,
      maxIterations: 100,
    },
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

/** [1 − (1+u)^{−(s−1)}]/(s−1), continuous at s = 1 (= log1p(u)). @internal */
export function powerBracket(s: number, u: number): number {
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
