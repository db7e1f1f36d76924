import { describe, expect, it } from 'vitest';
import {
  activeCountsAt,
  median,
  npsFig,
  periodIndex,
  periodsOf,
  proactiveFig,
  targetMet,
} from './figures.ts';

describe('scorecard arithmetic', () => {
  it('takes the median of odd and even counts, none for nothing', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([240, 10, 120, 30])).toBe(75);
    expect(median([])).toBeNull();
  });
  it('cuts a New York month and week at local midnight, spring forward included', () => {
    const weeks = periodsOf('week', '2026-03-02', '2026-03-09', 'America/New_York');
    // 8 March 2026: clocks go forward; the next Monday starts at 04:00 UTC instead of 05:00
    expect(weeks.map((p) => [p.start, p.end])).toEqual([
      ['2026-03-02T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
      ['2026-03-09T04:00:00.000Z', '2026-03-16T04:00:00.000Z'],
    ]);
    expect(periodIndex(weeks, '2026-03-09T03:59:59.999Z')).toBe(0);
    expect(periodIndex(weeks, '2026-03-09T04:00:00.000Z')).toBe(1);
    expect(periodIndex(weeks, '2026-03-16T04:00:00.000Z')).toBe(-1);
    expect(periodsOf('month', '2026-02-10', '2026-02-10', 'America/New_York')[0]?.label).toBe(
      'February 2026',
    );
  });
  it('scores NPS, contacts per 100 and targets in the better direction', () => {
    const a = (score: number) => ({ customerId: null, staffId: null, at: '', score });
    expect(npsFig([a(10), a(9), a(7), a(0)])).toEqual({ value: 25, numerator: 1, denominator: 4 });
    expect(proactiveFig(1, 3)).toEqual({ value: 33.3, numerator: 1, denominator: 3 });
    expect(proactiveFig(4, 0).value).toBeNull();
    expect(targetMet('firstResponse', 75, 90)).toBe(true);
    expect(targetMet('promisesKeptOnTime', 75, 90)).toBe(false);
    expect(targetMet('nps', null, 10)).toBeNull();
  });
});

describe('active customers at each period end', () => {
  it('counts a customer active for 365 days after a purchase, end excluded', () => {
    const flags = (id: string, phone: boolean) => ({
      id,
      phone,
      needs: false,
      email: !phone,
      birthday: false,
      consent: false,
    });
    const counts = activeCountsAt(
      [
        { customerId: 'a', at: '2025-01-10T00:00:00.000Z' },
        { customerId: 'b', at: '2026-01-05T00:00:00.000Z' },
        { customerId: 'b', at: '2024-06-01T00:00:00.000Z' },
      ],
      [flags('a', true), flags('b', false)],
      // a counts at ends up to 2026-01-10 00:00 (365 days on); b just after 2026-01-05 00:00 (a purchase at the
      // end instant is not before the end)
      [
        '2026-01-05T00:00:00.000Z',
        '2026-01-05T00:00:00.001Z',
        '2026-01-10T00:00:00.000Z',
        '2026-01-10T00:00:00.001Z',
      ],
      365,
    );
    expect(counts.map((c) => [c.active, c.phone, c.email])).toEqual([
      [1, 1, 0],
      [2, 1, 1],
      [2, 1, 1],
      [1, 0, 1],
    ]);
  });
});
