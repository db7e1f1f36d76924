/**
 * Deterministic unconstrained minimisers for the models' negative log-likelihoods
 * (the fitters work on log-parameters, so "unconstrained" is all they need):
 * Nelder–Mead for a robust start, then BFGS with an Armijo backtracking line search,
 * using an analytic gradient when the caller has one and central differences otherwise.
 */

/** Objective: returns f(x); when `grad` is given it must also write ∇f(x) into it. */
export type Objective = (x: Float64Array, grad?: Float64Array) => number;

export interface MinimizeOptions {
  /** Whether `f` fills `grad` (analytic gradient). Default false: central differences. */
  readonly analyticGradient?: boolean;
  /** Nelder–Mead evaluations before the BFGS polish (0 skips it). Default 400. */
  readonly nelderMeadMaxEvals?: number;
  /** Nelder–Mead initial step (per coordinate). Default 0.5. */
  readonly initialStep?: number;
  /** BFGS iterations. Default 200. */
  readonly maxIterations?: number;
  /** Stop when ‖∇f‖∞ falls below this. Default 1e-9. */
  readonly gradientTolerance?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** ‖∇f‖∞ at the solution. */
  readonly gradientNorm: number;
}

/**
 * Minimise `f` from `x0`.
 * @example
 * const r = minimize((x) => (x[0]! - 1) ** 2 + 10 * (x[1]! + 2) ** 2, Float64Array.of(0, 0));
 * // r.x ≈ [1, -2]
 */
export function minimize(f: Objective, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  let evaluations = 0;
  const safeF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let x: Float64Array = Float64Array.from(x0);
  const nmEvals = options.nelderMeadMaxEvals ?? 400;
  if (nmEvals > 0) {
    const nm = nelderMead(safeF, x, options.initialStep ?? 0.5, nmEvals);
    x = nm;
  }
  const analytic = options.analyticGradient ?? false;
  const gradAt = (p: Float64Array, g: Float64Array): number => {
    if (analytic) {
      evaluations++;
      const v = f(p, g);
      return Number.isFinite(v) ? v : Infinity;
    }
    const v = safeF(p);
    for (let i = 0; i < n; i++) {
      const xi = p[i] as number;
      const h = 1e-5 * Math.max(1, Math.abs(xi));
      p[i] = xi + h;
      const fp = safeF(p);
      p[i] = xi - h;
      const fm = safeF(p);
      p[i] = xi;
      g[i] = (fp - fm) / (2 * h);
    }
    return v;
  };
  const lineF = analytic ? null : safeF;
  const res = bfgs(gradAt, lineF, x, options.maxIterations ?? 200, options.gradientTolerance ?? 1e-9);
  return { ...res, evaluations };
}

