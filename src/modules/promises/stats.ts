import { DateTime } from 'luxon';
import { badInput } from '../../platform/errors.ts';
import type { PromisesRepository } from './promises.repository.ts';
import { promiseStatsQuery, type PromiseStats } from './promises.schema.ts';

type Counts = { due: number; keptOnTime: number; keptLate: number; broken: number; stillOpen: number };
const empty = (): Counts => ({ due: 0, keptOnTime: 0, keptLate: 0, broken: 0, stillOpen: 0 });
const withRate = (c: Counts) => ({ ...c, rate: c.due ? c.keptOnTime / c.due : null });

/**
 * The kept-on-time rate: of the promises due in a period (cancelled ones aside), how many were kept by their due
 * time. A promise counts once it is decided — kept, broken, or still open past its due time (not kept on time);
 * one still open and not yet due does not count. Periods are local weeks (Monday first) or months; `people` is per
 * owner. The scorecard reuses this.
 */
export async function promiseStats(
  deps: { repo: PromisesRepository; zone: string; now: Date },
  ws: string,
  query: unknown,
  ownerId?: string,
): Promise<PromiseStats> {
  const q = promiseStatsQuery.parse(query ?? {});
  const { zone, now } = deps;
  const unit = q.by;
  const today = DateTime.fromJSDate(now, { zone });
  const to = q.to ? DateTime.fromISO(q.to, { zone }) : today;
  const from = q.from
    ? DateTime.fromISO(q.from, { zone })
    : to.minus(unit === 'week' ? { weeks: 11 } : { months: 11 });
  if (from > to) throw badInput('BAD_RANGE', 'from is after to', '/querystring/from');
  const start = from.startOf(unit);
  const end = to.plus({ days: 1 }).startOf('day');
  const rows = await deps.repo.dueBetween(
    ws,
    start.toUTC().toISO() as string,
    end.toUTC().toISO() as string,
    ownerId,
  );

  const periods = new Map<string, Counts>();
  for (let p = start; p < end; p = p.plus(unit === 'week' ? { weeks: 1 } : { months: 1 }))
    periods.set(p.toISODate() as string, empty());
  const people = new Map<string, Counts & { name: string }>();
  const overall = empty();
  for (const r of rows) {
    const open = r.status === 'open';
    if (open && Date.parse(r.due_at) >= now.getTime()) continue; // not decided yet
    const key = DateTime.fromISO(r.due_at, { zone }).startOf(unit).toISODate() as string;
    const person = people.get(r.owner_id) ?? { ...empty(), name: r.owner_name };
    people.set(r.owner_id, person);
    for (const c of [overall, periods.get(key), person]) {
      if (!c) continue;
      c.due++;
      if (r.status === 'kept' && r.kept_late === 0) c.keptOnTime++;
      else if (r.status === 'kept') c.keptLate++;
      else if (r.status === 'broken') c.broken++;
      else c.stillOpen++;
    }
  }
  return {
    from: start.toISODate() as string,
    to: to.toISODate() as string,
    by: unit,
    overall: withRate(overall),
    periods: [...periods].map(([period, c]) => ({ period, ...withRate(c) })),
    people: [...people]
      .map(([userId, { name, ...c }]) => ({ userId, name, ...withRate(c) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
