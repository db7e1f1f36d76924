import type { Kysely } from 'kysely';
import { z } from 'zod';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { formatMoney } from '../../platform/money.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { OutreachService } from '../outreach/index.ts';
import type { TimelineService } from '../timeline/index.ts';

export const NPS_JOB = 'retention.nps';

export const retentionSettingsSchema = z
  .object({
    npsEnabled: z
      .boolean()
      .describe('Ask "how likely are you to recommend us?" after a purchase or a closed complaint'),
    npsChannel: z.enum(['email', 'sms', 'whatsapp']),
    npsEveryDays: z
      .number()
      .int()
      .min(7)
      .max(730)
      .describe('At most one NPS question per customer in this many days'),
    npsDelayHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .describe('How long after the purchase or the close to ask'),
    reviewUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .describe('Where a happy customer can leave a review (Google, …)'),
    notContactedDays: z
      .number()
      .int()
      .min(7)
      .max(730)
      .describe('A valuable customer not contacted in this many days needs attention'),
  })
  .meta({ id: 'RetentionSettings' });
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;
const DEFAULTS: RetentionSettings = {
  npsEnabled: false,
  npsChannel: 'email',
  npsEveryDays: 90,
  npsDelayHours: 24,
  reviewUrl: null,
  notContactedDays: 60,
};

export const npsReportQuery = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
const npsOf = (scores: number[]) => {
  const n = scores.length;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return {
    n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: n ? Math.round(((promoters - detractors) / n) * 100) : null,
  };
};
const npsFigures = z.object({
  n: z.number(),
  promoters: z.number(),
  passives: z.number(),
  detractors: z.number(),
  nps: z.number().nullable(),
});
export const npsReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    overall: npsFigures,
    months: z.array(npsFigures.extend({ month: z.string() })),
    staff: z
      .array(npsFigures.extend({ staffId: z.string().nullable(), name: z.string() }))
      .describe('By who served them'),
  })
  .meta({ id: 'NpsReport' });

export const reviewInputSchema = z.object({
  platform: z.string().trim().min(1).max(100).describe('Google, Facebook, Jumia, a letter…'),
  stars: z.number().int().min(1).max(5).optional(),
  text: z.string().trim().max(10_000).optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  reviewedOn: z.iso.date(),
});
export const reviewSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    platform: z.string(),
    stars: z.number().nullable(),
    text: z.string().nullable(),
    url: z.string().nullable(),
    reviewedOn: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Review' });

export const notContactedSchema = z
  .object({
    days: z.number(),
    items: z.array(
      z.object({
        customerId: z.string(),
        name: z.string(),
        clv12m: z.number().nullable(),
        lastContactAt: z.string().nullable(),
        why: z.string(),
      }),
    ),
  })
  .meta({ id: 'NotContacted' });

/**
 * The voice of the customer and who needs a call: NPS after a purchase or a closed complaint (at most once per
 * N days per customer, scheduled hourly by one job per workspace), its report over time and by staff member,
 * reviews recorded from any platform, and "valuable customers not contacted in N days" (D4).
 */
