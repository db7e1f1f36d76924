import { describe, expect, it } from 'vitest';
import { purchaseDaysBuilder } from './purchases.ts';
import { computeRefit } from './refit.ts';

const day = (ymd: string) => Math.round(Date.parse(`${ymd}T00:00:00Z`) / 86_400_000);

describe('insights never draw the month in progress as a collapse', () => {
  // today: 4 December 2026; two customers buying through November and into December
  const today = day('2026-12-04');
  const b = purchaseDaysBuilder(today);
  for (const d of ['2026-10-02', '2026-11-02', '2026-11-03', '2026-11-20', '2026-12-02'])
    b.add('a', day(d), 1000);
  for (const d of ['2026-11-01', '2026-11-04', '2026-12-03']) b.add('b', day(d), 500);
  const { insights } = computeRefit(b.finish(), { today, discountRate: 0.01 });

  it('flags the current month as partial, with the days it covers', () => {
    const last = insights.revenue.at(-1);
    expect(last).toMatchObject({ month: '2026-12', partial: true, daysCovered: 4, daysInMonth: 31 });
    expect(last && last.newRevenue + last.returningRevenue).toBe(1500);
    const nov = insights.revenue.at(-2);
    expect(nov).toMatchObject({ month: '2026-11', partial: false, daysCovered: 30, daysInMonth: 30 });
    expect(insights.revenue.filter((m) => m.partial)).toHaveLength(1);
  });

  it('compares it with the same days of the month before', () => {
    // 1–4 November: a's 2nd and 3rd, b's 1st and 4th
    expect(insights.sameDaysLastMonth).toEqual({ month: '2026-11', days: 4, revenue: 3000 });
  });

  it('cohort curves stop at the last complete month', () => {
    const oct = insights.cohorts.find((c) => c.cohort === '2026-10');
    // October's cohort: month 0 (October) and month 1 (November); December is still filling in
    expect(oct?.retention).toEqual([1, 1]);
    const nov = insights.cohorts.find((c) => c.cohort === '2026-11');
    expect(nov?.retention).toEqual([1]);
    expect(insights.cohorts.find((c) => c.cohort === '2026-12')).toBeUndefined();
  });
});
