/**
 * Special functions for the "buy till you die" models: log-gamma, log-beta, digamma,
 * log-space helpers and the Gauss hypergeometric functions the BG/NBD and Pareto/NBD
 * expressions need, evaluated so that large counts (x ≈ 5,000) and long horizons
 * (t, T ≈ 1e5) stay finite and accurate.
 *
 * Own implementations (no dependency): they are small, allocation-free and fast enough
 * to sit inside likelihood loops.
 */

const LN_SQRT_2PI = 0.9189385332046727; // log(sqrt(2π))

/**
 * Natural log of |Γ(x)| for x > 0 (shift to x ≥ 10, then Stirling's series).
 * Absolute error ≈ 1e-15 · max(1, |lgamma(x)|).
 * @example lgamma(5) // ≈ Math.log(24)
 */
export function lgamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  let shift = 1;
  let y = x;
  while (y < 10) {
    shift *= y;
    y += 1;
  }
  const iy = 1 / y;
  const iy2 = iy * iy;
  // Stirling: B2/(1·2) … B12/(11·12)
  const series =
    iy *
    (1 / 12 +
      iy2 *
        (-1 / 360 +
          iy2 * (1 / 1260 + iy2 * (-1 / 1680 + iy2 * (1 / 1188 + iy2 * (-691 / 360360 + iy2 / 156))))));
  const s = (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + series;
  return shift === 1 ? s : s - Math.log(shift);
}

/**
 * log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b).
 * @example lbeta(2, 3) // ≈ Math.log(1 / 12)
 */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/**
 * Digamma ψ(x) = d/dx log Γ(x) for x > 0.
 * @example digamma(1) // ≈ -0.5772156649015329 (−Euler's γ)
 */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let acc = 0;
  let y = x;
  while (y < 10) {
    acc -= 1 / y;
    y += 1;
  }
  const iy2 = 1 / (y * y);
  const series =
    iy2 *
    (1 / 12 - iy2 * (1 / 120 - iy2 * (1 / 252 - iy2 * (1 / 240 - iy2 * (1 / 132 - iy2 * (691 / 32760))))));
  return acc + Math.log(y) - 0.5 / y - series;
}

/**
 * log(e^a + e^b) without overflow.
 * @example logAddExp(1000, 1000) // ≈ 1000 + Math.LN2
 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * log(e^a − e^b) for a ≥ b (NaN if a < b, −Infinity if equal).
 * @example logSubExp(Math.log(3), Math.log(1)) // ≈ Math.log(2)
 */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a < b) return NaN;
  if (a === b) return -Infinity;
  const d = b - a;
  // log(1 − e^d), d < 0: stable in both regimes
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/**
 * log Σ exp(values[i]) (stable).
 * @example logSumExp([0, 0, 0]) // ≈ Math.log(3)
 */
export function logSumExp(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > m) m = v;
  }
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp((values[i] as number) - m);
  return m + Math.log(s);
}

/** (e^(εL) − 1)/ε, continuous at ε = 0 (value L). */
function expm1Over(eps: number, L: number): number {
  const y = eps * L;
  if (Math.abs(y) < 1e-300) return L;
  return Math.expm1(y) / eps;
}

const EPS = 1e-16;

/**
 * Continue the solution of the (possibly inhomogeneous) hypergeometric equation
 *   z(1−z)w'' + [c − (a+b+1)z]w' − ab·w = K
 * from z0 (value w0, derivative d0) to z1 > z0 (< 1) by Taylor re-expansion in steps of
 * half the distance to the singular point z = 1. Returns w(z1); writes w'(z1) to out[0].
 */
