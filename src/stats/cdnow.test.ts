/**
 * Reproduces the published CDNOW results (Fader, Hardie & Lee 2005; Fader & Hardie's notes):
 * BG/NBD, Pareto/NBD and Gamma-Gamma parameters and log-likelihoods, and the holdout check.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpected,
  bgnbdExpected,
  bgnbdLogLikelihood,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalExpectedSpendMany,
  paretoNbdConditionalExpected,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  summarizeColumns,
  WEEKS_PER_MONTH,
  type CustomerSummary,
} from './index.ts';

// Vendored with the repository (test/fixtures/cdnow/README.md): a missing file fails this suite, it never skips.
const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/cdnow');
const file = path.join(FIXTURES, 'CDNOW_sample.txt');
const csv = path.join(FIXTURES, 'cdnowElog.csv');
for (const f of [file, csv])
  if (!existsSync(f)) throw new Error(`CDNOW fixture missing: ${f} (it is part of the repository)`);

function load(): CustomerSummary {
  const customerId: number[] = [];
  const day: number[] = [];
  const amount: number[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const d = f[2] as string;
    customerId.push(Number(f[1]));
    day.push(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) / 86400000);
    amount.push(Number(f[4]));
  }
  return summarizeColumns(
    { customerId, day, amount },
    { calibrationEnd: '1997-09-30', observationEnd: '1998-06-30', unitDays: 7 },
  );
}

describe('CDNOW (published results)', () => {
  const s = load();

  it('summarises like the papers: 2,357 customers, 946 repeaters, Σx = 2,457, 1,882 holdout purchases', () => {
    expect(s.x.length).toBe(2357);
    let repeaters = 0;
    let sumX = 0;
    let holdout = 0;
    for (let i = 0; i < s.x.length; i++) {
      if ((s.x[i] as number) > 0) repeaters++;
      sumX += s.x[i] as number;
      holdout += s.xHoldout[i] as number;
    }
    expect(repeaters).toBe(946);
    expect(sumX).toBe(2457);
    expect(holdout).toBe(1882);
    expect(s.holdoutLength).toBe(39);
    // customer 1: purchases 1997-01-01, 01-18, 08-02 → x = 2, t_x = 213/7, T = 272/7
    expect(s.x[0]).toBe(2);
    expect(s.tx[0]).toBeCloseTo(213 / 7, 12);
    expect(s.T[0]).toBeCloseTo(272 / 7, 12);
  });

  it('the CSV copy gives the same summary', () => {
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
    const c = summarizeColumns(
      {
        customerId: rows.map((r) => r.split(',')[1] as string),
        day: rows.map((r) => {
          const d = r.split(',')[2] as string;
          return Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) / 86400000;
        }),
        amount: rows.map((r) => Number(r.split(',')[4])),
      },
      { calibrationEnd: '1997-09-30', observationEnd: '1998-06-30', unitDays: 7 },
    );
    expect(Array.from(c.x)).toEqual(Array.from(s.x));
    expect(Array.from(c.T)).toEqual(Array.from(s.T));
    expect(Array.from(c.monetary)).toEqual(Array.from(s.monetary));
  });

  it('BG/NBD: r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4', () => {
    const fit = fitBgNbd(s);
    const { r, alpha, a, b } = fit.params;
    expect(r).toBeCloseTo(0.243, 3);
    expect(alpha).toBeCloseTo(4.414, 2);
    expect(a).toBeCloseTo(0.793, 3);
    expect(b).toBeCloseTo(2.426, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 2);
    expect(fit.converged).toBe(true);
    expect(bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, s)).toBeCloseTo(-9582.43, 1);
  });

  it('Pareto/NBD: r 0.553, α 10.578, s 0.606, β 11.669, LL −9595.0', () => {
    const fit = fitParetoNbd(s);
    const p = fit.params;
    expect(p.r).toBeCloseTo(0.553, 3);
    expect(p.alpha).toBeCloseTo(10.578, 2);
    expect(p.s).toBeCloseTo(0.606, 3);
    expect(p.beta).toBeCloseTo(11.669, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9594.98, 2);
    expect(paretoNbdLogLikelihood({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, s)).toBeCloseTo(
      -9594.98,
      1,
    );
  });

  it('Gamma-Gamma on the 946 repeat buyers: p 6.25, q 3.74, γ 15.44', () => {
    const fit = fitGammaGamma(s.x, s.monetary);
    expect(fit.customers).toBe(946);
    expect(fit.excluded).toBe(2357 - 946);
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(fit.params.q).toBeCloseTo(3.74, 2);
    expect(fit.params.gamma).toBeCloseTo(15.44, 1);
  });

  it('holdout: 39-week forecasts by number of calibration purchases vs the actual 1,882', () => {
    const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const pn = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const actual = new Float64Array(8);
    const predBg = new Float64Array(8);
    const predPn = new Float64Array(8);
    const count = new Float64Array(8);
    let uncond = 0;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i] as number;
      const k = Math.min(7, x);
      count[k] = (count[k] as number) + 1;
      actual[k] = (actual[k] as number) + (s.xHoldout[i] as number);
      predBg[k] =
        (predBg[k] as number) + bgnbdConditionalExpected(bg, 39, x, s.tx[i] as number, s.T[i] as number);
      predPn[k] =
        (predPn[k] as number) + paretoNbdConditionalExpected(pn, 39, x, s.tx[i] as number, s.T[i] as number);
      uncond += bgnbdExpected(bg, (s.T[i] as number) + 39) - bgnbdExpected(bg, s.T[i] as number);
    }
    const sum = (a: Float64Array): number => a.reduce((p, v) => p + v, 0);
    const rows = Array.from(count, (n, k) => ({
      x: k === 7 ? '7+' : String(k),
      customers: n,
      actual: +((actual[k] as number) / n).toFixed(3),
      bgnbd: +((predBg[k] as number) / n).toFixed(3),
      paretonbd: +((predPn[k] as number) / n).toFixed(3),
    }));
    console.table(rows);
    console.log(
      `holdout total: actual ${sum(actual)}, BG/NBD ${sum(predBg).toFixed(1)}, Pareto/NBD ${sum(predPn).toFixed(1)}, BG/NBD unconditional ${uncond.toFixed(1)}`,
    );
    expect(Array.from(count)).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
    expect(sum(actual)).toBe(1882);
    // Both models forecast ≈1,660 holdout purchases for these 2,357 people: 12 % under the
    // actual 1,882 (the 1997 holiday season is not in the calibration period).
    expect(sum(predBg)).toBeCloseTo(1653.9, 0);
    expect(sum(predPn)).toBeCloseTo(1665.7, 0);
    expect(uncond).toBeCloseTo(1668.8, 0);
    // Pareto/NBD conditional expectations by x as in the BTYD package's CDNOW walk-through
    const pnMeans = rows.map((r) => r.paretonbd);
    expect(pnMeans.slice(0, 4)).toEqual([0.138, 0.6, 1.196, 1.714]);
    // per-bucket means of repeaters follow the actual ones (monotone in x, within 30 %)
    for (let k = 1; k < 8; k++) {
      const a = (actual[k] as number) / (count[k] as number);
      expect(Math.abs((predBg[k] as number) / (count[k] as number) - a) / a).toBeLessThan(0.3);
      expect(Math.abs((predPn[k] as number) / (count[k] as number) - a) / a).toBeLessThan(0.3);
      if (k > 0) expect(predBg[k]! / count[k]!).toBeGreaterThan(predBg[k - 1]! / count[k - 1]!);
    }
  });

  it('P(alive): one-time buyers are not "100 % alive" under Pareto/NBD', () => {
    const pn = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    expect(paretoNbdProbabilityAlive(pn, 0, 0, 38.86)).toBeCloseTo(0.29529, 4);
    expect(paretoNbdProbabilityAlive(pn, 2, 30.43, 38.86)).toBeCloseTo(0.86917, 4);
  });

  it('12-month CLV with weekly units (4.345 weeks per month) is positive and ordered by value', () => {
    const gg = fitGammaGamma(s.x, s.monetary);
    const spend = gammaGammaConditionalExpectedSpendMany(gg.params, s.x, s.monetary);
    const model = { kind: 'bgnbd' as const, params: fitBgNbd(s).params };
    const clv = customerLifetimeValue(model, s, spend, {
      unitsPerMonth: WEEKS_PER_MONTH,
      discountRate: 0.01,
    });
    let total = 0;
    for (let i = 0; i < clv.length; i++) {
      expect(clv[i]).toBeGreaterThanOrEqual(0);
      total += clv[i] as number;
    }
    // customer 1 by hand: Σ spend·ΔE/(1.01)^i
    let manual = 0;
    let prev = 0;
    for (let i = 1; i <= 12; i++) {
      const cur = bgnbdConditionalExpected(
        model.params,
        i * WEEKS_PER_MONTH,
        2,
        s.tx[0] as number,
        s.T[0] as number,
      );
      manual += ((spend[0] as number) * (cur - prev)) / 1.01 ** i;
      prev = cur;
    }
    expect(clv[0]).toBeCloseTo(manual, 10);
    expect(total).toBeGreaterThan(50000);
    expect(total).toBeLessThan(80000);
  });
});
