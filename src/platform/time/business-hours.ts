import { DateTime } from 'luxon';

/** Days of the week, Monday first (luxon's weekday 1..7). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours of one day as local wall-clock times 'HH:MM' ('24:00' closes at midnight); null = closed. */
export type DayHours = { open: string; close: string } | null;

/**
 * When a business is open: per weekday, in a time zone, minus holidays ('YYYY-MM-DD' local dates).
 * @example { timezone: 'Europe/London', week: { mon: { open: '09:00', close: '17:00' }, …, sun: null }, holidays: ['2026-12-25'] }
 */
export type BusinessHours = {
  timezone: string;
  week: Record<Weekday, DayHours>;
  holidays: readonly string[];
};

const MAX_DAYS = 3 * 366; // a week with no opening hours would loop for ever

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

type Window = { open: number; close: number } | null;

/**
 * Local calendar days, walked with plain UTC-calendar arithmetic (no time zone needed to step a date);
 * only a day's open and close instants need the zone, and those are cached per zone, date and hours.
 */
type Day = { y: number; m: number; d: number; weekday: number; iso: string };
function dayAt(y: number, m: number, d: number): Day {
  const t = new Date(Date.UTC(y, m - 1, d));
  const [yy, mm, dd] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
  const iso = `${String(yy).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  return { y: yy, m: mm, d: dd, weekday: (t.getUTCDay() + 6) % 7, iso };
}
const localDayOf = (ms: number, zone: string): Day => {
  const l = DateTime.fromMillis(ms, { zone });
  return dayAt(l.year, l.month, l.day);
};
const nextDay = (day: Day): Day => dayAt(day.y, day.m, day.d + 1);

const windows = new Map<string, Window>();

/** The open and close instants (epoch ms) of one local calendar day, or null when closed that day. */
function windowOf(day: Day, hours: BusinessHours): Window {
  const spec = hours.week[WEEKDAYS[day.weekday] as Weekday];
  if (!spec || hours.holidays.includes(day.iso)) return null;
  const key = `${hours.timezone}|${day.iso}|${spec.open}|${spec.close}`;
  const hit = windows.get(key);
  if (hit !== undefined) return hit;
  const at = (minutes: number) =>
    minutes >= 24 * 60
      ? DateTime.fromObject({ year: day.y, month: day.m, day: day.d }, { zone: hours.timezone })
          .plus({ days: 1 })
          .startOf('day')
          .toMillis()
      : DateTime.fromObject(
          { year: day.y, month: day.m, day: day.d, hour: Math.floor(minutes / 60), minute: minutes % 60 },
          { zone: hours.timezone },
        ).toMillis();
  const open = at(minutesOf(spec.open));
  const close = at(minutesOf(spec.close));
  const w = close > open ? { open, close } : null;
  if (windows.size > 100_000) windows.clear();
  windows.set(key, w);
  return w;
}

function hasOpenDay(hours: BusinessHours): boolean {
  return WEEKDAYS.some((d) => {
    const s = hours.week[d];
    return s !== null && minutesOf(s.close) > minutesOf(s.open);
  });
}

/**
 * The instant that lies `minutes` of business time after `start`: time only counts while the business is
 * open, in its own time zone, so weekends, nights, holidays and DST changes are skipped correctly (an
 * opening day that is 23 or 25 hours long still opens and closes at its local wall-clock times).
 * @example addBusinessMinutes(new Date('2026-03-06T16:30:00Z'), 60, londonNineToFive) // Mon 2026-03-09T09:30:00Z
 */
export function addBusinessMinutes(start: Date, minutes: number, hours: BusinessHours): Date {
  if (!hasOpenDay(hours)) throw new Error('Business hours have no open day');
  let remaining = Math.round(minutes * 60_000);
  let cursor = start.getTime();
  let day = localDayOf(cursor, hours.timezone);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    const w = windowOf(day, hours);
    if (!w || cursor >= w.close) continue;
    cursor = Math.max(cursor, w.open);
    const available = w.close - cursor;
    if (remaining <= available) return new Date(cursor + remaining);
    remaining -= available;
    cursor = w.close;
  }
  throw new Error('Business time target lies more than three years ahead');
}

/**
 * Business minutes between two instants (0 when `to` is not after `from`): the inverse of addBusinessMinutes.
 * @example businessMinutesBetween(friday1630, monday0930, londonNineToFive) // 60
 */
export function businessMinutesBetween(from: Date, to: Date, hours: BusinessHours): number {
  const end = to.getTime();
  let cursor = from.getTime();
  if (end <= cursor) return 0;
  let total = 0;
  let day = localDayOf(cursor, hours.timezone);
  for (let i = 0; i < MAX_DAYS * 10 && cursor < end; i++, day = nextDay(day)) {
    const w = windowOf(day, hours);
    if (!w || cursor >= w.close) continue;
    cursor = Math.max(cursor, w.open);
    if (cursor >= end) break;
    const until = Math.min(end, w.close);
    total += until - cursor;
    cursor = until;
  }
  return total / 60_000;
}

/** Monday to Friday, 09:00–17:00. */
export const NINE_TO_FIVE: Record<Weekday, DayHours> = {
  mon: { open: '09:00', close: '17:00' },
  tue: { open: '09:00', close: '17:00' },
  wed: { open: '09:00', close: '17:00' },
  thu: { open: '09:00', close: '17:00' },
  fri: { open: '09:00', close: '17:00' },
  sat: null,
  sun: null,
};
