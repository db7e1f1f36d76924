import { describe, expect, it } from 'vitest';
import {
  bgnbdLogLikelihood,
  compressRfm,
  fitGammaGamma,
  summarize,
  summarizeColumns,
  toEpochDay,
} from './index.ts';

describe('summarize', () => {
  const rows = [
    { customerId: 'a', date: '2024-01-01', amount: 10 },
    { customerId: 'a', date: '2024-01-01', amount: 5 }, // same day as the first: merged, excluded from monetary
    { customerId: 'a', date: '2024-01-15', amount: 20 },
    { customerId: 'a', date: '2024-01-15', amount: 10 }, // same day: one purchase of 30
    { customerId: 'a', date: '2024-01-29', amount: 60 },
    { customerId: 'a', date: '2024-02-12', amount: 99 }, // holdout
    { customerId: 'a', date: '2024-02-12', amount: 1 }, // holdout, same day
    { customerId: 'a', date: '2024-03-30', amount: 99 }, // after observation end
    { customerId: 'b', date: '20240122', amount: 7 },
    { customerId: 'c', date: '2024-02-01', amount: 7 }, // first purchase after calibration: excluded
    { customerId: 'b', date: 19749, amount: 3 }, // epoch day 19749 = 2024-01-27
  ];
  const s = summarize(rows, { calibrationEnd: '2024-01-29', observationEnd: '2024-02-26', unitDays: 7 });

  it('merges same-day purchases and measures x, t_x, T, monetary in the chosen unit', () => {
    expect(s.ids).toEqual(['a', 'b']);
    expect(s.excludedAfterCalibration).toBe(1);
    expect(Array.from(s.x)).toEqual([2, 1]);
    expect(s.tx[0]).toBe(4);
    expect(s.T[0]).toBe(4);
    expect(s.monetary[0]).toBe(45); // (30 + 60) / 2, the first purchase excluded
    expect(s.tx[1]).toBeCloseTo(5 / 7, 14);
    expect(s.T[1]).toBeCloseTo(1, 14);
    expect(s.monetary[1]).toBe(3);
    expect(Array.from(s.xHoldout)).toEqual([1, 0]);
    expect(s.holdoutLength).toBe(4);
  });

  it('is independent of row order', () => {
    const shuffled = [...rows].reverse();
    const t = summarize(shuffled, {
      calibrationEnd: '2024-01-29',
      observationEnd: '2024-02-26',
      unitDays: 7,
    });
    const ia = t.ids.indexOf('a');
    expect(t.x[ia]).toBe(2);
    expect(t.monetary[ia]).toBe(45);
    expect(t.xHoldout[ia]).toBe(1);
  });

  it('parses dates and rejects bad ones', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(toEpochDay('19970101')).toBe(9862);
    expect(toEpochDay(123)).toBe(123);
    expect(() => toEpochDay('01/02/2024')).toThrow(RangeError);
    expect(() => toEpochDay('2024-13-01')).toThrow(RangeError);
  });

  it('days as the unit by default', () => {
    const d = summarizeColumns({ customerId: [1, 1], day: [0, 10], amount: [1, 2] }, { calibrationEnd: 30 });
    expect([d.x[0], d.tx[0], d.T[0], d.monetary[0]]).toEqual([1, 10, 30, 2]);
  });
});

