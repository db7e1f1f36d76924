import { DateTime } from 'luxon';
import { badInput } from '../../platform/errors.ts';

export type Due = { dueAt: string; allDay: boolean; dueDate: string | null };

/**
 * A due time from the API's `dueAt`: a local date is due at the end of that day in the workspace zone (all day);
 * a date-time without an offset is wall-clock time in the zone (a time skipped by the clocks going forward moves
 * on by the gap, as luxon does); one with an offset or Z is that instant.
 */
export function parseDue(input: string, zone: string, pointer = '/body/dueAt'): Due {
  if (/^\d{4}-\d{2}-\d{2}$/.test(input)) {
    const d = DateTime.fromISO(input, { zone });
    if (!d.isValid) throw badInput('PROMISE_BAD_DUE', 'Not a real date', pointer);
    return { dueAt: d.endOf('day').toUTC().toISO() as string, allDay: true, dueDate: input };
  }
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(input);
  const d = hasOffset ? DateTime.fromISO(input, { setZone: true }) : DateTime.fromISO(input, { zone });
  if (!d.isValid) throw badInput('PROMISE_BAD_DUE', 'Not a real date and time', pointer);
  return { dueAt: d.toUTC().toISO() as string, allDay: false, dueDate: null };
}

/** "Thu 2 Apr, 3:00 pm" or "Thu 2 Apr" (all day), in the workspace zone. */
export function dueLabel(
  d: { dueAt: string; allDay: boolean | number; dueDate: string | null },
  zone: string,
) {
  if (d.allDay && d.dueDate) return DateTime.fromISO(d.dueDate, { zone }).toFormat('ccc d LLL');
  return DateTime.fromISO(d.dueAt, { zone })
    .toFormat('ccc d LLL, h:mm a')
    .replace(/AM$/, 'am')
    .replace(/PM$/, 'pm');
}

/** When the owner hears about it: an hour before a timed promise, 8 am on the day of an all-day one. */
export function remindAt(
  d: { due_at: string; all_day: number; due_date: string | null },
  zone: string,
): number {
  if (d.all_day && d.due_date) return DateTime.fromISO(d.due_date, { zone }).set({ hour: 8 }).toMillis();
  return Date.parse(d.due_at) - 3_600_000;
}