export function continueOde(
  a: number,
  b: number,
  c: number,
  K: number,
  z0: number,
  w0: number,
  d0: number,
  z1: number,
  out: Float64Array,
): number {
  let z = z0;
  let w = w0;
  let d = d0;
  const Q1 = -(a + b + 1);
  const R = -a * b;
  while (z < z1) {
    const h = Math.min(z1 - z, 0.5 * (1 - z));
    const P0 = z * (1 - z);
    const P1 = 1 - 2 * z;
    const Q0 = c - (a + b + 1) * z;
    // e_k = c_k·h^k, c_k the Taylor coefficients of w(z + h) in h (scaled: no overflow)
    let ePrev = w; // e_0
    let eCur = d * h; // e_1
    let sum = ePrev + eCur;
    let dsum = eCur; // Σ k·e_k (divided by h at the end)
    let small = 0;
    const hh = h * h;
    for (let k = 0; k < 4000; k++) {
      const rhs = k === 0 ? K * hh : 0;
      const eNext =
        (rhs - ((P1 * k + Q0) * (k + 1) * eCur * h + (-k * (k - 1) + Q1 * k + R) * ePrev * hh)) /
        (P0 * (k + 2) * (k + 1));
      sum += eNext;
      dsum += (k + 2) * eNext;
      ePrev = eCur;
      eCur = eNext;
      if (
        Math.abs(eNext) * (k + 2) <= EPS * Math.abs(sum) &&
        Math.abs(eNext) * (k + 2) <= EPS * Math.abs(dsum)
      ) {
        if (++small >= 3) break;
      } else small = 0;
    }
    dsum /= h;
    w = sum;
    d = dsum;
    z += h;
    if (z1 - z < 1e-15 * z1) break;
  }
  out[0] = d;
  return w;
}

const scratch = new Float64Array(2);

/**
 * F̃(a, b; c; z) = (₂F₁(a, b; c; z) − 1)/b, i.e. Σ_{n≥1} (a)_n (b+1)_{n−1} zⁿ / ((c)_n n!),
 * for 0 ≤ z < 1. Well defined at b = 0. Power series while it converges quickly, then
 * analytic continuation of its ODE towards z = 1 (so z = 1 − 1e−9 is fine).
 */
export function hyp2f1Tilde(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 0;
  const zs = z <= 0.75 ? z : 0.5;
  // direct series at zs (≤ 0.75) or try at z itself first
  const tryDirect = z > 0.75;
  if (tryDirect) {
    const v = seriesTilde(a, b, c, z, 3000);
    if (!Number.isNaN(v)) return v;
  }
  const v0 = seriesTilde(a, b, c, zs, 100000);
  if (zs === z) return v0;
  const d0 = scratch[1] as number;
  return continueOde(a, b, c, a, zs, v0, d0, z, scratch);
}

