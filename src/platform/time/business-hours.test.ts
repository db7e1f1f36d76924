import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  NINE_TO_FIVE,
  type BusinessHours,
} from './business-hours.ts';

const london: BusinessHours = { timezone: 'Europe/London', week: NINE_TO_FIVE, holidays: [] };
const newYork: BusinessHours = { timezone: 'America/New_York', week: NINE_TO_FIVE, holidays: [] };
const add = (iso: string, minutes: number, h: BusinessHours) =>
  addBusinessMinutes(new Date(iso), minutes, h).toISOString();

describe('business time', () => {
  it('counts inside one opening day', () => {
    expect(add('2026-03-02T10:00:00Z', 60, london)).toBe('2026-03-02T11:00:00.000Z');
    expect(add('2026-03-02T16:00:00Z', 60, london)).toBe('2026-03-02T17:00:00.000Z');
  });

  it('carries over the night and the weekend', () => {
    // Friday 16:30 + 1 h → Monday 09:30
    expect(add('2026-03-06T16:30:00Z', 60, london)).toBe('2026-03-09T09:30:00.000Z');
    // Tuesday 16:00 + 3 h → Wednesday 11:00
    expect(add('2026-03-03T16:00:00Z', 180, london)).toBe('2026-03-04T11:00:00.000Z');
  });

  it('starts the clock at opening time when a complaint arrives outside hours', () => {
    expect(add('2026-03-07T12:00:00Z', 30, london)).toBe('2026-03-09T09:30:00.000Z'); // Saturday noon
    expect(add('2026-03-02T07:00:00Z', 30, london)).toBe('2026-03-02T09:30:00.000Z'); // before opening
    expect(add('2026-03-02T19:00:00Z', 30, london)).toBe('2026-03-03T09:30:00.000Z'); // after closing
  });

  it('keeps local opening times across the spring DST change (Europe/London, 29 March 2026)', () => {
    // Friday 27 March 16:00 GMT + 2 h: 1 h on Friday, then Monday opens at 09:00 BST = 08:00Z
    expect(add('2026-03-27T16:00:00Z', 120, london)).toBe('2026-03-30T09:00:00.000Z');
  });

  it('keeps local opening times across the autumn DST change (America/New_York, 1 Nov 2026)', () => {
    // Friday 30 Oct 16:00 EDT (20:00Z) + 2 h → Monday 2 Nov 10:00 EST (15:00Z)
    expect(add('2026-10-30T20:00:00Z', 120, newYork)).toBe('2026-11-02T15:00:00.000Z');
    expect(
      businessMinutesBetween(new Date('2026-10-30T20:00:00Z'), new Date('2026-11-02T15:00:00Z'), newYork),
    ).toBe(120);
  });

  it('counts real elapsed time for a business open through the night of a DST change', () => {
    const allDay = { open: '00:00', close: '24:00' };
    const always: BusinessHours = {
      timezone: 'Europe/London',
      week: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
      holidays: [],
    };
    // Saturday 28 March 23:00 GMT + 3 h: the clocks jump 01:00 → 02:00 BST, three real hours later is 02:00Z
    expect(add('2026-03-28T23:00:00Z', 180, always)).toBe('2026-03-29T02:00:00.000Z');
    expect(
      businessMinutesBetween(new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T23:00:00Z'), always),
    ).toBe(24 * 60);
  });

  it('uses the workspace time zone: the same wall-clock hours are different instants', () => {
    const tokyo: BusinessHours = { ...london, timezone: 'Asia/Tokyo' };
    // Sunday 23:00Z is Monday 08:00 in Tokyo: opens at 09:00 JST (00:00Z), +60 → 01:00Z
    expect(add('2026-03-01T23:00:00Z', 60, tokyo)).toBe('2026-03-02T01:00:00.000Z');
    // In London the same instant is Sunday night: Monday 10:00 GMT
    expect(add('2026-03-01T23:00:00Z', 60, london)).toBe('2026-03-02T10:00:00.000Z');
  });

  it('skips holidays', () => {
    const xmas: BusinessHours = { ...london, holidays: ['2026-12-25', '2026-12-28'] };
    // Thursday 24 Dec 16:00 + 2 h: 1 h Thursday, Friday 25 is a holiday, Monday 28 too → Tuesday 29 10:00
    expect(add('2026-12-24T16:00:00Z', 120, xmas)).toBe('2026-12-29T10:00:00.000Z');
  });

  it('refuses hours with no open day instead of looping', () => {
    const closed: BusinessHours = {
      ...london,
      week: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
    };
    expect(() => addBusinessMinutes(new Date(), 10, closed)).toThrow(/no open day/);
  });

  it('businessMinutesBetween is the inverse of addBusinessMinutes', () => {
    const zones = ['Europe/London', 'America/New_York', 'Africa/Lagos', 'Australia/Sydney', 'Asia/Kolkata'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
        fc.integer({ min: 0, max: 8 * 60 * 30 }),
        fc.constantFrom(...zones),
        (startMs, minutes, timezone) => {
          const h: BusinessHours = { timezone, week: NINE_TO_FIVE, holidays: ['2026-12-25'] };
          const start = new Date(startMs - (startMs % 60_000));
          const due = addBusinessMinutes(start, minutes, h);
          expect(businessMinutesBetween(start, due, h)).toBe(minutes);
          expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});
