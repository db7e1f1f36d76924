import { fieldErrors } from '../../lib/problems.ts';
import {
  SEVERITIES,
  WEEKDAYS,
  type ComplaintSettings,
  type Severity,
  type Weekday,
} from '../complaints/api.ts';

/**
 * The complaint SLA settings as the form edits them: targets and the enquiry target in business *hours*
 * (the API keeps minutes), each weekday open or closed with its times, holidays as local dates.
 */
export type Num = number | string;
export type SettingsValues = {
  targets: Record<Severity, { firstResponse: Num; resolution: Num }>;
  week: Record<Weekday, { open: boolean; from: string; to: string }>;
  holidays: string[];
  dueSoonPercent: Num;
  followUpDays: Num;
  enquiryHours: Num;
};

export const DAY_NAME: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
const minutes = (h: Num) => Math.round(Number(h) * 60);
const entries = <K extends string, V>(keys: readonly K[], f: (k: K) => V) =>
  Object.fromEntries(keys.map((k) => [k, f(k)])) as Record<K, V>;

// A time input cannot show 24:00, the API's "until midnight": the form shows it as 00:00 closing.
const closeIn = (t: string) => (t === '24:00' ? '00:00' : t);
const closeOut = (t: string) => (t === '00:00' ? '24:00' : t);

export function toForm(s: ComplaintSettings): SettingsValues {
  return {
    targets: entries(SEVERITIES, (k) => ({
      firstResponse: hours(s.targets[k].firstResponseMinutes),
      resolution: hours(s.targets[k].resolutionMinutes),
    })),
    week: entries(WEEKDAYS, (d) => {
      const h = s.businessHours[d];
      return h
        ? { open: true, from: h.open, to: closeIn(h.close) }
        : { open: false, from: '09:00', to: '17:00' };
    }),
    holidays: [...s.holidays].sort(),
    dueSoonPercent: s.dueSoonPercent,
    followUpDays: s.followUpDays,
    enquiryHours: hours(s.enquiryFirstResponseMinutes),
  };
}

export function toApi(v: SettingsValues): ComplaintSettings {
  return {
    targets: entries(SEVERITIES, (k) => ({
      firstResponseMinutes: minutes(v.targets[k].firstResponse),
      resolutionMinutes: minutes(v.targets[k].resolution),
    })),
    businessHours: entries(WEEKDAYS, (d) => {
      const day = v.week[d];
      return day.open ? { open: day.from, close: closeOut(day.to) } : null;
    }),
    holidays: v.holidays,
    dueSoonPercent: Number(v.dueSoonPercent),
    followUpDays: Number(v.followUpDays),
    enquiryFirstResponseMinutes: minutes(v.enquiryHours),
  };
}

const blankOrNaN = (n: Num) => n === '' || !Number.isFinite(Number(n));

/** What the form checks itself (empty boxes); the rules (order of targets, hours, ranges) are the API's. */
export function validateLocally(v: SettingsValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const k of SEVERITIES)
    for (const f of ['firstResponse', 'resolution'] as const)
      if (blankOrNaN(v.targets[k][f])) errors[`targets.${k}.${f}`] = 'Enter a number of hours';
  for (const d of WEEKDAYS) {
    const day = v.week[d];
    if (day.open && !day.from) errors[`week.${d}.from`] = 'Opening time?';
    if (day.open && !day.to) errors[`week.${d}.to`] = 'Closing time?';
  }
  if (blankOrNaN(v.dueSoonPercent)) errors.dueSoonPercent = 'Enter a percentage';
  if (blankOrNaN(v.followUpDays)) errors.followUpDays = 'Enter a number of days';
  if (blankOrNaN(v.enquiryHours)) errors.enquiryHours = 'Enter a number of hours';
  return errors;
}

/** Zod's range messages, in words for the field they land on. */
function say(key: string, message: string): string {
  const min = /^Too small: expected number to be >=?(\d+)/.exec(message);
  const max = /^Too big: expected number to be <=?(\d+)/.exec(message);
  const inHours = key.startsWith('targets.') || key === 'enquiryHours';
  if (min) return inHours ? 'Must be more than 0' : `At least ${min[1]}`;
  if (max) return inHours ? 'Too long: at most a year' : `At most ${max[1]}`;
  if (/expected int/i.test(message)) return 'A whole number';
  return message;
}

/**
 * The API's refusal (problem+json pointers such as /body/targets/low or /body/businessHours/sat) as errors on
 * the form's fields: a target's order lands on its resolution box, a day's hours on its closing time.
 * Errors no field shows come back under `_`. `under`: where the settings sit in the body ('settings.' in a
 * preview).
 */
export function settingsErrors(e: unknown, under = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fieldErrors(e))) {
    const p = (key.startsWith(under) ? key.slice(under.length) : key).split('.');
    let field: string;
    if (p[0] === 'targets' && p[1]) {
      field =
        p[2] === 'firstResponseMinutes' ? `targets.${p[1]}.firstResponse` : `targets.${p[1]}.resolution`;
    } else if (p[0] === 'businessHours') {
      field = p[1] ? `week.${p[1]}.${p[2] === 'open' ? 'from' : 'to'}` : 'week';
    } else if (p[0] === 'holidays') field = 'holidays';
    else if (p[0] === 'enquiryFirstResponseMinutes') field = 'enquiryHours';
    else if (p[0] === 'dueSoonPercent' || p[0] === 'followUpDays') field = p[0];
    else field = '_';
    out[field] ??= say(field, message);
  }
  return out;
}

const FIELD_NAME: Record<string, string> = {
  dueSoonPercent: 'Warn “due soon” after',
  followUpDays: 'Follow-up check after',
  enquiryHours: 'Answer enquiries within',
  holidays: 'Closed days',
  week: 'Opening hours',
};

/** The first refusal of a settings change in one line, naming the box: "Low, resolved: Resolution cannot…". */
export function refusalText(e: unknown, under = ''): string | null {
  const first = Object.entries(settingsErrors(e, under))[0];
  if (!first) return null;
  const [field, message] = first;
  const p = field.split('.');
  const where =
    p[0] === 'targets' && p[1]
      ? `${p[1].charAt(0).toUpperCase()}${p[1].slice(1)}, ${p[2] === 'firstResponse' ? 'first answer' : 'resolved'}`
      : p[0] === 'week' && p[1]
        ? DAY_NAME[p[1] as Weekday]
        : FIELD_NAME[field];
  return where ? `${where}: ${message}` : message;
}

/** The length of most open days, in hours (8 for 09:00–17:00), to say what a target means in days. */
export function usualDayHours(v: SettingsValues): number | null {
  const counts = new Map<number, number>();
  for (const d of WEEKDAYS) {
    const day = v.week[d];
    if (!day.open || !day.from || !day.to) continue;
    const [fh = 0, fm = 0] = day.from.split(':').map(Number);
    const [th = 0, tm = 0] = closeOut(day.to).split(':').map(Number);
    const len = (th * 60 + tm - (fh * 60 + fm)) / 60;
    if (len > 0) counts.set(len, (counts.get(len) ?? 0) + 1);
  }
  let best: number | null = null;
  for (const [len, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = len;
  return best;
}
