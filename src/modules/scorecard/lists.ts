import {
  isStateMetric,
  keptOnTime,
  minutesBetween,
  promiseCounts,
  type Metric,
  type Period,
} from './figures.ts';
import type { ScorecardRepository } from './scorecard.repository.ts';

type Item = { customerId: string; detail: string | null; at: string | null };
type Ctx = {
  now: string;
  start: string;
  end: string;
  periods: Period[];
  cap: (end: string) => string;
  userId: string | undefined;
  offset: number;
  limit: number;
};

/** "2 h 5 min", "3 days 4 h": a wait in words. */
export function duration(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  return `${d} days${h ? ` ${h} h` : ''}`;
}

const TITLES: Record<Metric, string> = {
  promisesKeptOnTime: 'Promises not kept on time (broken, kept late, or overdue)',
  firstResponse: 'Complaints and enquiries received, the longest waits first',
  resolveTime: 'Complaints received, the slowest to resolve first',
  closedConfirmed: 'Complaints closed without the customer’s confirmation',
  proactiveContacts: 'Active customers nobody contacted in this time',
  needsKnown: 'Active customers without needs recorded',
  withPhone: 'Active customers without a phone number',
  withEmail: 'Active customers without an email address',
  withBirthday: 'Active customers without a birthday',
  withConsent: 'Active customers without their consent recorded',
  nps: 'Customers who scored 0–6 (detractors)',
};

/** The customers behind one figure over the range, a page of them. */
export async function listCustomers(repo: ScorecardRepository, ws: string, metric: Metric, c: Ctx) {
  const page = (rows: { id: string; name: string }[], detail: string) => ({
    metric,
    title: TITLES[metric],
    items: rows.slice(0, c.limit).map((r) => ({ customerId: r.id, name: r.name, detail, at: null })),
    nextCursor: rows.length > c.limit ? String(c.offset + c.limit) : null,
  });
  if (isStateMetric(metric))
    return page(await repo.activeWithout(ws, metric, c.cap(c.end), c.offset, c.limit + 1), 'Not recorded');
  if (metric === 'proactiveContacts')
    return page(
      await repo.activeNotContacted(ws, c.start, c.cap(c.end), c.offset, c.limit + 1),
      'Not contacted in this time',
    );

  let items: Item[] = [];
  if (metric === 'promisesKeptOnTime') {
    items = (await repo.promises(ws, c.start, c.end, c.userId))
      .filter((p) => promiseCounts(p, c.now) && !keptOnTime(p))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .map((p) => ({
        customerId: p.customerId,
        at: p.dueAt,
        detail: `${p.status === 'kept' ? 'Kept late' : p.status === 'broken' ? 'Broken' : 'Overdue'}: ${p.what}`,
      }));
  } else if (metric === 'firstResponse') {
    const rows = await repo.responses(ws, c.start, c.end, c.userId);
    const wait = (r: (typeof rows)[number]) => minutesBetween(r.receivedAt, r.respondedAt ?? c.now);
    items = rows
      .sort((a, b) => Number(!!a.respondedAt) - Number(!!b.respondedAt) || wait(b) - wait(a))
      .map((r) => ({
        customerId: r.customerId,
        at: r.receivedAt,
        detail: `${r.kind === 'complaint' ? 'Complaint' : 'Enquiry'}: ${r.respondedAt ? `answered after ${duration(wait(r))}` : `waiting for ${duration(wait(r))}`}`,
      }));
  } else if (metric === 'resolveTime' || metric === 'closedConfirmed') {
    const rows = await repo.complaints(ws, c.start, c.end, c.userId);
    if (metric === 'resolveTime') {
      const took = (k: (typeof rows)[number]) => minutesBetween(k.receivedAt, k.resolvedAt ?? c.now);
      items = rows
        .filter((k) => k.receivedAt >= c.start && k.receivedAt < c.end)
        .sort((a, b) => Number(!!a.resolvedAt) - Number(!!b.resolvedAt) || took(b) - took(a))
        .map((k) => ({
          customerId: k.customerId,
          at: k.receivedAt,
          detail: k.resolvedAt ? `Resolved after ${duration(took(k))}` : `Open for ${duration(took(k))}`,
        }));
    } else
      items = rows
        .filter(
          (k) => k.closedAt && k.closedAt >= c.start && k.closedAt < c.end && k.closeHow !== 'confirmed',
        )
        .sort((a, b) => (a.closedAt as string).localeCompare(b.closedAt as string))
        .map((k) => ({
          customerId: k.customerId,
          at: k.closedAt,
          detail:
            k.closeHow === 'unreachable' ? 'Closed: the customer could not be reached' : 'Closed unconfirmed',
        }));
  } else {
    items = (await repo.nps(ws, c.start, c.end, c.userId))
      .filter((a) => a.score <= 6 && a.customerId)
      .sort((a, b) => a.score - b.score || a.at.localeCompare(b.at))
      .map((a) => ({ customerId: a.customerId as string, at: a.at, detail: `Scored ${a.score} out of 10` }));
  }
  const slice = items.slice(c.offset, c.offset + c.limit);
  const names = await repo.names(
    ws,
    slice.map((i) => i.customerId),
  );
  return {
    metric,
    title: TITLES[metric],
    items: slice.map((i) => ({ ...i, name: names.get(i.customerId) ?? 'A removed customer' })),
    nextCursor: items.length > c.offset + c.limit ? String(c.offset + c.limit) : null,
  };
}
