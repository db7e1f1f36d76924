import { DateTime } from 'luxon';

/**
 * Wall-clock times in the workspace's time zone, for `<input type="datetime-local">` values
 * ('YYYY-MM-DDTHH:mm'), whatever zone the device is set to.
 */

/** A datetime-local value read in `zone` → an instant (ISO, UTC); null when it is not a valid time. */
export function zonedInputToIso(value: string, zone: string): string | null {
  const t = DateTime.fromISO(value, { zone });
  return t.isValid ? t.toUTC().toISO() : null;
}

/** Now, as a datetime-local value in `zone` (for the input's `max`). */
export const nowInputValue = (zone: string, now = Date.now()): string =>
  DateTime.fromMillis(now, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

/** Today's date in `zone`, 'YYYY-MM-DD'. */
export const todayIn = (zone: string, now = Date.now()): string =>
  DateTime.fromMillis(now, { zone }).toISODate() ?? '';

/** The next date (today included) in `zone` that falls on `weekday` (1 = Monday … 7 = Sunday). */
export function nextWeekday(weekday: number, zone: string, now = Date.now()): string {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  return today.plus({ days: (weekday - today.weekday + 7) % 7 }).toISODate() ?? '';
}

/** "Africa/Lagos" → "Lagos"; "America/Argentina/Buenos_Aires" → "Buenos Aires". */
export const zoneCity = (zone: string) => (zone.split('/').at(-1) ?? zone).replace(/_/g, ' ');
