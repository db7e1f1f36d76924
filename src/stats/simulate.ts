/**
 * Synthetic customers drawn from the BG/NBD, Pareto/NBD and Gamma-Gamma models with a seeded
 * PRNG (xoshiro128**), for parameter-recovery tests and benchmarks. Same seed → same data.
 */
import type { BgNbdParams } from './bgnbd.ts';
import type { ParetoNbdParams } from './paretonbd.ts';
import type { GammaGammaParams } from './gammagamma.ts';

/** Seeded random source. */
export interface Rng {
  /** Uniform on (0, 1). */
  uniform(): number;
  normal(): number;
  exponential(rate: number): number;
  /** Gamma with shape k and rate θ (mean k/θ). */
  gamma(shape: number, rate: number): number;
  beta(a: number, b: number): number;
}

/**
 * xoshiro128** seeded through splitmix32; doubles with 53 random bits.
 * @example const rng = createRng(42); rng.uniform()
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  if ((a | b | c | d) === 0) a = 1;
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  const uniform = (): number => {
    for (;;) {
      const v = ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
      if (v > 0) return v;
    }
  };
  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * Math.log(q)) / q);
        spare = v * f;
        return u * f;
      }
    }
  };
  const gammaUnit = (k: number): number => {
    if (k < 1) return gammaUnit(k + 1) * Math.pow(uniform(), 1 / k);
    const dd = k - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return dd * v;
      if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v;
    }
  };
  return {
    uniform,
    normal,
    exponential: (rate) => -Math.log(uniform()) / rate,
    gamma: (shape, rate) => gammaUnit(shape) / rate,
    beta: (p, q) => {
      const x = gammaUnit(p);
      return x / (x + gammaUnit(q));
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Simulated customers: calibration summary plus holdout counts and the latent truth. */
export interface SimulatedCustomers {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Purchases in (T, T + holdout]. */
  readonly xHoldout: Float64Array;
  /** Whether the customer was still alive at T. */
  readonly aliveAtT: Uint8Array;
}

/**
 * Draw customers from the BG/NBD model; customer i is observed for `ages[i]` units after
 * the first purchase, and `holdout` units more for xHoldout.
 * @example simulateBgNbd({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, new Float64Array(1000).fill(39), 1)
 */
export function simulateBgNbd(
  params: BgNbdParams,
  ages: ArrayLike<number>,
  seed: number,
  holdout = 0,
): SimulatedCustomers {
  const rng = createRng(seed);
  const n = ages.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) {
    const T = ages[i] as number;
    const lam = rng.gamma(params.r, params.alpha);
    const p = rng.beta(params.a, params.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    let hold = 0;
    let alive = 1;
    for (;;) {
      t += rng.exponential(lam);
      if (t > T + holdout) break;
      if (t <= T) {
        x++;
        tx = t;
      } else hold++;
      if (rng.uniform() < p) {
        if (t <= T) alive = 0;
        break;
      }
    }
    out.x[i] = x;
    out.tx[i] = tx;
    out.T[i] = T;
    out.xHoldout[i] = hold;
    out.aliveAtT[i] = alive;
  }
  return out;
}

/**
 * Draw customers from the Pareto/NBD model (Poisson purchases at rate λ until an exponential
 * lifetime with rate μ ends).
 * @example simulateParetoNbd({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, new Float64Array(1000).fill(39), 1)
 */
export function simulateParetoNbd(
  params: ParetoNbdParams,
  ages: ArrayLike<number>,
  seed: number,
  holdout = 0,
): SimulatedCustomers {
  const rng = createRng(seed);
  const n = ages.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) {
    const T = ages[i] as number;
    const lam = rng.gamma(params.r, params.alpha);
    const mu = rng.gamma(params.s, params.beta);
    const life = rng.exponential(mu);
    const end = Math.min(life, T + holdout);
    let t = 0;
    let x = 0;
    let tx = 0;
    let hold = 0;
    for (;;) {
      t += rng.exponential(lam);
      if (t > end) break;
      if (t <= T) {
        x++;
        tx = t;
      } else hold++;
    }
    out.x[i] = x;
    out.tx[i] = tx;
    out.T[i] = T;
    out.xHoldout[i] = hold;
    out.aliveAtT[i] = life > T ? 1 : 0;
  }
  return out;
}