/** Series for F̃ at z; NaN when not converged within maxTerms. Writes F̃'(z) to scratch[1]. */
function seriesTilde(a: number, b: number, c: number, z: number, maxTerms: number): number {
  let u = (a * z) / c; // n = 1
  let s = u;
  let ds = u; // Σ n u_n
  for (let n = 1; n < maxTerms; n++) {
    u *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    s += u;
    ds += (n + 1) * u;
    const ratio = Math.abs(((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * z;
    const R = ratio > z ? ratio : z;
    if (R < 1 && Math.abs(u) * (n + 2) <= EPS * (1 - R) * Math.abs(s)) {
      scratch[1] = ds / z;
      return s;
    }
    if (u === 0) {
      scratch[1] = ds / z;
      return s;
    }
  }
  return NaN;
}

/**
 * ₂F₁(a, b; c; z) for 0 ≤ z < 1 via F̃ (see {@link hyp2f1Tilde}); for b not too close to
 * 0 there is no loss of precision.
 * @example hyp2f1(1, 1, 2, 0.5) // ≈ -Math.log(0.5) / 0.5
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return 1 + b * hyp2f1Tilde(a, b, c, z);
}

/**
 * log ₂F₁(a, b; a + 1; z) for a > 0, b ≥ 0 (or a + 1 − b > 0), 0 ≤ z < 1 — the function in
 * the Pareto/NBD likelihood. Uses Euler's transformation
 *   ₂F₁(a, b; a+1; z) = (1 − z)^{1−b} ₂F₁(1, a+1−b; a+1; z),
 * whose series has positive terms shrinking at least like zⁿ, and Gauss's continued
 * fraction when z is close to 1. Finite for b up to ~1e6 and z up to 1 − 1e−12.
 * @example Math.exp(log2F1PlusOne(1, 1, 0.5)) // = ₂F₁(1,1;2;0.5) = 2·ln 2
 */
export function log2F1PlusOne(a: number, b: number, z: number): number {
  if (z === 0) return 0;
  const B = a + 1 - b;
  const C = a + 1;
  let g: number;
  if (z <= 0.9) {
    g = 1;
    let u = 1;
    for (let n = 0; n < 100000; n++) {
      u *= ((B + n) / (C + n)) * z;
      g += u;
      if (Math.abs(u) <= EPS * Math.abs(g) * (1 - z)) break;
    }
  } else {
    g = gaussCfOne(B, C, z);
  }
  return (1 - b) * Math.log1p(-z) + Math.log(g);
}

/**
 * log ₂F₁(a, b; a + 1; z) as {@link log2F1PlusOne}, and its partial derivatives written into `grad`:
 * [∂/∂a, ∂/∂b, ∂/∂z]. The series and the continued fraction are differentiated term by term (forward mode),
 * so the derivatives are those of the value returned, to about the same relative precision.
 * @example const g = new Float64Array(3); log2F1PlusOneGrad(1, 1, 0.5, g) // g[2] = d/dz log(−ln(1−z)/z) at 0.5
 */
export function log2F1PlusOneGrad(a: number, b: number, z: number, grad: Float64Array): number {
  const L1 = Math.log1p(-z);
  if (z === 0) {
    grad[0] = 0;
    grad[1] = 0;
    grad[2] = b - 1 + (a + 1 - b) / (a + 1); // (1 − b)·(−1) + ₂F₁'(0) with ₂F₁'(0) = B/C
    return 0;
  }
  const B = a + 1 - b;
  const C = a + 1;
  // g = ₂F₁(1, B; C; z) and its derivatives along B, C, z
  let g: number;
  let gB: number;
  let gC: number;
  let gz: number;
  if (z <= 0.9) {
    // u_n = Π_{k<n} (B+k)/(C+k)·z: ∂log u_n/∂B = Σ_{k<n} 1/(B+k), ∂/∂C = −Σ 1/(C+k), ∂/∂z = n/z
    g = 1;
    gB = 0;
    gC = 0;
    gz = 0;
    let u = 1;
    let sB = 0;
    let sC = 0;
    for (let n = 0; n < 100000; n++) {
      u *= ((B + n) / (C + n)) * z;
      sB += 1 / (B + n);
      sC -= 1 / (C + n);
      const dz = (n + 1) / z;
      g += u;
      gB += u * sB;
      gC += u * sC;
      gz += u * dz;
      if (Math.abs(u) * (1 + Math.abs(sB) + Math.abs(sC) + dz) <= EPS * Math.abs(g) * (1 - z)) break;
    }
  } else {
    const out = cfScratch;
    g = gaussCfOneGrad(B, C, z, out);
    gB = out[0] as number;
    gC = out[1] as number;
    gz = out[2] as number;
  }
  grad[0] = (gB + gC) / g;
  grad[1] = -L1 - gB / g;
  grad[2] = -(1 - b) / (1 - z) + gz / g;
  return (1 - b) * L1 + Math.log(g);
}
const cfScratch = new Float64Array(3);

/**
 * {@link gaussCfOne} with its derivatives along B, C and z (into `d`): the modified Lentz iteration carried
 * in forward mode, each quantity with its three partial derivatives.
 */
function gaussCfOneGrad(B: number, C: number, z: number, d3: Float64Array): number {
  const p = C - 1;
  const q = B - C + 1;
  // derivatives of p, q, z along (B, C, z)
  const pB = 0;
  const pC = 1;
  const qB = 1;
  const qC = -1;
  const tiny = 1e-300;
  const qab = p + q;
  const qap = p + 1;
  // d0 = 1 − qab·z/qap
  let d = 1 - (qab * z) / qap;
  let dB = -((pB + qB) * z) / qap + (qab * z * pB) / (qap * qap);
  let dC = -((pC + qC) * z) / qap + (qab * z * pC) / (qap * qap);
  let dz = -qab / qap;
  if (Math.abs(d) < tiny) d = tiny;
  // d = 1/d
  d = 1 / d;
  dB = -dB * d * d;
  dC = -dC * d * d;
  dz = -dz * d * d;
  let c = 1;
  let cB = 0;
  let cC = 0;
  let cz = 0;
  let h = d;
  let hB = dB;
  let hC = dC;
  let hz = dz;
  /** One Lentz step with coefficient aa (and its derivatives): updates d, c, h; returns del − 1. */
  const step = (aa: number, aB: number, aC: number, az: number): number => {
    // d ← 1 / (1 + aa·d)
    let nd = 1 + aa * d;
    let ndB = aB * d + aa * dB;
    let ndC = aC * d + aa * dC;
    let ndz = az * d + aa * dz;
    if (Math.abs(nd) < tiny) {
      nd = tiny;
      ndB = ndC = ndz = 0;
    }
    d = 1 / nd;
    dB = -ndB * d * d;
    dC = -ndC * d * d;
    dz = -ndz * d * d;
    // c ← 1 + aa/c
    let nc = 1 + aa / c;
    let ncB = aB / c - (aa * cB) / (c * c);
    let ncC = aC / c - (aa * cC) / (c * c);
    let ncz = az / c - (aa * cz) / (c * c);
    if (Math.abs(nc) < tiny) {
      nc = tiny;
      ncB = ncC = ncz = 0;
    }
    c = nc;
    cB = ncB;
    cC = ncC;
    cz = ncz;
    // h ← h·del, del = d·c
    const del = d * c;
    const delB = dB * c + d * cB;
    const delC = dC * c + d * cC;
    const delz = dz * c + d * cz;
    hB = hB * del + h * delB;
    hC = hC * del + h * delC;
    hz = hz * del + h * delz;
    h *= del;
    // the derivatives have settled when this step moves none of them by more than rounding
    const ah = Math.abs(h);
    settled =
      Math.abs(h * delB) <= 1e-12 * (Math.abs(hB) + ah) &&
      Math.abs(h * delC) <= 1e-12 * (Math.abs(hC) + ah) &&
      Math.abs(h * delz) <= 1e-12 * (Math.abs(hz) + ah);
    return del - 1;
  };
  let settled = false;
  for (let m = 1; m < 200000; m++) {
    const m2 = 2 * m;
    // aa = m(q − m)z / ((p − 1 + 2m)(p + 2m)); ∂den/∂p = 2p − 1 + 4m
    let den = (p - 1 + m2) * (p + m2);
    let aa = (m * (q - m) * z) / den;
    let dp = 2 * p - 1 + 2 * m2;
    step(aa, (m * qB * z - aa * dp * pB) / den, (m * qC * z - aa * dp * pC) / den, (m * (q - m)) / den);
    // aa = −(p + m)(p + q + m)z / ((p + 2m)(p + 1 + 2m)); ∂den/∂p = 2p + 1 + 4m
    den = (p + m2) * (qap + m2);
    aa = (-(p + m) * (qab + m) * z) / den;
    dp = 2 * p + 1 + 2 * m2;
    const r = step(
      aa,
      (-(pB * (qab + m) + (p + m) * (pB + qB)) * z - aa * dp * pB) / den,
      (-(pC * (qab + m) + (p + m) * (pC + qC)) * z - aa * dp * pC) / den,
      (-(p + m) * (qab + m)) / den,
    );
    if (Math.abs(r) < 1e-16 && settled) break;
  }
  d3[0] = hB;
  d3[1] = hC;
  d3[2] = hz;
  return h;
}

/**
 * ₂F₁(1, B; C; z) by the continued fraction of the incomplete beta function
 * (modified Lentz): with p = C − 1, q = B − C + 1, ₂F₁(1, B; C; z) = ₂F₁(p+q, 1; p+1; z).
 */
function gaussCfOne(B: number, C: number, z: number): number {
  const p = C - 1;
  const q = B - C + 1;
  const tiny = 1e-300;
  const qab = p + q;
  const qap = p + 1;
  const qam = p - 1;
  let c = 1;
  let d = 1 - (qab * z) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 200000; m++) {
    const m2 = 2 * m;
    let aa = (m * (q - m) * z) / ((qam + m2) * (p + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(p + m) * (qab + m) * z) / ((p + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/**
 * The BG/NBD bracket divided by its pole, stable for every a > 0 (including a = 1):
 *   Φ = [1 − (1−z)^{a−1} ₂F₁(A, a−1; C; z)] / (a − 1)
 *     = −expm1((a−1)·log(1−z))/(a−1) − (1−z)^{a−1} F̃(A, a−1; C; z),
 * where ₂F₁(A, a−1; C; z) is the Euler transform of (1−z)^{r+x}₂F₁(r+x, b+x; a+b+x−1; z)
 * with A = a+b−1−r, C = a+b+x−1.
 * @internal used by bgnbd.ts
 */
export function bgnbdBracket(A: number, a: number, C: number, z: number): number {
  if (z <= 0) return 0;
  const L = Math.log1p(-z);
  const eps = a - 1;
  return -expm1Over(eps, L) - Math.exp(eps * L) * hyp2f1Tilde(A, eps, C, z);
}
