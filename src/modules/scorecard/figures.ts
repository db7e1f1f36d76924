import { DateTime } from 'luxon';

/**
 * The scorecard's arithmetic, pure (rows in, figures out): the periods of a range in the workspace zone, the
 * median, and each figure with its numerator, denominator and trend. The repository reads the rows; the
 * service puts the two together.
 */
export const METRICS = [
  'promisesKeptOnTime',
  'firstResponse',
  'resolveTime',
  'closedConfirmed',
  'proactiveContacts',
  'needsKnown',
  'withPhone',
  'withEmail',
  'withBirthday',
  'withConsent',
  'nps',
] as const;
export type Metric = (typeof METRICS)[number];
export type Unit = 'percent' | 'minutes' | 'hours' | 'per100' | 'score';

/** Label, unit, which way is better, and whether the figure splits by staff member. */
export const METRIC_INFO: Record<
  Metric,
  { label: string; unit: Unit; better: 'higher' | 'lower'; perPerson: boolean; min: number; max: number }
> = {
  promisesKeptOnTime: { label: 'Promises kept on time', unit: 'percent', better: 'higher', perPerson: true, min: 0, max: 100 },
  firstResponse: { label: 'Median first response', unit: 'minutes', better: 'lower', perPerson: true, min: 0, max: 525_600 },
  resolveTime: { label: 'Median time to resolve a complaint', unit: 'hours', better: 'lower', perPerson: true, min: 0, max: 8_760 },
  closedConfirmed: { label: 'Complaints closed with the customer’s confirmation', unit: 'percent', better: 'higher', perPerson: true, min: 0, max: 100 },
  proactiveContacts: { label: 'Proactive contacts per 100 active customers', unit: 'per100', better: 'higher', perPerson: true, min: 0, max: 100_000 },
  needsKnown: { label: 'Active customers with needs recorded', unit: 'percent', better: 'higher', perPerson: false, min: 0, max: 100 },
  withPhone: { label: 'Active customers with a phone number', unit: 'percent', better: 'higher', perPerson: false, min: 0, max: 100 },
  withEmail: { label: 'Active customers with an email address', unit: 'percent', better: 'higher', perPerson: false, min: 0, max: 100 },
  withBirthday: { label: 'Active customers with a birthday', unit: 'percent', better: 'higher', perPerson: false, min: 0, max: 100 },
  withConsent: { label: 'Active customers with their consent recorded', unit: 'percent', better: 'higher', perPerson: false, min: 0, max: 100 },
  nps: { label: 'Net Promoter Score', unit: 'score', better: 'higher', perPerson: true, min: -100, max: 100 },
}; // prettier-ignore

export type PeriodKind = 'week' | 'month';
/** One week (Monday to Sunday) or calendar month in the workspace zone; start and end are UTC instants, end exclusive. */
export type Period = { key: string; label: string; start: string; end: string };

/** The weeks or months covering the local dates `from` … `to` (inclusive), in `zone`. */
export function periodsOf(kind: PeriodKind, from: string, to: string, zone: string): Period[] {
  const last = DateTime.fromISO(to, { zone }).startOf(kind);
  const out: Period[] = [];
  for (let d = DateTime.fromISO(from, { zone }).startOf(kind); d <= last; d = d.plus({ [kind + 's']: 1 })) {
    const end = d.plus({ [kind + 's']: 1 });
    out.push({
      key: d.toISODate() as string,
      label: kind === 'week' ? `Week of ${d.toFormat('d LLL yyyy')}` : d.toFormat('LLLL yyyy'),
      start: d.toUTC().toISO() as string,
      end: end.toUTC().toISO() as string,
    });
  }
  return out;
}

/** The default range: the last 8 weeks or 6 months up to today (local). */
export function defaultFrom(kind: PeriodKind, to: string, zone: string): string {
  const d = DateTime.fromISO(to, { zone });
  return (kind === 'week' ? d.minus({ weeks: 7 }) : d.minus({ months: 5 }))
    .startOf(kind)
    .toISODate() as string;
}

