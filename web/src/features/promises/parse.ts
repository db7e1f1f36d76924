import { DateTime } from 'luxon';

/** What the one-line promise box understood: the words, and a due date or date-time (workspace wall clock). */
export type Parsed = { what: string; date: string | null; time: string | null };

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_RE = '(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*';
const TIME_RE = '(?:at\\s+)?(\\d{1,2})(?:[:.](\\d{2}))?\\s*(am|pm|a\\.m\\.|p\\.m\\.)?';

/**
 * "Call back Thursday 3 pm" → what "Call back", Thursday (the next one, today excluded) at 15:00 in the workspace zone.
 * Understands today, tonight, tomorrow, a weekday ("next Friday" too), "in N days", "end of week" (Friday),
 * a time ("3 pm", "15:30", "at 9"), "morning"/"afternoon"/"evening". No date and a time: today, or tomorrow once
 * that time has passed. Nothing recognised: no date (the form asks for one).
 */
export function parsePromise(text: string, zone: string, now: Date = new Date()): Parsed {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  let rest = ` ${text.trim()} `;
  let date: DateTime | null = null;
  let time: string | null = null;
  const take = (re: RegExp) => {
    const m = re.exec(rest);
    if (m) rest = rest.replace(m[0], ' ');
    return m;
  };

  let m: RegExpExecArray | null;
  if ((m = take(/\s(?:by\s+|on\s+)?(today|tonight)\s/i))) {
    date = today;
    if (m[1]?.toLowerCase() === 'tonight') time = '19:00';
  } else if (take(/\s(?:by\s+|on\s+)?(tomorrow|tmrw)\s/i)) date = today.plus({ days: 1 });
  else if ((m = take(/\sin\s+(\d{1,2})\s+days?\s/i))) date = today.plus({ days: Number(m[1]) });
  else if (take(/\s(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?week\s/i))
    date = today.plus({ days: (5 - today.weekday + 7) % 7 });
  else if ((m = take(new RegExp(`\\s(?:by\\s+|on\\s+)?(next\\s+)?${DAY_RE}\\s`, 'i')))) {
    const word = m[2]?.toLowerCase() ?? '';
    const wd = DAYS.findIndex((d) => d.startsWith(word.slice(0, 3))) + 1;
    // the next one, today excluded ("next Friday" reads the same: the coming Friday)
    date = today.plus({ days: (wd - today.weekday + 7) % 7 || 7 });
  }

  if ((m = take(/\s(?:in\s+the\s+)?(morning|afternoon|evening)\s/i)))
    time = { morning: '09:00', afternoon: '14:00', evening: '18:00' }[m[1]?.toLowerCase() as 'morning'];
  m = new RegExp(`\\s${TIME_RE}(?=\\s)`, 'i').exec(rest);
  // a time needs am/pm, minutes or "at": a bare number ("12 roses") is part of the words
  if (m && (m[3] || m[2] || /^\s*at\s/i.test(m[0]))) {
    rest = rest.replace(m[0], ' ');
    let h = Number(m[1]);
    const min = Number(m[2] ?? 0);
    const ap = m[3]?.toLowerCase().replace(/\./g, '');
    if (ap === 'pm' && h < 12) h += 12;
    if (ap === 'am' && h === 12) h = 0;
    if (!ap && h >= 1 && h <= 7) h += 12; // "at 3": the afternoon, as a shop means it
    if (h < 24 && min < 60) time = `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
  }
  if (time && !date) {
    const at = DateTime.fromISO(`${today.toISODate()}T${time}`, { zone });
    date = at.toMillis() > now.getTime() ? today : today.plus({ days: 1 });
  }
  const what = rest
    .replace(/\s+/g, ' ')
    .replace(/\s+(by|on|at)$/i, '')
    .trim();
  return { what, date: date ? (date.toISODate() as string) : null, time };
}

/** The API's dueAt: a date (all day) or a wall-clock date-time in the workspace zone. */
export const dueAtOf = (date: string, time: string | null) => (time ? `${date}T${time}` : date);