describe('summarize: refunds (negative amounts) are netted out, never counted as purchases', () => {
  const day = (d: string) => toEpochDay(d);
  const s = summarizeColumns(
    {
      customerId: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd', 'd', 'd', 'd', 'e', 'e'],
      day: [
        day('2024-01-01'), // a: first purchase 40
        day('2024-01-10'), // a: repeat 30 …
        day('2024-01-12'), // … refunded 10 two days later (not a purchase day)
        day('2024-01-20'), // a: repeat 50
        day('2024-01-01'), // b: first 20
        day('2024-01-08'), // b: repeat 25 …
        day('2024-01-09'), // … refunded 100: all of it, then all of the first; 55 more than bought is dropped
        day('2024-01-05'), // c: refunds only: not a customer of the summary
        day('2024-01-06'),
        day('2024-01-02'), // d: first 10
        day('2024-01-15'), // d: a refund the same day as a purchase, listed first: netted against it
        day('2024-01-15'), // d: purchase 60 → 45
        day('2024-02-10'), // d: a refund after calibration end: the calibration summary does not change
        day('2024-01-03'), // e: first 10
        day('2024-01-04'), // e: repeat 0 (free)
      ],
      amount: [40, 30, -10, 50, 20, 25, -100, -5, -5, 10, -15, 60, -60, 10, 0],
    },
    { calibrationEnd: '2024-01-31' },
  );
  const at = (id: string) => s.ids.indexOf(id);

  it('takes a refund off the latest purchase days up to it, none below 0', () => {
    expect(s.ids).toEqual(['a', 'b', 'd', 'e']);
    expect([s.x[at('a')], s.tx[at('a')], s.monetary[at('a')]]).toEqual([2, 19, (20 + 50) / 2]);
    expect([s.x[at('b')], s.monetary[at('b')]]).toEqual([1, 0]);
    expect([s.x[at('d')], s.monetary[at('d')]]).toEqual([1, 45]);
    expect([s.x[at('e')], s.monetary[at('e')]]).toEqual([1, 0]);
    for (const m of s.monetary) expect(m).toBeGreaterThanOrEqual(0);
  });

  it('says how many customers it touched', () => {
    expect(s.refunds).toEqual({ customers: 3, exceedingPurchases: 1, refundOnly: 1 });
    expect(s.excludedAfterCalibration).toBe(0);
  });

  it('changes nothing for a log without refunds (the CDNOW summary is checked exactly in cdnow.test.ts)', () => {
    const t = summarizeColumns(
      { customerId: [1, 1, 1], day: [0, 5, 5], amount: [3, 4, 0] },
      { calibrationEnd: 9 },
    );
    expect([t.x[0], t.monetary[0]]).toEqual([1, 4]);
    expect(t.refunds).toEqual({ customers: 0, exceedingPurchases: 0, refundOnly: 0 });
  });
});

describe('compressRfm', () => {
  it('is exact: the likelihood over unique weighted rows equals the one over customers', () => {
    const x = [0, 0, 1, 1, 1, 3, 0, 3];
    const tx = [0, 0, 2, 2, 5, 7, 0, 7];
    const T = [9, 9, 9, 9, 9, 8, 4, 8];
    const c = compressRfm(x, tx, T);
    expect(c.length).toBe(5);
    expect(Array.from(c.x)).toEqual([0, 0, 1, 1, 3]); // sorted by x
    expect(Array.from(c.weight)).toEqual([1, 2, 2, 1, 2]);
    for (let i = 0; i < x.length; i++) {
      const k = c.rowOf[i] as number;
      expect([c.x[k], c.tx[k], c.T[k]]).toEqual([x[i], tx[i], T[i]]);
    }
    const p = { r: 0.3, alpha: 4, a: 0.8, b: 2.5 };
    const perCustomer = x.reduce(
      (acc, _, i) => acc + bgnbdLogLikelihood(p, { x: [x[i]!], tx: [tx[i]!], T: [T[i]!] }),
      0,
    );
    expect(bgnbdLogLikelihood(p, c)).toBeCloseTo(perCustomer, 10);
    expect(bgnbdLogLikelihood(p, { x, tx, T })).toBeCloseTo(perCustomer, 10);
  });
  it('treats −0 and 0 alike', () => {
    expect(compressRfm([0, 0], [0, -0], [1, 1]).length).toBe(1);
  });
});

describe('Gamma-Gamma input hygiene', () => {
  it('skips zero-value and one-time customers instead of crashing', () => {
    const x = [1, 2, 0, 3, 2, 1, 4];
    const m = [10, 0, 0, 12, 8, 11, 9];
    const fit = fitGammaGamma(x, m);
    expect(fit.customers).toBe(5);
    expect(fit.excluded).toBe(2);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    expect(() => fitGammaGamma([0, 1], [0, 0])).toThrow(RangeError);
  });
});