/** Index of the period holding instant `at`, or -1 outside them all. */
export function periodIndex(periods: readonly Period[], at: string): number {
  const t = Date.parse(at);
  let lo = 0;
  let hi = periods.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = periods[mid] as Period;
    if (t < Date.parse(p.start)) hi = mid - 1;
    else if (t >= Date.parse(p.end)) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The median (mean of the two middle values for an even count); null for none. */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export type Fig = { value: number | null; numerator: number; denominator: number };
const round1 = (v: number) => Math.round(v * 10) / 10;
/** A share in percent with one decimal; null when nothing was counted. */
export const percent = (num: number, den: number): Fig => ({
  value: den ? round1((num / den) * 100) : null,
  numerator: num,
  denominator: den,
});

// --- the rows the repository reads ---
export type PromiseRow = {
  customerId: string;
  ownerId: string;
  what: string;
  dueAt: string;
  status: string;
  keptAt: string | null;
};
export type ResponseRow = {
  kind: 'complaint' | 'enquiry';
  customerId: string;
  ownerId: string;
  receivedAt: string;
  respondedAt: string | null;
};
export type ComplaintRow = {
  customerId: string;
  ownerId: string;
  receivedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  closeHow: string | null;
};
export type ContactRow = { customerId: string; authorId: string; at: string };
export type NpsRow = { customerId: string | null; staffId: string | null; at: string; score: number };
/** Active customers (bought in the 365 days before the end) and how many of them have each thing recorded. */
export type ActiveCounts = Record<'active' | 'needs' | 'phone' | 'email' | 'birthday' | 'consent', number>;

/** A promise counts once due (or closed early), unless cancelled; kept on time = kept no later than due. */
export const promiseCounts = (p: PromiseRow, now: string) =>
  p.status !== 'cancelled' && (p.status !== 'open' || p.dueAt <= now);
export const keptOnTime = (p: PromiseRow) => p.status === 'kept' && p.keptAt !== null && p.keptAt <= p.dueAt;
export const minutesBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;

/** Promises kept on time (%) of the promises due. */
export const promisesFig = (rows: PromiseRow[]): Fig => percent(rows.filter(keptOnTime).length, rows.length);
/** Median minutes from received to first response, over the answered; denominator: all received. */
export function firstResponseFig(rows: ResponseRow[]): Fig {
  const waits = rows.flatMap((r) => (r.respondedAt ? [minutesBetween(r.receivedAt, r.respondedAt)] : []));
  const m = median(waits);
  return { value: m === null ? null : Math.round(m), numerator: waits.length, denominator: rows.length };
}
/** Median hours from received to resolved, over the resolved; denominator: all received. */
export function resolveFig(rows: ComplaintRow[]): Fig {
  const hours = rows.flatMap((r) => (r.resolvedAt ? [minutesBetween(r.receivedAt, r.resolvedAt) / 60] : []));
  const m = median(hours);
  return { value: m === null ? null : round1(m), numerator: hours.length, denominator: rows.length };
}
/** Closed complaints (%) the customer confirmed. */
export const closedFig = (rows: ComplaintRow[]): Fig =>
  percent(rows.filter((r) => r.closeHow === 'confirmed').length, rows.length);
/** Proactive contacts per 100 active customers. */
export const proactiveFig = (contacts: number, active: number): Fig => ({
  value: active ? round1((contacts / active) * 100) : null,
  numerator: contacts,
  denominator: active,
});
/** NPS: % promoters (9–10) minus % detractors (0–6); numerator promoters − detractors, denominator answers. */
export function npsFig(rows: NpsRow[]): Fig {
  const p = rows.filter((r) => r.score >= 9).length;
  const d = rows.filter((r) => r.score <= 6).length;
  return {
    value: rows.length ? Math.round(((p - d) / rows.length) * 100) : null,
    numerator: p - d,
    denominator: rows.length,
  };
}
const STATE_KEY = {
  needsKnown: 'needs',
  withPhone: 'phone',
  withEmail: 'email',
  withBirthday: 'birthday',
  withConsent: 'consent',
} as const;
export type StateMetric = keyof typeof STATE_KEY;
export const isStateMetric = (m: Metric): m is StateMetric => m in STATE_KEY;
export const stateFig = (m: StateMetric, c: ActiveCounts): Fig => percent(c[STATE_KEY[m]], c.active);

/** Whether a value meets its target, by the figure's better direction; null without either. */
export function targetMet(metric: Metric, value: number | null, target: number | null): boolean | null {
  if (value === null || target === null) return null;
  return METRIC_INFO[metric].better === 'higher' ? value >= target : value <= target;
}

/** Rows split by the period their instant falls in (rows outside every period are dropped). */
export function byPeriod<R>(periods: readonly Period[], rows: readonly R[], at: (r: R) => string): R[][] {
  const out = periods.map((): R[] => []);
  for (const r of rows) {
    const i = periodIndex(periods, at(r));
    if (i >= 0) (out[i] as R[]).push(r);
  }
  return out;
}

export type CustomerFlags = { id: string } & Record<
  'needs' | 'phone' | 'email' | 'birthday' | 'consent',
  boolean
>;
/**
 * The active customers at each end (a purchase in the `days` before it) and how many of them have each thing
 * recorded, from the purchases and the customers' flags.
 */
export function activeCountsAt(
  purchases: readonly { customerId: string; at: string }[],
  customers: readonly CustomerFlags[],
  ends: readonly string[],
  days: number,
): ActiveCounts[] {
  const times = new Map<string, number[]>();
  for (const p of purchases) {
    const xs = times.get(p.customerId);
    if (xs) xs.push(Date.parse(p.at));
    else times.set(p.customerId, [Date.parse(p.at)]);
  }
  for (const xs of times.values()) xs.sort((a, b) => a - b);
  /** Whether sorted `xs` holds a value in [lo, hi). */
  const within = (xs: number[], lo: number, hi: number) => {
    let a = 0;
    let b = xs.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((xs[m] as number) < lo) a = m + 1;
      else b = m;
    }
    return a < xs.length && (xs[a] as number) < hi;
  };
  return ends.map((end) => {
    const hi = Date.parse(end);
    const lo = hi - days * 86_400_000;
    const c: ActiveCounts = { active: 0, needs: 0, phone: 0, email: 0, birthday: 0, consent: 0 };
    for (const k of customers) {
      if (!within(times.get(k.id) ?? [], lo, hi)) continue;
      c.active++;
      if (k.needs) c.needs++;
      if (k.phone) c.phone++;
      if (k.email) c.email++;
      if (k.birthday) c.birthday++;
      if (k.consent) c.consent++;
    }
    return c;
  });
}
