import { businessMinutesBetween, type BusinessHours } from '../../platform/time/business-hours.ts';
import type { Learning } from './complaints.schema.ts';
import { percentile, type Surge } from '../../platform/time/sla.ts';

export type LearnRow = {
  customer_id: string;
  customer_name: string;
  product: string | null;
  category: string | null;
  root_cause: string | null;
  received_at: string;
  first_response_due_at: string;
  first_responded_at: string | null;
  resolution_due_at: string;
  resolved_at: string | null;
  resolution: string | null;
  refunded: number;
  reopen_count: number;
};

const spread = (xs: number[]) => ({
  count: xs.length,
  median: round(percentile(xs, 0.5)),
  p90: round(percentile(xs, 0.9)),
});
const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function countBy<T>(rows: readonly T[], key: (r: T) => string | null): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const top = <T>(m: Map<string, T[]>, min: number, n = 20) =>
  [...m.entries()]
    .filter(([, v]) => v.length >= min)
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, n);

/**
 * What the complaints of a period teach: speed (business minutes, median and p90), breaches (a deadline
 * missed, whether late or still pending at `now`), refunds, recurrence per customer and product, and root
 * causes by category.
 */
export function learnFrom(
  rows: readonly LearnRow[],
  hours: BusinessHours,
  now: Date,
  range: { from: string; to: string },
  surge: Surge,
): Learning {
  const iso = now.toISOString();
  const mins = (a: string, b: string) => businessMinutesBetween(new Date(a), new Date(b), hours);
  const firstResponse = rows.flatMap((r) =>
    r.first_responded_at ? [mins(r.received_at, r.first_responded_at)] : [],
  );
  const resolution = rows.flatMap((r) => (r.resolved_at ? [mins(r.received_at, r.resolved_at)] : []));
  const frLate = (r: LearnRow) => (r.first_responded_at ?? iso) > r.first_response_due_at;
  const resLate = (r: LearnRow) => (r.resolved_at ?? iso) > r.resolution_due_at;
  const resolved = rows.filter((r) => r.resolved_at);
  const refunds = rows.filter((r) => r.refunded === 1).length;
  return {
    from: range.from,
    to: range.to,
    received: rows.length,
    resolved: resolved.length,
    firstResponseMinutes: spread(firstResponse),
    resolutionMinutes: spread(resolution),
    breaches: {
      firstResponse: rows.filter(frLate).length,
      resolution: rows.filter(resLate).length,
      complaints: rows.filter((r) => frLate(r) || resLate(r)).length,
    },
    refunds,
    refundRate: resolved.length ? Math.round((refunds / resolved.length) * 1000) / 1000 : null,
    resolutions: top(
      countBy(resolved, (r) => r.resolution),
      1,
    ).map(([kind, v]) => ({ kind, count: v.length })),
    recurrence: {
      customers: top(
        countBy(rows, (r) => r.customer_id),
        2,
      ).map(([customerId, v]) => ({
        customerId,
        name: v[0]?.customer_name ?? '',
        count: v.length,
      })),
      products: top(
        countBy(rows, (r) => r.product),
        2,
      ).map(([product, v]) => ({ product, count: v.length })),
      reopened: rows.filter((r) => r.reopen_count > 0).length,
    },
    categories: top(
      countBy(rows, (r) => r.category ?? 'uncategorised'),
      1,
      50,
    ).map(([category, v]) => ({
      category,
      count: v.length,
      refunds: v.filter((r) => r.refunded === 1).length,
      medianResolutionMinutes: round(
        percentile(
          v.flatMap((r) => (r.resolved_at ? [mins(r.received_at, r.resolved_at)] : [])),
          0.5,
        ),
      ),
      rootCauses: top(
        countBy(v, (r) => r.root_cause),
        1,
        10,
      ).map(([rootCause, w]) => ({ rootCause, count: w.length })),
    })),
    surge,
  };
}
