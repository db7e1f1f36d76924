import { DateTime } from 'luxon';

/** 'HH:MM' (24 h) → minutes after midnight. */
export const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * Quiet hours in a time zone: from `start` to `end` local time ('20:00' → '08:00' wraps midnight; equal
 * times mean no quiet hours). Returns `now` when a message may go now, else the instant quiet hours end —
 * the local wall-clock `end` on the right day, so it stays 08:00 across a DST change (luxon moves a time that
 * a spring-forward skips to the first valid instant after it).
 */
export function quietUntil(now: Date, zone: string, start: string, end: string): Date {
  const s = minutesOf(start);
  const e = minutesOf(end);
  if (s === e) return now;
  const local = DateTime.fromJSDate(now, { zone });
  const m = local.hour * 60 + local.minute;
  const quiet = s < e ? m >= s && m < e : m >= s || m < e;
  if (!quiet) return now;
  let endDay = local.startOf('day');
  // before midnight in a window that wraps: quiet hours end tomorrow
  if (s > e && m >= s) endDay = endDay.plus({ days: 1 });
  return endDay.set({ hour: Math.floor(e / 60), minute: e % 60 }).toJSDate();
}
