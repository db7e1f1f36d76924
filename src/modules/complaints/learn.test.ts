import { describe, expect, it } from 'vitest';
import { NINE_TO_FIVE } from '../../platform/time/business-hours.ts';
import { learnFrom, type LearnRow } from './learn.ts';

const hours = { timezone: 'UTC', week: NINE_TO_FIVE, holidays: [] };
const row = (o: Partial<LearnRow>): LearnRow => ({
  customer_id: 'c1',
  customer_name: 'Ada',
  product: null,
  category: null,
  root_cause: null,
  received_at: '2026-03-02T09:00:00.000Z', // Monday
  first_response_due_at: '2026-03-02T10:00:00.000Z',
  first_responded_at: null,
  resolution_due_at: '2026-03-03T09:00:00.000Z',
  resolved_at: null,
  resolution: null,
  refunded: 0,
  reopen_count: 0,
  ...o,
});
const surge = { last24h: 0, dailyMedian: 0, ratio: null, surging: false };

describe('learning from complaints', () => {
  it('measures speed in business minutes, counts breaches, refunds, recurrence and root causes', () => {
    const rows = [
      row({
        first_responded_at: '2026-03-02T09:30:00.000Z',
        resolved_at: '2026-03-02T15:00:00.000Z',
        resolution: 'repair',
        category: 'quality',
        root_cause: 'oven',
        product: 'Cake',
      }),
      // answered late on Friday evening → counted up to closing; resolved Monday 10:00
      row({
        customer_id: 'c2',
        customer_name: 'Bola',
        received_at: '2026-03-06T16:00:00.000Z',
        first_response_due_at: '2026-03-06T17:00:00.000Z',
        first_responded_at: '2026-03-06T20:00:00.000Z',
        resolution_due_at: '2026-03-09T16:00:00.000Z',
        resolved_at: '2026-03-09T10:00:00.000Z',
        resolution: 'refund',
        refunded: 1,
        category: 'quality',
        root_cause: 'oven',
        product: 'Cake',
      }),
      row({ category: 'delivery', reopen_count: 1 }), // still open, past both deadlines at `now`
    ];
    const l = learnFrom(rows, hours, new Date('2026-03-10T12:00:00Z'), { from: 'a', to: 'b' }, surge);
    expect(l.firstResponseMinutes).toEqual({ count: 2, median: 45, p90: 57 });
    // 360 (Monday 09:00–15:00) and 120 (Friday 16:00–17:00 + Monday 09:00–10:00)
    expect(l.resolutionMinutes).toEqual({ count: 2, median: 240, p90: 336 });
    expect(l.breaches).toEqual({ firstResponse: 2, resolution: 1, complaints: 2 });
    expect(l.refunds).toBe(1);
    expect(l.refundRate).toBe(0.5);
    expect(l.recurrence.customers).toEqual([{ customerId: 'c1', name: 'Ada', count: 2 }]);
    expect(l.recurrence.products).toEqual([{ product: 'Cake', count: 2 }]);
    expect(l.recurrence.reopened).toBe(1);
    expect(l.categories[0]).toEqual({
      category: 'quality',
      count: 2,
      refunds: 1,
      medianResolutionMinutes: 240,
      rootCauses: [{ rootCause: 'oven', count: 2 }],
    });
  });
});
