import { describe, expect, it } from 'vitest';
import { NINE_TO_FIVE } from './business-hours.ts';
import { deadlines, overallState, percentile, surge, timer, timerState } from './sla.ts';

const lagos = { timezone: 'Africa/Lagos', week: NINE_TO_FIVE, holidays: [] };
const marks = { dueAt: '2026-03-02T12:00:00.000Z', warnAt: '2026-03-02T11:00:00.000Z', doneAt: null };

describe('SLA state', () => {
  it('is ok, then due soon past the warning point, then breached at the deadline', () => {
    expect(timerState(marks, new Date('2026-03-02T10:59:59Z'))).toBe('ok');
    expect(timerState(marks, new Date('2026-03-02T11:00:00Z'))).toBe('due_soon');
    expect(timerState(marks, new Date('2026-03-02T12:00:00Z'))).toBe('breached');
  });

  it('is met when done by the deadline, breached when done late, whatever the time now', () => {
    const later = new Date('2027-01-01T00:00:00Z');
    expect(timerState({ ...marks, doneAt: '2026-03-02T12:00:00.000Z' }, later)).toBe('met');
    expect(timerState({ ...marks, doneAt: '2026-03-02T12:00:01.000Z' }, later)).toBe('breached');
  });

  it('combines timers: a breach wins, then a warning; met only when all are met', () => {
    expect(overallState(['met', 'breached'])).toBe('breached');
    expect(overallState(['met', 'due_soon'])).toBe('due_soon');
    expect(overallState(['met', 'ok'])).toBe('ok');
    expect(overallState(['met', 'met'])).toBe('met');
  });

  it('counts the business minutes left, negative once overdue (Lagos, WAT = UTC+1)', () => {
    // Monday 10:00 WAT (09:00Z): due at 13:00 WAT → 180 minutes
    expect(timer(marks, new Date('2026-03-02T09:00:00Z'), lagos).remainingBusinessMinutes).toBe(180);
    // Monday 18:00 WAT (closed since 17:00): overdue by the business time 13:00–17:00
    expect(timer(marks, new Date('2026-03-02T17:00:00Z'), lagos).remainingBusinessMinutes).toBe(-240);
    expect(timer({ ...marks, doneAt: marks.dueAt }, new Date(), lagos).remainingBusinessMinutes).toBeNull();
  });

  it('warns at the configured share of the target, in business time', () => {
    // Friday 16:00 WAT + 120 min: due Monday 10:00 WAT; 75 % = 90 min → Monday 09:30 WAT
    const d = deadlines(new Date('2026-03-06T15:00:00Z'), 120, 75, lagos);
    expect(d).toEqual({ dueAt: '2026-03-09T09:00:00.000Z', warnAt: '2026-03-09T08:30:00.000Z' });
  });
});

describe('percentile and surge', () => {
  it('interpolates percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });

  it('compares the last 24 h with the median day of the 28 before', () => {
    const now = new Date('2026-05-01T12:00:00Z');
    const ago = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
    const usual = Array.from({ length: 28 }, (_, d) => [ago(24 * (d + 1) + 2), ago(24 * (d + 1) + 5)]).flat();
    expect(surge(usual, now)).toEqual({ last24h: 0, dailyMedian: 2, ratio: 0, surging: false });
    expect(surge([...usual, ago(1), ago(2), ago(3), ago(4)], now)).toMatchObject({
      last24h: 4,
      ratio: 2,
      surging: false,
    });
    expect(surge([...usual, ...[1, 2, 3, 4, 5].map(ago)], now)).toMatchObject({ last24h: 5, surging: true });
    // from nothing: three in a day is a surge, one is not
    expect(surge([ago(1)], now).surging).toBe(false);
    expect(surge([ago(1), ago(2), ago(3)], now)).toMatchObject({
      dailyMedian: 0,
      ratio: null,
      surging: true,
    });
    // older than 29 days and future timestamps are ignored
    expect(surge([ago(24 * 40), ago(-5)], now).last24h).toBe(0);
  });
});
