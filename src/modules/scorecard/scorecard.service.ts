import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import {
  activeCountsAt,
  byPeriod,
  closedFig,
  defaultFrom,
  firstResponseFig,
  isStateMetric,
  METRIC_INFO,
  METRICS,
  npsFig,
  periodsOf,
  proactiveFig,
  promiseCounts,
  promisesFig,
  resolveFig,
  stateFig,
  targetMet,
  type ActiveCounts,
  type Fig,
  type Metric,
  type PeriodKind,
} from './figures.ts';
import { listCustomers } from './lists.ts';
import { ACTIVE_DAYS, createScorecardRepository } from './scorecard.repository.ts';
import { scorecardCustomersQuery, scorecardQuery, targetsInput } from './scorecard.schema.ts';

/** The most periods one answer covers (two years of weeks). */
const MAX_PERIODS = 106;

/**
 * The trust & respect scorecard (I4): how the business treats its customers, per business and per staff member,
 * by week or month in the workspace zone; each figure with its customers, trend and the owner's target.
 */
export function createScorecardService(deps: { db: Kysely<Database>; clock?: () => Date }) {
  const repo = createScorecardRepository(deps.db);
  const clock = deps.clock ?? (() => new Date());

  async function rangeOf(ws: string, q: z.infer<typeof scorecardQuery>) {
    const zone = await repo.timezone(ws);
    const now = clock().toISOString();
    const kind: PeriodKind = q.period;
    const to = q.to ?? (DateTime.fromISO(now, { zone }).toISODate() as string);
    const from = q.from ?? defaultFrom(kind, to, zone);
    if (from > to) throw badInput('SCORECARD_RANGE_INVALID', '`from` is after `to`', '/from');
    const periods = periodsOf(kind, from, to, zone);
    if (periods.length > MAX_PERIODS)
      throw badInput('SCORECARD_RANGE_INVALID', `At most ${MAX_PERIODS} ${kind}s at a time`, '/from');
    if (q.userId && !(await repo.users(ws)).some((u) => u.id === q.userId))
      throw notFound('USER_NOT_FOUND', 'User');
    const start = periods[0]?.start as string;
    const end = periods.at(-1)?.end as string;
    /** Customer figures look at the base as it is at the end, or now for a period still running. */
    const cap = (e: string) => (e < now ? e : now);
    return { zone, now, kind, from, to, periods, start, end, cap, userId: q.userId };
  }

  async function targets(ws: string, trx?: Kysely<Database>) {
    const out: Partial<Record<Metric, number>> = {};
    for (const r of await repo.targets(ws, trx)) out[r.metric as Metric] = Number(r.target);
    return out;
  }

  return {
    async get(ws: string, query: unknown) {
      const r = await rangeOf(ws, scorecardQuery.parse(query ?? {}));
      const { periods, start, end, userId } = r;
      const [promises, responses, complaints, contacts, nps, users, goal] = await Promise.all([
        repo.promises(ws, start, end, userId),
        repo.responses(ws, start, end, userId),
        repo.complaints(ws, start, end, userId),
        repo.contacts(ws, start, end, userId),
        repo.nps(ws, start, end, userId),
        repo.users(ws),
        targets(ws),
      ]);
      const due = promises.filter((p) => promiseCounts(p, r.now));
      const received = complaints.filter((k) => k.receivedAt >= start && k.receivedAt < end);
      const closed = complaints.filter((k) => k.closedAt !== null && k.closedAt >= start && k.closedAt < end);
      const ends = [...periods.map((p) => r.cap(p.end)), r.cap(end)];
      const base = await repo.activeBase(
        ws,
        new Date(Date.parse(ends[0] as string) - ACTIVE_DAYS * 86_400_000).toISOString(),
        r.cap(end),
      );
      const counts = activeCountsAt(base.purchases, base.customers, ends, ACTIVE_DAYS);
      const whole = counts.pop() as ActiveCounts;
      const staff = users
        .filter((u) => !u.disabled_at || u.id === userId)
        .filter((u) => !userId || u.id === userId)
        .map((u) => ({ userId: u.id, name: u.name || u.email }));

      /** A figure from rows: the whole range, each period, each person. */
      const people = <R>(
        rows: R[],
        at: (x: R) => string,
        who: (x: R) => string | null,
        calc: (xs: R[]) => Fig,
      ) => ({
        whole: calc(rows),
        trend: byPeriod(periods, rows, at).map(calc),
        staff: staff.map((s) => ({ userId: s.userId, ...calc(rows.filter((x) => who(x) === s.userId)) })),
      });
      const parts: Record<Metric, { whole: Fig; trend: Fig[]; staff: ({ userId: string } & Fig)[] }> = {
        promisesKeptOnTime: people(
          due,
          (p) => p.dueAt,
          (p) => p.ownerId,
          promisesFig,
        ),
        firstResponse: people(
          responses,
          (x) => x.receivedAt,
          (x) => x.ownerId,
          firstResponseFig,
        ),
        resolveTime: people(
          received,
          (k) => k.receivedAt,
          (k) => k.ownerId,
          resolveFig,
        ),
        closedConfirmed: people(
          closed,
          (k) => k.closedAt as string,
          (k) => k.ownerId,
          closedFig,
        ),
        proactiveContacts: {
          whole: proactiveFig(contacts.length, whole.active),
          trend: byPeriod(periods, contacts, (c) => c.at).map((xs, i) =>
            proactiveFig(xs.length, counts[i]?.active ?? 0),
          ),
          staff: staff.map((s) => ({
            userId: s.userId,
            ...proactiveFig(contacts.filter((c) => c.authorId === s.userId).length, whole.active),
          })),
        },
        needsKnown: state('needsKnown'),
        withPhone: state('withPhone'),
        withEmail: state('withEmail'),
        withBirthday: state('withBirthday'),
        withConsent: state('withConsent'),
        nps: people(
          nps,
          (a) => a.at,
          (a) => a.staffId,
          npsFig,
        ),
      };
      function state(m: Metric) {
        if (!isStateMetric(m)) throw new Error(m);
        return { whole: stateFig(m, whole), trend: counts.map((c) => stateFig(m, c)), staff: [] };
      }
      return {
        period: r.kind,
        from: r.from,
        to: r.to,
        timezone: r.zone,
        activeDays: ACTIVE_DAYS,
        periods,
        staff,
        metrics: METRICS.map((metric) => {
          const info = METRIC_INFO[metric];
          const p = parts[metric];
          const target = goal[metric] ?? null;
          return {
            metric,
            label: info.label,
            unit: info.unit,
            better: info.better,
            perPerson: info.perPerson,
            ...p.whole,
            target,
            met: targetMet(metric, p.whole.value, target),
            trend: p.trend.map((f, i) => ({ period: periods[i]?.key as string, ...f })),
            staff: p.staff,
          };
        }),
      };
    },

    /** The customers behind a figure over the range (a page). */
    async customers(ws: string, metric: Metric, query: unknown) {
      const q = scorecardCustomersQuery.parse(query ?? {});
      const r = await rangeOf(ws, q);
      return listCustomers(repo, ws, metric, { ...r, offset: Number(q.cursor ?? 0), limit: q.limit });
    },

    getTargets: async (ws: string) => ({ targets: await targets(ws) }),

    /** Set (or with null, remove) the owner's targets; the others stay. An upsert per figure: parallel PUTs agree. */
    async setTargets(ws: string, input: unknown, actor: Actor) {
      const v = targetsInput.parse(input);
      for (const [m, t] of Object.entries(v.targets)) {
        const info = METRIC_INFO[m as Metric];
        if (t !== null && t !== undefined && (t < info.min || t > info.max))
          throw badInput(
            'SCORECARD_TARGET_INVALID',
            `A target for “${info.label}” is between ${info.min} and ${info.max}`,
            `/targets/${m}`,
          );
      }
      return writeTransaction(deps.db, async (trx) => {
        for (const [m, t] of Object.entries(v.targets))
          if (t !== undefined) await repo.setTarget(trx, ws, m, t, actorRef(actor));
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'scorecard.targets',
          entity: 'workspace',
          entityId: ws,
          data: v.targets,
        });
        return { targets: await targets(ws, trx) };
      });
    },
  };
}
export type ScorecardService = ReturnType<typeof createScorecardService>;
