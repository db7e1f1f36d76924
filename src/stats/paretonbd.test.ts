/** Pareto/NBD: its analytic gradient against central differences of its likelihood, on CDNOW (weeks); a fit at the edge. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compressRfm,
  fitParetoNbd,
  paretoNbdLogLikelihood,
  purchaseFitProblem,
  summarizeColumns,
} from './index.ts';
import { paretoNbdLogLikelihoodGradient } from './paretonbd.ts';
import { createRng } from './simulate.ts';

const elog = path.resolve(import.meta.dirname, '../../test/fixtures/cdnow/cdnowElog.csv');
const lines = readFileSync(elog, 'utf8').trim().split('\n').slice(1);
const s = summarizeColumns(
  {
    customerId: lines.map((l) => l.split(',')[0] as string),
    day: lines.map((l) => {
      const d = l.split(',')[2] as string;
      return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) / 86_400_000;
    }),
  },
  { calibrationEnd: '1997-09-30', unitDays: 7 },
);

describe('Pareto/NBD likelihood gradient', () => {
  it.each([
    ['the optimum', { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }],
    ['the optimiser’s start', { r: 1, alpha: 1, s: 1, beta: 1 }],
    ['α far above β (z near 1: continued fraction)', { r: 0.3, alpha: 40, s: 2, beta: 0.5 }],
    ['β far above α', { r: 2, alpha: 0.3, s: 0.1, beta: 50 }],
    ['α just above β', { r: 0.5, alpha: 12, s: 0.6, beta: 11.9 }],
  ])('at %s', (_, p) => {
    const g = new Float64Array(4);
    const ll = paretoNbdLogLikelihoodGradient(p, s, g);
    expect(ll).toBeCloseTo(paretoNbdLogLikelihood(p, s), 8);
    const keys = ['r', 'alpha', 's', 'beta'] as const;
    keys.forEach((k, i) => {
      const h = 1e-5 * p[k];
      const fd =
        (paretoNbdLogLikelihood({ ...p, [k]: p[k] + h }, s) -
          paretoNbdLogLikelihood({ ...p, [k]: p[k] - h }, s)) /
        (2 * h);
      // central differences: error ~h²·f''' plus rounding ~1e-12·|ll|/h
      expect(Math.abs(g[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)) + 2e-3);
    });
  });
});

describe('a fit running off to the edge', () => {
  it('stops at the wall and is refused, instead of evaluating the likelihood there for minutes', () => {
    // buyers at their own steady pace until each stops (dropout alike for everyone: s, β → ∞); the fit of this
    // once took over ten minutes, the ₂F₁ series crawling at z → 1
    const rng = createRng(7);
    const today = 730;
    const x: number[] = [];
    const tx: number[] = [];
    const T: number[] = [];
    for (let c = 0; c < 600; c++) {
      const gap = 5 + Math.floor(rng.uniform() * 60);
      const stop = Math.floor(rng.uniform() * today * 1.3);
      const days: number[] = [];
      for (
        let d = Math.floor(rng.uniform() * 300);
        d <= Math.min(stop, today);
        d += 1 + Math.floor(rng.uniform() * 2 * gap)
      )
        days.push(d);
      const first = days[0];
      if (first === undefined) continue;
      x.push(days.length - 1);
      tx.push((days.at(-1) as number) - first);
      T.push(today - first);
    }
    const fit = fitParetoNbd(compressRfm(x, tx, T));
    expect(Math.max(fit.params.s, fit.params.beta)).toBeLessThanOrEqual(1e7 * (1 + 1e-9));
    expect(purchaseFitProblem('Pareto/NBD', fit)).toMatch(/ran to the edge of its parameters/);
  });
});
