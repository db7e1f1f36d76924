import { describe, expect, it } from 'vitest';
import { meanDifference, proportionDifference, wilson } from './uplift.ts';

describe('uplift statistics', () => {
  it("reproduces Newcombe's (1998) published intervals (method 10, Table II)", () => {
    // 56/70 − 48/80: difference 0.2000, 95 % CI 0.0524 to 0.3339
    const a = proportionDifference(56, 70, 48, 80);
    expect(a.difference).toBeCloseTo(0.2, 10);
    expect(a.ci95![0]).toBeCloseTo(0.0524, 4);
    expect(a.ci95![1]).toBeCloseTo(0.3339, 4);
    // 9/10 − 3/10: 0.1705 to 0.8090
    const b = proportionDifference(9, 10, 3, 10);
    expect(b.ci95![0]).toBeCloseTo(0.1705, 4);
    expect(b.ci95![1]).toBeCloseTo(0.809, 4);
  });

  it("reproduces Wilson's interval (Newcombe 1998, single proportion: 81/263 → 0.2553 to 0.3662)", () => {
    const [l, u] = wilson(81, 263);
    expect(l).toBeCloseTo(0.2553, 4);
    expect(u).toBeCloseTo(0.3662, 4);
  });

  it('covers the true uplift about 95 % of the time on simulated campaigns (its own generative process)', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const trueT = 0.3;
    const trueH = 0.22;
    let covered = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      let x1 = 0;
      let x2 = 0;
      for (let i = 0; i < 180; i++) if (rand() < trueT) x1++;
      for (let i = 0; i < 20; i++) if (rand() < trueH) x2++;
      const { ci95 } = proportionDifference(x1, 180, x2, 20);
      if (ci95![0] <= trueT - trueH && trueT - trueH <= ci95![1]) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.985);
  });

  it('gives no interval for an empty group, and Welch for means', () => {
    expect(proportionDifference(3, 10, 0, 0).ci95).toBeNull();
    const m = meanDifference([10, 12, 14], [8, 9]);
    expect(m.difference).toBeCloseTo(3.5, 10);
    // Welch SE = sqrt(4/3 + 0.5/2)
    expect(m.ci95![1] - m.difference).toBeCloseTo(1.959963984540054 * Math.sqrt(4 / 3 + 0.25), 10);
    expect(meanDifference([1], [2]).ci95).toBeNull();
  });
});
