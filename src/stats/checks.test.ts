/** The checks the in-app refit and `rapport analytics fit` share, on degenerate data and on CDNOW. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compressRfm,
  dataShortfall,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  isIdentified,
  purchaseFitProblem,
  spendFitProblem,
  spendScale,
} from './index.ts';

const cdnow = readFileSync(
  path.resolve(import.meta.dirname, '../../test/fixtures/cdnow/cdnowElog.csv'),
  'utf8',
);

describe('data minimums', () => {
  it('asks for 20 customers and 2 repeat buyers', () => {
    expect(dataShortfall(1, 1, 'the file')).toBe(
      'Forecasts need at least 20 customers with orders and 2 who came back; the file has 1 and 1',
    );
    expect(dataShortfall(0, 0, 'the file')).toMatch(/has 0 and 0/);
    expect(dataShortfall(200, 0, 'the file')).toMatch(/has 200 and 0/);
    expect(dataShortfall(20, 2, 'the file')).toBeUndefined();
  });
});

describe('identifiability and convergence', () => {
  it('a fit on identical customers runs to the edge and is refused', () => {
    const n = 200;
    const same = compressRfm(new Array(n).fill(3), new Array(n).fill(20), new Array(n).fill(40));
    const bg = fitBgNbd(same);
    expect(isIdentified(bg.params)).toBe(false);
    expect(purchaseFitProblem('BG/NBD', bg)).toMatch(
      /^The BG\/NBD fit ran to the edge of its parameters \(r /,
    );
    expect(purchaseFitProblem('Pareto/NBD', fitParetoNbd(same))).toMatch(/ran to the edge/);
  });

  it('a fit on one customer is refused', () => {
    const bg = fitBgNbd({ x: [2], tx: [10], T: [30] });
    expect(purchaseFitProblem('BG/NBD', bg)).toMatch(/edge|did not converge/);
  });

  it('a fit that did not converge is refused even inside the box', () => {
    const fit = { params: { r: 0.2, alpha: 4 }, logLikelihood: -10, converged: false };
    expect(purchaseFitProblem('BG/NBD', fit)).toMatch(/did not converge/);
    expect(purchaseFitProblem('BG/NBD', { ...fit, logLikelihood: NaN, converged: true })).toMatch(/edge/);
  });

  it('CDNOW passes every check', () => {
    const rows = cdnow.trim().split('\n').slice(1);
    const byId = new Map<string, { days: Set<number>; amount: Map<number, number> }>();
    for (const l of rows) {
      const [id, , d, , sales] = l.split(',') as [string, string, string, string, string];
      const day = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) / 86_400_000;
      const c = byId.get(id) ?? { days: new Set(), amount: new Map() };
      c.days.add(day);
      c.amount.set(day, (c.amount.get(day) ?? 0) + Number(sales));
      byId.set(id, c);
    }
    const end = Date.UTC(1997, 8, 30) / 86_400_000;
    const x: number[] = [];
    const tx: number[] = [];
    const T: number[] = [];
    const m: number[] = [];
    for (const c of byId.values()) {
      const days = [...c.days].filter((d) => d <= end).sort((a, b) => a - b);
      const first = days[0]!;
      x.push(days.length - 1);
      tx.push((days.at(-1)! - first) / 7);
      T.push((end - first) / 7);
      const rep = days.slice(1);
      m.push(rep.length ? rep.reduce((s, d) => s + c.amount.get(d)!, 0) / rep.length : 0);
    }
    const data = compressRfm(x, tx, T);
    expect(dataShortfall(x.length, x.filter((v) => v > 0).length, 'CDNOW')).toBeUndefined();
    expect(purchaseFitProblem('BG/NBD', fitBgNbd(data))).toBeUndefined();
    expect(purchaseFitProblem('Pareto/NBD', fitParetoNbd(data))).toBeUndefined();
    const { spenders, unit } = spendScale(x, m);
    expect(spenders).toBe(946);
    const gg = fitGammaGamma(
      x,
      m.map((v) => v / unit),
    );
    expect(spendFitProblem(spenders, gg)).toBeUndefined();
    expect(gg.params.gamma * unit).toBeCloseTo(15.44, 1);
  });
});

describe('Gamma-Gamma checks', () => {
  it('needs 10 spenders, a box, q > 1', () => {
    expect(spendFitProblem(9)).toMatch(/at least 10 repeat buyers/);
    expect(spendFitProblem(10)).toBeUndefined();
    const ok = { params: { p: 6, q: 3.7, gamma: 0.4 }, logLikelihood: -5, converged: true };
    expect(spendFitProblem(10, ok)).toBeUndefined();
    const q09 = { ...ok.params, q: 0.9 };
    const p300 = { ...ok.params, p: 1e300 };
    expect(spendFitProblem(10, { ...ok, params: q09 })).toMatch(/q 0.900 ≤ 1/);
    expect(spendFitProblem(10, { ...ok, params: p300 })).toMatch(/edge/);
  });

  it('identical repeat spend runs to the edge', () => {
    const x = Array.from({ length: 50 }, (_, i) => 1 + (i % 4));
    const gg = fitGammaGamma(x, new Array(50).fill(1));
    expect(spendFitProblem(50, gg)).toMatch(/ran to the edge/);
  });
});
