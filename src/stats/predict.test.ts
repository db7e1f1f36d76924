/**
 * predictRows (what `rapport analytics fit` writes) gives bitwise the values of the single-customer
 * functions the CDNOW checks use — it only computes the repeated parts once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpected,
  bgnbdProbabilityAlive,
  bgnbdProbabilityPurchase,
  compressRfm,
  discountedExpectedPurchases,
  paretoNbdConditionalExpected,
  paretoNbdProbabilityAlive,
  predictRows,
  summarizeColumns,
  WEEKS_PER_MONTH,
} from './index.ts';

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
const rows = compressRfm(s.x, s.tx, s.T);
const clv = { months: 12, discountRate: 0.01, unitsPerMonth: WEEKS_PER_MONTH };

describe('predictRows on CDNOW', () => {
  it('BG/NBD: P(alive), E[purchases in 39 weeks], P(purchase), CLV factor, exactly', () => {
    const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const p = predictRows({ kind: 'bgnbd', params }, rows, 39, clv);
    const disc = discountedExpectedPurchases({ kind: 'bgnbd', params }, s, clv);
    for (let k = 0; k < rows.length; k++) {
      const [x, tx, T] = [rows.x[k]!, rows.tx[k]!, rows.T[k]!];
      expect(p.pAlive[k]).toBe(bgnbdProbabilityAlive(params, x, tx, T));
      expect(p.expected[k]).toBe(bgnbdConditionalExpected(params, 39, x, tx, T));
      expect(p.pPurchase![k]).toBe(bgnbdProbabilityPurchase(params, 39, x, tx, T));
    }
    for (let i = 0; i < s.x.length; i++) expect(p.discounted![rows.rowOf[i]!]).toBe(disc[i]);
  });

  it('Pareto/NBD: P(alive), E[purchases in 39 weeks], CLV factor, exactly', () => {
    const params = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const p = predictRows({ kind: 'paretonbd', params }, rows, 39, clv);
    const disc = discountedExpectedPurchases({ kind: 'paretonbd', params }, s, clv);
    expect(p.pPurchase).toBeUndefined();
    for (let k = 0; k < rows.length; k++) {
      const [x, tx, T] = [rows.x[k]!, rows.tx[k]!, rows.T[k]!];
      expect(p.pAlive[k]).toBe(paretoNbdProbabilityAlive(params, x, tx, T));
      expect(p.expected[k]).toBe(paretoNbdConditionalExpected(params, 39, x, tx, T));
    }
    for (let i = 0; i < s.x.length; i++) expect(p.discounted![rows.rowOf[i]!]).toBe(disc[i]);
  });
});
