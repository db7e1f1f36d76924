/**
 * The Gamma-Gamma conditional expectation E[M | p, q, γ, m̄_x, x] = p(γ + x·m̄_x)/(p·x + q − 1)
 * (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis"; Fader & Hardie,
 * "The Gamma-Gamma Model of Monetary Value"), with the published CDNOW parameters p 6.25, q 3.74, γ 15.44.
 */
import { describe, expect, it } from 'vitest';
import { gammaGammaConditionalExpectedSpend, gammaGammaConditionalExpectedSpendMany } from './index.ts';

const CDNOW = { p: 6.25, q: 3.74, gamma: 15.44 };

/**
 * The posterior mean of a transaction's value, E[p/ν | x, m̄_x], by numerical integration over ν: the
 * likelihood of x transactions averaging m̄_x is ∝ ν^{px} e^{−ν·x·m̄_x}, the prior ν ~ Gamma(q, γ) — the model
 * itself, not the closed form. Trapezoids on a log grid of ν.
 */
function posteriorMean(params: typeof CDNOW, x: number, m: number): number {
  const { p, q, gamma } = params;
  const shape = p * x + q;
  const rate = gamma + x * m;
  let num = 0;
  let den = 0;
  const mode = Math.log(shape / rate);
  const logDensity = (lv: number) => shape * lv - rate * Math.exp(lv); // log(ν^{shape−1} e^{−rate·ν}) + log ν (dν = ν d log ν)
  const peak = logDensity(mode);
  const h = 1e-3;
  for (let lv = mode - 30; lv <= mode + 30; lv += h) {
    const w = Math.exp(logDensity(lv) - peak);
    den += w;
    num += w * (p / Math.exp(lv));
  }
  return num / den;
}

describe('Gamma-Gamma conditional expected spend (CDNOW parameters)', () => {
  it('is the closed form of the paper, and the model’s posterior mean', () => {
    for (const [x, m] of [
      [1, 35.5],
      [2, 35.5],
      [7, 12.1],
      [3, 100],
    ] as const) {
      const e = gammaGammaConditionalExpectedSpend(CDNOW, x, m);
      expect(e).toBeCloseTo((6.25 * (15.44 + x * m)) / (6.25 * x + 3.74 - 1), 12);
      expect(e).toBeCloseTo(posteriorMean(CDNOW, x, m), 6);
    }
    // the population mean pγ/(q − 1) for someone without a repeat purchase: 35.22
    expect(gammaGammaConditionalExpectedSpend(CDNOW, 0, 0)).toBeCloseTo(35.219, 4);
    expect(gammaGammaConditionalExpectedSpend(CDNOW, 0, 99)).toBeCloseTo(35.219, 4); // m̄ of x = 0 is ignored
  });

  it('a repeat buyer whose repeat spend was 0 is pulled towards 0, not given the population mean', () => {
    // x = 3, m̄ = 0: pγ/(3p + q − 1) = 96.5 / 21.49
    const e = gammaGammaConditionalExpectedSpend(CDNOW, 3, 0);
    expect(e).toBeCloseTo(96.5 / 21.49, 12);
    expect(e).toBeCloseTo(4.4905, 4);
    expect(e).toBeCloseTo(posteriorMean(CDNOW, 3, 0), 6);
    // the more zero-spend repeat purchases, the lower
    const one = gammaGammaConditionalExpectedSpend(CDNOW, 1, 0);
    expect(one).toBeCloseTo(96.5 / (6.25 + 2.74), 12);
    expect(one).toBeGreaterThan(e);
    expect(one).toBeLessThan(35.219);
  });

  it('refuses what the model cannot value: a negative or non-finite repeat spend gives NaN', () => {
    expect(gammaGammaConditionalExpectedSpend(CDNOW, 2, -1)).toBeNaN();
    expect(gammaGammaConditionalExpectedSpend(CDNOW, 2, Infinity)).toBeNaN();
    const many = gammaGammaConditionalExpectedSpendMany(CDNOW, [0, 2], [0, 0]);
    expect(many[0]).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
    expect(many[1]).toBeCloseTo((6.25 * 15.44) / (12.5 + 2.74), 12);
  });
});
