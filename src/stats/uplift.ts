/**
 * Comparing a treated group with a randomised holdout: the difference of two proportions with Newcombe's hybrid
 * score interval (Newcombe 1998, "Interval estimation for the difference between independent proportions",
 * method 10: Wilson score intervals for each proportion, combined), and the difference of two means with
 * Welch's standard error. Pure: numbers in, numbers out.
 */

const Z95 = 1.959963984540054;

/** Wilson score interval for x successes out of n. */
export function wilson(x: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const d = 1 + z2 / n;
  return [Math.max(0, (centre - half) / d), Math.min(1, (centre + half) / d)];
}

export type ProportionDifference = {
  p1: number;
  p2: number;
  difference: number;
  ci95: [number, number] | null;
};

/** p1 − p2 with Newcombe's 95 % interval; no interval when either group is empty. */
export function proportionDifference(x1: number, n1: number, x2: number, n2: number): ProportionDifference {
  const p1 = n1 ? x1 / n1 : 0;
  const p2 = n2 ? x2 / n2 : 0;
  const difference = p1 - p2;
  if (!n1 || !n2) return { p1, p2, difference, ci95: null };
  const [l1, u1] = wilson(x1, n1);
  const [l2, u2] = wilson(x2, n2);
  const lower = difference - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const upper = difference + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return { p1, p2, difference, ci95: [lower, upper] };
}

export type MeanDifference = {
  mean1: number;
  mean2: number;
  difference: number;
  ci95: [number, number] | null;
};

/** mean(a) − mean(b) with a normal 95 % interval on Welch's standard error (needs 2+ values per group). */
export function meanDifference(a: ArrayLike<number>, b: ArrayLike<number>): MeanDifference {
  const stats = (xs: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[i] as number;
    const mean = xs.length ? s / xs.length : 0;
    let v = 0;
    for (let i = 0; i < xs.length; i++) v += ((xs[i] as number) - mean) ** 2;
    return { n: xs.length, mean, variance: xs.length > 1 ? v / (xs.length - 1) : NaN };
  };
  const x = stats(a);
  const y = stats(b);
  const difference = x.mean - y.mean;
  if (x.n < 2 || y.n < 2) return { mean1: x.mean, mean2: y.mean, difference, ci95: null };
  const se = Math.sqrt(x.variance / x.n + y.variance / y.n);
  return { mean1: x.mean, mean2: y.mean, difference, ci95: [difference - Z95 * se, difference + Z95 * se] };
}