function alloc(n: number): SimulatedCustomers {
  return {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    xHoldout: new Float64Array(n),
    aliveAtT: new Uint8Array(n),
  };
}

/**
 * Mean transaction value of x transactions per customer under Gamma-Gamma (0 when x = 0).
 * @example simulateGammaGamma({ p: 6.25, q: 3.74, gamma: 15.44 }, [1, 3, 0], 7)
 */
export function simulateGammaGamma(
  params: GammaGammaParams,
  x: ArrayLike<number>,
  seed: number,
): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const nu = rng.gamma(params.q, params.gamma);
    const k = x[i] as number;
    let s = 0;
    for (let j = 0; j < k; j++) s += rng.gamma(params.p, nu);
    out[i] = k > 0 ? s / k : 0;
  }
  return out;
}

export interface SimulatedLogOptions {
  readonly customers: number;
  /** Epoch day on which the first cohort starts. */
  readonly startDay: number;
  /** First purchases are spread uniformly over this many days. */
  readonly cohortDays: number;
  /** Simulate purchases up to startDay + horizonDays. */
  readonly horizonDays: number;
  /** Days per model time unit (7 when the parameters are per week). */
  readonly unitDays: number;
  readonly spend: GammaGammaParams;
  readonly seed: number;
}

/**
 * A purchase log (columns, integer epoch days) from BG/NBD purchase timing and Gamma-Gamma
 * amounts: what a shop's order table looks like, for benchmarks of the whole pipeline.
 * @example simulateBgNbdLog(params, { customers: 10, startDay: 9862, cohortDays: 84, horizonDays: 273, unitDays: 7, spend, seed: 1 })
 */
export function simulateBgNbdLog(
  params: BgNbdParams,
  o: SimulatedLogOptions,
): { readonly customerId: Int32Array; readonly day: Float64Array; readonly amount: Float64Array } {
  const rng = createRng(o.seed);
  let cap = o.customers * 4 + 16;
  let id = new Int32Array(cap);
  let day = new Float64Array(cap);
  let amount = new Float64Array(cap);
  let n = 0;
  const push = (c: number, d: number, a: number): void => {
    if (n === cap) {
      cap *= 2;
      const i2 = new Int32Array(cap);
      i2.set(id);
      id = i2;
      const d2 = new Float64Array(cap);
      d2.set(day);
      day = d2;
      const a2 = new Float64Array(cap);
      a2.set(amount);
      amount = a2;
    }
    id[n] = c;
    day[n] = d;
    amount[n] = a;
    n++;
  };
  for (let c = 0; c < o.customers; c++) {
    const birth = o.startDay + Math.floor(rng.uniform() * o.cohortDays);
    const lam = rng.gamma(params.r, params.alpha);
    const p = rng.beta(params.a, params.b);
    const nu = rng.gamma(o.spend.q, o.spend.gamma);
    const horizon = (o.startDay + o.horizonDays - birth) / o.unitDays;
    push(c, birth, Math.round(rng.gamma(o.spend.p, nu) * 100) / 100);
    let t = 0;
    for (;;) {
      t += rng.exponential(lam);
      if (t > horizon) break;
      push(c, birth + Math.floor(t * o.unitDays), Math.round(rng.gamma(o.spend.p, nu) * 100) / 100);
      if (rng.uniform() < p) break;
    }
  }
  return { customerId: id.subarray(0, n), day: day.subarray(0, n), amount: amount.subarray(0, n) };
}