export function createNpsService(deps: {
  db: Kysely<Database>;
  customers: CustomerService;
  timeline: TimelineService;
  outreach: OutreachService;
  /** The newest run's most valuable customers (top `share` by 12-month CLV) not contacted since `before`. */
  valuableNotContacted: (
    ws: string,
    share: number,
    before: string,
  ) => Promise<{ customerId: string; name: string; clv12m: number | null; lastContactAt: string | null }[]>;
  clock?: () => Date;
}) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function getSettings(ws: string, trx: Kysely<Database> = db): Promise<RetentionSettings> {
    const r = await trx
      .selectFrom('retention_settings')
      .selectAll()
      .where('workspace_id', '=', ws)
      .executeTakeFirst();
    if (!r) return DEFAULTS;
    return {
      npsEnabled: Number(r.nps_enabled) === 1,
      npsChannel: r.nps_channel as RetentionSettings['npsChannel'],
      npsEveryDays: Number(r.nps_every_days),
      npsDelayHours: Number(r.nps_delay_hours),
      reviewUrl: r.review_url,
      notContactedDays: Number(r.not_contacted_days),
    };
  }

  return {
    getSettings,
    /** Two customers merged: the reviews follow. */
    async moveOnMerge(trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) {
      await trx
        .updateTable('reviews')
        .set({ customer_id: into.id })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from.id)
        .execute();
    },
    async updateSettings(ws: string, input: unknown, actor: Actor): Promise<RetentionSettings> {
      const v = retentionSettingsSchema.partial().parse(input);
      return writeTransaction(db, async (trx) => {
        const cur = await getSettings(ws, trx);
        const s: RetentionSettings = {
          npsEnabled: v.npsEnabled ?? cur.npsEnabled,
          npsChannel: v.npsChannel ?? cur.npsChannel,
          npsEveryDays: v.npsEveryDays ?? cur.npsEveryDays,
          npsDelayHours: v.npsDelayHours ?? cur.npsDelayHours,
          reviewUrl: v.reviewUrl !== undefined ? v.reviewUrl : cur.reviewUrl,
          notContactedDays: v.notContactedDays ?? cur.notContactedDays,
        };
        const row = {
          nps_enabled: s.npsEnabled ? 1 : 0,
          nps_channel: s.npsChannel,
          nps_every_days: s.npsEveryDays,
          nps_delay_hours: s.npsDelayHours,
          review_url: s.reviewUrl,
          not_contacted_days: s.notContactedDays,
          updated_at: nowIso(),
        };
        await trx
          .insertInto('retention_settings')
          .values({ workspace_id: ws, ...row })
          .onConflict((oc) => oc.column('workspace_id').doUpdateSet(row))
          .execute();
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'retention.settings',
          entity: 'workspace',
          entityId: ws,
          data: v,
        });
        return s;
      });
    },

    /** Workspaces that ask NPS (the hourly scheduler enqueues one job each). */
    async npsWorkspaces(): Promise<string[]> {
      return (
        await db
          .selectFrom('retention_settings')
          .select('workspace_id')
          .where('nps_enabled', '=', 1)
          .execute()
      ).map((r) => r.workspace_id);
    },

    /**
     * Queue the NPS question for customers whose purchase or closed complaint is `npsDelayHours` old (a 3-day
     * window catches up after downtime), unless they were asked in the last `npsEveryDays`. The message key names
     * the event, so an event asks once; the job runs once per workspace and hour, so two processes never race.
     */
    async scheduleNps(ws: string): Promise<{ queued: number; skipped: number }> {
      const s = await getSettings(ws);
      if (!s.npsEnabled) return { queued: 0, skipped: 0 };
      const now = clock();
      const end = new Date(now.getTime() - s.npsDelayHours * 3_600_000).toISOString();
      const start = new Date(Date.parse(end) - 3 * 86_400_000).toISOString();
      const events = new Map<string, { key: string; at: string }>();
      const add = (customerId: string | null, key: string, at: string) => {
        if (!customerId) return;
        const cur = events.get(customerId);
        if (!cur || cur.at < at) events.set(customerId, { key, at });
      };
      for (const o of await db
        .selectFrom('orders')
        .select(['id', 'customer_id', 'placed_at'])
        .where('workspace_id', '=', ws)
        .where('placed_at', '>', start)
        .where('placed_at', '<=', end)
        .where('total', '>', 0)
        .execute())
        add(o.customer_id, `order:${o.id}`, o.placed_at);
      for (const k of await db
        .selectFrom('complaints')
        .select(['id', 'customer_id', 'closed_at'])
        .where('workspace_id', '=', ws)
        .where('closed_at', '>', start)
        .where('closed_at', '<=', end)
        .execute())
        add(k.customer_id, `complaint:${k.id}`, k.closed_at as string);
      let queued = 0;
      let skipped = 0;
      const since = new Date(now.getTime() - s.npsEveryDays * 86_400_000).toISOString();
      for (const [customerId, e] of events) {
        const recent = await db
          .selectFrom('messages')
          .select('id')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', customerId)
          .where('dedupe_key', 'like', `nps:${customerId}:%`)
          .where('created_at', '>', since)
          .executeTakeFirst();
        if (recent) {
          skipped++;
          continue;
        }
        try {
          const r = await deps.outreach.queueMessage(
            ws,
            customerId,
            {
              channel: s.npsChannel,
              purpose: 'service',
              subject: 'How did we do, {{ customer.first_name }}?',
              body: 'Hello {{ customer.first_name | default: "there" }},\n\nHow likely are you to recommend {{ shop.name }} to a friend? One tap: {{ survey_url }}\n\nThank you!',
              survey: 'nps',
            },
            { dedupeKey: `nps:${customerId}:${e.key}`, createdBy: 'system:nps' },
          );
          if (r.created) queued++;
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 409) throw err;
          skipped++; // no address, suppressed, …: nobody is asked against the rules
        }
      }
      return { queued, skipped };
    },

    /** The sale's recorder or the complaint's owner behind an NPS message key (nps:<customer>:<kind>:<id>). */
    async staffOf(trx: Kysely<Database>, ws: string, dedupeKey: string): Promise<string | null> {
      const [, , kind, id] = dedupeKey.split(':');
      if (!id) return null;
      if (kind === 'complaint') {
        const k = await trx
          .selectFrom('complaints')
          .select('owner_id')
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .executeTakeFirst();
        return k?.owner_id ?? null;
      }
      if (kind === 'order') {
        const a = await trx
          .selectFrom('audit_log')
          .select('actor')
          .where('workspace_id', '=', ws)
          .where('entity', '=', 'order')
          .where('entity_id', '=', id)
          .where('action', '=', 'create')
          .executeTakeFirst();
        return a?.actor.startsWith('user:') ? a.actor.slice(5) : null;
      }
      return null;
    },

    /** A promoter with marketing consent is asked for a review (once per answer), when the shop has a review link. */
    async askForReview(ws: string, customerId: string, answerId: string) {
      const s = await getSettings(ws);
      if (!s.reviewUrl) return;
      try {
        await deps.outreach.queueMessage(
          ws,
          customerId,
          {
            channel: s.npsChannel,
            purpose: 'marketing',
            subject: 'Thank you, {{ customer.first_name }}!',
            body: `Thank you for your kind words. Would you share them where others can read them? It takes a minute and means a lot to us: ${s.reviewUrl}`,
          },
          { dedupeKey: `review-request:${answerId}`, createdBy: 'system:nps' },
        );
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 409) throw err;
      }
    },

    async report(ws: string, query: unknown) {
      const q = npsReportQuery.parse(query ?? {});
      const to = q.to ?? clock().toISOString().slice(0, 10);
      const from =
        q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
      const rows = await db
        .selectFrom('survey_answers as a')
        .leftJoin('users as u', (j) =>
          j.onRef('u.workspace_id', '=', 'a.workspace_id').onRef('u.id', '=', 'a.staff_id'),
        )
        .select(['a.score', 'a.created_at', 'a.staff_id', 'u.name'])
        .where('a.workspace_id', '=', ws)
        .where('a.kind', '=', 'nps')
        .where('a.created_at', '>=', `${from}T00:00:00.000Z`)
        .where('a.created_at', '<=', `${to}T23:59:59.999Z`)
        .execute();
      const group = <K extends string>(key: (r: (typeof rows)[number]) => K) => {
        const m = new Map<K, number[]>();
        for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), Number(r.score)]);
        return m;
      };
      const names = new Map(rows.map((r) => [r.staff_id, r.name]));
      return {
        from,
        to,
        overall: npsOf(rows.map((r) => Number(r.score))),
        months: [...group((r) => r.created_at.slice(0, 7))]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([month, s]) => ({ month, ...npsOf(s) })),
        staff: [...group((r) => r.staff_id ?? '')].map(([id, s]) => ({
          staffId: id || null,
          name: id ? (names.get(id) ?? 'A former user') : 'Not known',
          ...npsOf(s),
        })),
      };
    },

    // --- reviews ---
    async addReview(ws: string, customerId: string, input: unknown, actor: Actor) {
      const v = reviewInputSchema.parse(input);
      const row = {
        workspace_id: ws,
        id: newId(),
        customer_id: customerId,
        platform: v.platform,
        stars: v.stars ?? null,
        text: v.text || null,
        url: v.url ?? null,
        reviewed_on: v.reviewedOn,
        created_by: actorRef(actor),
        created_at: nowIso(),
      };
      await writeTransaction(db, async (trx) => {
        await deps.customers.existsOrThrow(ws, customerId, trx);
        await trx.insertInto('reviews').values(row).execute();
        await deps.timeline.insertInteraction(trx, ws, {
          customerId,
          kind: 'review',
          direction: 'inbound',
          body: `Review on ${v.platform}${v.stars ? `: ${'★'.repeat(v.stars)}${'☆'.repeat(5 - v.stars)}` : ''}${v.text ? ` — “${v.text}”` : ''}`,
          authorId: actor.kind === 'user' ? actor.id : null,
          occurredAt: `${v.reviewedOn}T12:00:00.000Z`,
          meta: { reviewId: row.id, url: v.url ?? null },
        });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'review.recorded',
          entity: 'review',
          entityId: row.id,
        });
      });
      return {
        id: row.id,
        customerId,
        platform: row.platform,
        stars: row.stars,
        text: row.text,
        url: row.url,
        reviewedOn: row.reviewed_on,
        createdAt: row.created_at,
      };
    },
    async listReviews(ws: string, customerId: string) {
      await deps.customers.existsOrThrow(ws, customerId);
      const rows = await db
        .selectFrom('reviews')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .orderBy('reviewed_on', 'desc')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          customerId: r.customer_id,
          platform: r.platform,
          stars: r.stars === null ? null : Number(r.stars),
          text: r.text,
          url: r.url,
          reviewedOn: r.reviewed_on,
          createdAt: r.created_at,
        })),
        nextCursor: null,
      };
    },

    /** D4: the most valuable fifth (by 12-month CLV) not contacted in N days, longest silence first. */
    async notContacted(ws: string) {
      const s = await getSettings(ws);
      const before = new Date(clock().getTime() - s.notContactedDays * 86_400_000).toISOString();
      const rows = await deps.valuableNotContacted(ws, 0.2, before);
      const now = clock().getTime();
      const { currency } = await db
        .selectFrom('workspaces')
        .select('currency')
        .where('id', '=', ws)
        .executeTakeFirstOrThrow();
      return {
        days: s.notContactedDays,
        items: rows.map((r) => ({
          ...r,
          why: `Among your most valuable fifth${r.clv12m !== null ? ` (expected to spend about ${formatMoney(r.clv12m, currency)} in the next 12 months)` : ''}; ${
            r.lastContactAt
              ? `last contact ${Math.floor((now - Date.parse(r.lastContactAt)) / 86_400_000)} days ago`
              : 'never contacted'
          }`,
        })),
      };
    },
  };
}
export type NpsService = ReturnType<typeof createNpsService>;
