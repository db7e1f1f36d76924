import { describe, expect, it } from 'vitest';
import {
  customerRhythm,
  DEFAULT_ALIVE_MODEL,
  explainRhythm,
  formatDays,
  lifecycleStage,
  quintileScores,
  rfmScores,
  rfmSegment,
  spendTrend,
} from './index.ts';

describe('RFM', () => {
  it('quintiles 1–5, ties share a score regardless of order', () => {
    expect(Array.from(quintileScores([10, 20, 30, 40, 50]))).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(quintileScores([50, 40, 30, 20, 10]))).toEqual([5, 4, 3, 2, 1]);
    const v = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5];
    expect(Array.from(quintileScores(v))).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    expect(Array.from(quintileScores([7, 7, 7]))).toEqual([1, 1, 1]);
    expect(quintileScores([]).length).toBe(0);
  });
  it('recency scores reward recent buyers', () => {
    const s = rfmScores([3, 40, 10, 200, 90], [5, 1, 3, 1, 2], [100, 20, 50, 10, 30]);
    expect(Array.from(s.r)).toEqual([5, 3, 4, 1, 2]);
    expect(Array.from(s.f)).toEqual([5, 1, 4, 1, 3]);
  });
  it('segment table covers every score and follows the documented rules', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++)
      for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmSegment({ r, f, m }));
    expect(seen.size).toBe(11);
    expect(rfmSegment({ r: 5, f: 5, m: 4 })).toBe('champions');
    expect(rfmSegment({ r: 3, f: 5, m: 5 })).toBe('loyal');
    expect(rfmSegment({ r: 5, f: 1, m: 1 })).toBe('new');
    expect(rfmSegment({ r: 4, f: 1, m: 3 })).toBe('promising');
    expect(rfmSegment({ r: 5, f: 3, m: 2 })).toBe('potential loyalist');
    expect(rfmSegment({ r: 3, f: 2, m: 3 })).toBe('need attention');
    expect(rfmSegment({ r: 3, f: 1, m: 1 })).toBe('about to sleep');
    expect(rfmSegment({ r: 1, f: 5, m: 5 })).toBe("can't lose them");
    expect(rfmSegment({ r: 2, f: 4, m: 3 })).toBe('at risk');
    expect(rfmSegment({ r: 2, f: 1, m: 2 })).toBe('hibernating');
    expect(rfmSegment({ r: 1, f: 2, m: 1 })).toBe('lost');
  });
});

describe('rhythm, lifecycle, trend', () => {
  it('overdue relative to the customer’s own rhythm, in plain words', () => {
    const r = customerRhythm([0, 21, 42], 98);
    expect(r.meanInterval).toBe(21);
    expect(r.sinceLast).toBe(56);
    expect(r.overdueBy).toBe(35);
    expect(explainRhythm(r)).toBe('Buys about every 3 weeks; 5 weeks overdue');
    expect(explainRhythm(customerRhythm([0, 21, 42], 50))).toBe(
      'Buys about every 3 weeks; next purchase expected in about 13 days',
    );
    expect(explainRhythm(customerRhythm([10], 100))).toBe('Bought once, 3 months ago');
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(800)).toBe('2 years');
  });
  it('lifecycle stages', () => {
    expect(lifecycleStage(customerRhythm([0], 30))).toBe('new');
    expect(lifecycleStage(customerRhythm([0], 200))).toBe('at risk');
    expect(lifecycleStage(customerRhythm([0], 400))).toBe('lapsed');
    expect(lifecycleStage(customerRhythm([0, 30], 40))).toBe('repeat');
    expect(lifecycleStage(customerRhythm([0, 30, 60, 90], 100))).toBe('loyal');
    expect(lifecycleStage(customerRhythm([0, 30, 60, 90], 160))).toBe('at risk');
    expect(lifecycleStage(customerRhythm([0, 30, 60, 90], 400))).toBe('lapsed');
    expect(lifecycleStage(customerRhythm([0, 10, 20, 200], 210))).toBe('won back');
  });

  it('at risk and lapsed need the rhythm and the model to agree', () => {
    const onRhythm = customerRhythm([0, 30, 60, 90], 100);
    const late = customerRhythm([0, 30, 60, 90], 160); // 70 days silent, usual gap 30: 2.3×
    const silent = customerRhythm([0, 30, 60, 90], 400); // 10× their gap
    // a low P(alive) alone does not make an on-rhythm customer at risk or lapsed
    expect(lifecycleStage(onRhythm, { pAlive: 0.1, expected365: 0.2 })).toBe('loyal');
    // overdue but the model is confident they are still buying: not at risk
    expect(lifecycleStage(late, { pAlive: 0.9, expected365: 9 })).toBe('loyal');
    expect(lifecycleStage(late, { pAlive: 0.5, expected365: 4 })).toBe('at risk');
    // long silent, P(alive) low, but still expected to buy at least once next year: at risk, never lapsed
    expect(lifecycleStage(silent, { pAlive: 0.1, expected365: 31 })).toBe('at risk');
    expect(lifecycleStage(silent, { pAlive: 0.1, expected365: 0.4 })).toBe('lapsed');
    expect(lifecycleStage(silent, { pAlive: 0.7, expected365: 3 })).toBe('loyal');
    expect(lifecycleStage(customerRhythm([0], 400), { pAlive: 0.3, expected365: 0.2 })).toBe('at risk');
    expect(lifecycleStage(customerRhythm([0], 400), { pAlive: 0.1, expected365: 0.2 })).toBe('lapsed');
    expect(lifecycleStage(customerRhythm([0], 200), { pAlive: 0.8, expected365: 0.5 })).toBe('new');
  });
  it('spend trend: slope of spend per period', () => {
    const up = spendTrend([10, 40, 70], [10, 20, 30], 90, 30, 3);
    expect(Array.from(up.perPeriod)).toEqual([10, 20, 30]);
    expect(up.slope).toBeCloseTo(10, 12);
    expect(up.trend).toBe('rising');
    expect(spendTrend([10, 40, 70], [30, 20, 10], 90, 30, 3).trend).toBe('falling');
    expect(spendTrend([10, 40, 70], [20, 20, 20], 90, 30, 3).trend).toBe('flat');
    expect(spendTrend([], [], 90, 30).trend).toBe('flat');
  });
  it('recommends Pareto/NBD for P(alive)', () => {
    expect(DEFAULT_ALIVE_MODEL).toBe('paretonbd');
  });
});
