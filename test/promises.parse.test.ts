import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parsePromise } from '../web/src/features/promises/parse.ts';

/** The one-line promise box: words → a due date and time in the workspace zone, with a fixed clock. */
const LONDON = 'Europe/London';
const at = (iso: string) => new Date(iso);

describe('parsePromise', () => {
  it('reads "Call back Thursday 3 pm" as the next Thursday at 15:00, across the clocks going forward', () => {
    // Friday 27 March 2026; the clocks go forward on Sunday 29th
    const p = parsePromise('Call back Thursday 3 pm', LONDON, at('2026-03-27T10:00:00Z'));
    expect(p).toEqual({ what: 'Call back', date: '2026-04-02', time: '15:00' });
    expect(DateTime.fromISO(`${p.date}T${p.time}`, { zone: LONDON }).toUTC().toISO()).toBe(
      '2026-04-02T14:00:00.000Z',
    );
  });

  it('reads a weekday over the weekend, and the same weekday as next week', () => {
    const sat = at('2026-03-28T12:00:00Z');
    expect(parsePromise('Send the quote Monday', LONDON, sat)).toMatchObject({
      what: 'Send the quote',
      date: '2026-03-30',
      time: null,
    });
    expect(parsePromise('Deliver on Saturday morning', LONDON, sat)).toMatchObject({
      what: 'Deliver',
      date: '2026-04-04',
      time: '09:00',
    });
    expect(parsePromise('Ring Sunday at 10:30', LONDON, sat)).toMatchObject({
      what: 'Ring',
      date: '2026-03-29',
      time: '10:30',
    });
  });

  it('reads today, tomorrow, in N days, end of week, and a time alone (today, or tomorrow once passed)', () => {
    const fri = at('2026-10-23T16:00:00Z'); // Friday 17:00 BST; the clocks go back on Sunday 25th
    expect(parsePromise('Email the photos today', LONDON, fri)).toMatchObject({
      date: '2026-10-23',
      time: null,
    });
    expect(parsePromise('Call back tomorrow at 9', LONDON, fri)).toMatchObject({
      what: 'Call back',
      date: '2026-10-24',
      time: '09:00',
    });
    expect(parsePromise('Refund in 3 days', LONDON, fri)).toMatchObject({
      what: 'Refund',
      date: '2026-10-26',
    });
    expect(parsePromise('Price list by end of week', LONDON, fri)).toMatchObject({
      what: 'Price list',
      date: '2026-10-23',
    });
    expect(parsePromise('Call back 6 pm', LONDON, fri)).toMatchObject({ date: '2026-10-23', time: '18:00' });
    expect(parsePromise('Call back 4 pm', LONDON, fri)).toMatchObject({ date: '2026-10-24', time: '16:00' });
    const p = parsePromise('Call Sunday 3 pm', LONDON, fri);
    expect(DateTime.fromISO(`${p.date}T${p.time}`, { zone: LONDON }).toUTC().toISO()).toBe(
      '2026-10-25T15:00:00.000Z',
    );
  });

  it('leaves the words alone when there is no date in them', () => {
    expect(parsePromise('Order 12 roses', LONDON, at('2026-03-27T10:00:00Z'))).toEqual({
      what: 'Order 12 roses',
      date: null,
      time: null,
    });
  });
});