/** Nelder–Mead (standard coefficients); returns the best vertex. */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  step: number,
  maxEvals: number,
): Float64Array {
  const n = x0.length;
  const pts: Float64Array[] = [];
  const vals = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1] = (p[i - 1] as number) + step;
    pts.push(p);
    vals[i] = f(p);
  }
  let evals = n + 1;
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  while (evals < maxEvals) {
    order.sort((i, j) => (vals[i] as number) - (vals[j] as number) || i - j);
    const best = order[0] as number;
    const worst = order[n] as number;
    const second = order[n - 1] as number;
    const fBest = vals[best] as number;
    const fWorst = vals[worst] as number;
    if (Math.abs(fWorst - fBest) <= 1e-12 * (Math.abs(fBest) + 1e-12)) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const p = pts[order[k] as number] as Float64Array;
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (p[i] as number) / n;
    }
    const pw = pts[worst] as Float64Array;
    for (let i = 0; i < n; i++) xr[i] = 2 * (centroid[i] as number) - (pw[i] as number);
    const fr = f(xr);
    evals++;
    if (fr < fBest) {
      for (let i = 0; i < n; i++) xe[i] = 3 * (centroid[i] as number) - 2 * (pw[i] as number);
      const fe = f(xe);
      evals++;
      if (fe < fr) {
        pw.set(xe);
        vals[worst] = fe;
      } else {
        pw.set(xr);
        vals[worst] = fr;
      }
      continue;
    }
    if (fr < (vals[second] as number)) {
      pw.set(xr);
      vals[worst] = fr;
      continue;
    }
    const outside = fr < fWorst;
    for (let i = 0; i < n; i++) {
      const c = centroid[i] as number;
      xc[i] = outside ? c + 0.5 * ((xr[i] as number) - c) : c + 0.5 * ((pw[i] as number) - c);
    }
    const fc = f(xc);
    evals++;
    if (fc < (outside ? fr : fWorst)) {
      pw.set(xc);
      vals[worst] = fc;
      continue;
    }
    // shrink towards the best vertex
    const pb = pts[best] as Float64Array;
    for (let k = 0; k <= n; k++) {
      if (k === best) continue;
      const p = pts[k] as Float64Array;
      for (let i = 0; i < n; i++) p[i] = (pb[i] as number) + 0.5 * ((p[i] as number) - (pb[i] as number));
      vals[k] = f(p);
      evals++;
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if ((vals[i] as number) < (vals[bi] as number)) bi = i;
  return Float64Array.from(pts[bi] as Float64Array);
}

/** BFGS on the inverse Hessian with Armijo backtracking. */
function bfgs(
  fg: (x: Float64Array, g: Float64Array) => number,
  fOnly: ((x: Float64Array) => number) | null,
  x0: Float64Array,
  maxIter: number,
  gtol: number,
): Omit<MinimizeResult, 'evaluations'> {
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = fg(x, g);
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const dir = new Float64Array(n);
  const xn = new Float64Array(n);
  const gn = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iter = 0;
  let converged = false;
  let firstStep = true;
  for (; iter < maxIter; iter++) {
    if (normInf(g) < gtol) {
      converged = true;
      break;
    }
    let slope = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= (H[i * n + j] as number) * (g[j] as number);
      dir[i] = v;
      slope += v * (g[i] as number);
    }
    if (!(slope < 0)) {
      // not a descent direction: reset to steepest descent
      H.fill(0);
      for (let i = 0; i < n; i++) {
        H[i * n + i] = 1;
        dir[i] = -(g[i] as number);
      }
      slope = -dot(g, g);
    }
    let step = 1;
    if (firstStep) {
      const dn = normInf(dir);
      if (dn > 1) step = 1 / dn;
      firstStep = false;
    }
    let fn = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xn[i] = (x[i] as number) + step * (dir[i] as number);
      fn = fOnly === null ? fg(xn, gn) : fOnly(xn);
      if (fn <= fx + 1e-4 * step * slope) {
        accepted = true;
        if (fOnly !== null) fg(xn, gn);
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      converged = normInf(g) < Math.sqrt(gtol);
      break;
    }
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = (xn[i] as number) - (x[i] as number);
      y[i] = (gn[i] as number) - (g[i] as number);
      sy += (s[i] as number) * (y[i] as number);
    }
    const fPrev = fx;
    x.set(xn);
    g.set(gn);
    fx = fn;
    if (sy > 1e-300) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      let yHy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += (H[i * n + j] as number) * (y[j] as number);
        Hy[i] = v;
        yHy += v * (y[i] as number);
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const si = s[i] as number;
          const sj = s[j] as number;
          H[i * n + j] =
            (H[i * n + j] as number) -
            rho * ((Hy[i] as number) * sj + si * (Hy[j] as number)) +
            (rho * rho * yHy + rho) * si * sj;
        }
      }
    }
    if (Math.abs(fPrev - fx) <= 1e-15 * Math.max(1, Math.abs(fx)) && normInf(s) < 1e-12) {
      converged = true;
      iter++;
      break;
    }
  }
  return { x, value: fx, iterations: iter, converged, gradientNorm: normInf(g) };
}

function normInf(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
