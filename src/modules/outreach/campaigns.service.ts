import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { CampaignTable, Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { AppError, badInput } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChannelName, Purpose } from './channels/channel.ts';
import { newMessageRow, type OutboxRepository } from './outbox.repository.ts';
import { campaignNotFound, channelNotConfigured, notSendable, templateNotFound } from './outreach.errors.ts';
import type { Exclusion, OutreachRepository } from './outreach.repository.ts';
import {
  audiencePreviewInput,
  audienceSchema,
  createCampaignSchema,
  listMessagesQuery,
  type Audience,
  type AudiencePreview,
  type Campaign,
  type CampaignOutcome,
} from './outreach.schema.ts';
import { meanDifference, proportionDifference } from '../../stats/index.ts';
import { checkContent, toMessage } from './outreach.service.ts';

export const CAMPAIGN_JOB = 'outreach.campaign';

/**
 * Is this customer in the campaign's holdout? A fixed draw per (campaign, customer) from SHA-256, so a re-run
 * after a crash puts everyone in the same group again, and nobody can choose who is kept back.
 */
export function inHoldout(campaignId: string, customerId: string, percent: number): boolean {
  if (percent <= 0) return false;
  const h = createHash('sha256').update(`${campaignId}:${customerId}`).digest();
  return (h.readUInt32BE(0) / 2 ** 32) * 100 < percent;
}
const BATCH = 1000;

/** Customers of a predicted list, stage or segment (the analytics module answers from its newest run). */
export type PredictedAudience = (
  ws: string,
  by: { list: 'at_risk' | 'lapsed' | 'rising' } | { stage: string } | { segment: string },
) => Promise<string[]>;

const toCampaign = (r: Selectable<CampaignTable>, counts: Record<string, number>): Campaign => ({
  id: r.id,
  name: r.name,
  channel: r.channel as ChannelName,
  purpose: r.purpose as Purpose,
  subject: r.subject,
  body: r.body,
  audience: audienceSchema.parse(JSON.parse(r.audience)),
  holdoutPercent: Number(r.holdout_percent),
  survey: r.survey === 'defection' ? 'defection' : null,
  status: r.status,
  counts,
  createdAt: r.created_at,
  queuedAt: r.queued_at,
});

export function createCampaignService(deps: {
  db: Kysely<Database>;
  repo: OutreachRepository;
  outbox: OutboxRepository;
  queue: JobQueue;
  predicted: PredictedAudience;
  dueAt: (ws: string) => Promise<string>;
  /** Wake the job runner and the sender. */
  poke?: () => void;
  /** Can the workspace send on this channel at all? */
  ready: (ws: string, channel: ChannelName) => Promise<boolean>;
  clock?: () => Date;
}) {
  const { db, repo, outbox } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function audienceIds(ws: string, a: Audience): Promise<string[]> {
    switch (a.kind) {
      case 'all':
        return (
          await db.selectFrom('customers').select('id').where('workspace_id', '=', ws).orderBy('id').execute()
        ).map((r) => r.id);
      case 'tag':
        return (
          await db
            .selectFrom('customer_tags')
            .select('customer_id')
            .where('workspace_id', '=', ws)
            .where('tag', '=', a.tag)
            .orderBy('customer_id')
            .execute()
        ).map((r) => r.customer_id);
      case 'customers':
        return [...new Set(a.ids)];
      case 'list':
        return deps.predicted(ws, { list: a.list });
      case 'stage':
        return deps.predicted(ws, { stage: a.stage });
      case 'segment':
        return deps.predicted(ws, { segment: a.segment });
    }
  }

  async function counts(ws: string, id: string) {
    const out: Record<string, number> = {};
    for (const r of await outbox.campaignCounts(ws, id)) {
      out[r.status] = (out[r.status] ?? 0) + Number(r.n);
      if (r.status === 'skipped' && r.error_code)
        out[`skipped:${r.error_code}`] = (out[`skipped:${r.error_code}`] ?? 0) + Number(r.n);
    }
    const clicked = await outbox.clicked(ws, id);
    if (clicked) out.clicked = clicked;
    return out;
  }
  async function getRow(ws: string, id: string, trx: Kysely<Database> = db) {
    const r = await trx
      .selectFrom('campaigns')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw campaignNotFound();
    return r;
  }

  return {
    audienceIds,
    /** Who an audience reaches on a channel, and who it leaves out and why — before anything is sent. */
    async previewAudience(ws: string, input: unknown): Promise<AudiencePreview> {
      const v = audiencePreviewInput.parse(input);
      const ids = await audienceIds(ws, v.audience);
      const excluded: Record<Exclusion, number> = { no_consent: 0, no_address: 0, suppressed: 0 };
      let eligible = 0;
      const examples: AudiencePreview['examples'] = [];
      const kept: AudiencePreview['examples'] = [];
      for (let i = 0; i < ids.length; i += BATCH * 5) {
        for (const e of await repo.eligibility(ws, ids.slice(i, i + BATCH * 5), v.channel, v.purpose)) {
          if (e.excluded) {
            excluded[e.excluded]++;
            if (examples.length < 10)
              examples.push({ customerId: e.customerId, name: e.name, excluded: e.excluded });
          } else {
            eligible++;
            if (kept.length < 5) kept.push({ customerId: e.customerId, name: e.name, excluded: null });
          }
        }
      }
      return {
        total: eligible + excluded.no_address + excluded.no_consent + excluded.suppressed,
        eligible,
        excluded,
        holdout: Math.round((eligible * v.holdoutPercent) / 100),
        examples: [...examples, ...kept],
      };
    },

    async createCampaign(ws: string, input: unknown, actor: Actor): Promise<Campaign> {
      const v = createCampaignSchema.parse(input);
      let { subject, body } = v;
      let whatsapp = v.whatsappTemplate ?? null;
      if (v.templateId) {
        const t = await repo.template(ws, v.templateId);
        if (!t) throw templateNotFound();
        if (t.channel !== v.channel)
          throw badInput(
            'TEMPLATE_CHANNEL_MISMATCH',
            `This template is for ${t.channel}, the campaign for ${v.channel}`,
            '/templateId',
          );
        subject = subject ?? t.subject;
        body = body ?? t.body;
        whatsapp = whatsapp ?? (t.whatsapp_template ? JSON.parse(t.whatsapp_template) : null);
      }
      if (!body) throw badInput('VALIDATION_FAILED', 'Say something: a body or a template', '/body');
      checkContent({ channel: v.channel, subject, body });
      const row: Selectable<CampaignTable> = {
        workspace_id: ws,
        id: newId(),
        name: v.name,
        channel: v.channel,
        purpose: v.purpose,
        template_id: v.templateId ?? null,
        subject: v.channel === 'email' ? (subject ?? null) : null,
        body,
        whatsapp_template: whatsapp ? JSON.stringify(whatsapp) : null,
        audience: JSON.stringify(v.audience),
        holdout_percent: v.holdoutPercent,
        survey: v.survey ?? null,
        status: 'draft',
        queued: 0,
        excluded: null,
        created_by: actorRef(actor),
        created_at: nowIso(),
        sent_at: null,
        queued_at: null,
      };
      await writeTransaction(db, async (trx) => {
        await trx.insertInto('campaigns').values(row).execute();
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'campaign.created',
          entity: 'campaign',
          entityId: row.id,
        });
      });
      return toCampaign(row, {});
    },
    async listCampaigns(ws: string) {
      const rows = await db
        .selectFrom('campaigns')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('created_at', 'desc')
        .limit(200)
        .execute();
      return {
        items: await Promise.all(rows.map(async (r) => toCampaign(r, await counts(ws, r.id)))),
        nextCursor: null,
      };
    },
    async getCampaign(ws: string, id: string): Promise<Campaign> {
      return toCampaign(await getRow(ws, id), await counts(ws, id));
    },
    async campaignMessages(ws: string, id: string, query: unknown) {
      const q = listMessagesQuery.parse(query ?? {});
      await getRow(ws, id);
      const rows = await outbox.ofCampaign(ws, id, q.status, q.limit + 1, q.cursor ?? null);
      const page = rows.slice(0, q.limit);
      // the list names each customer, so a person can act on "no email" or "no consent"
      const ids = [...new Set(page.map((r) => r.customer_id).filter((x): x is string => x !== null))];
      const names = new Map(
        ids.length
          ? (
              await db
                .selectFrom('customers')
                .select(['id', 'name'])
                .where('workspace_id', '=', ws)
                .where('id', 'in', ids)
                .execute()
            ).map((c) => [c.id, c.name])
          : [],
      );
      return {
        items: page.map((r) => ({
          ...toMessage(r),
          customerName: r.customer_id ? (names.get(r.customer_id) ?? null) : null,
        })),
        nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
      };
    },

    /** Send a draft (202): exactly once — the draft becomes "queuing" in one conditional update, and a job queues it. */
    async sendCampaign(ws: string, id: string, actor: Actor): Promise<Campaign> {
      const draft = await getRow(ws, id);
      if (draft.status === 'draft' && !(await deps.ready(ws, draft.channel as ChannelName)))
        throw channelNotConfigured(draft.channel);
      const row = await writeTransaction(db, async (trx) => {
        const r = await getRow(ws, id, trx);
        const changed = await trx
          .updateTable('campaigns')
          .set({ status: 'queuing', queued_at: clock().toISOString() })
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .where('status', '=', 'draft')
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1)
          throw new AppError(
            'CAMPAIGN_NOT_DRAFT',
            `This campaign was already ${r.status === 'cancelled' ? 'cancelled' : 'sent'}`,
            409,
          );
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'campaign.sent',
          entity: 'campaign',
          entityId: id,
        });
        return { ...r, status: 'queuing' as const, queued_at: clock().toISOString() };
      });
      await deps.queue.enqueue({
        workspaceId: ws,
        kind: CAMPAIGN_JOB,
        payload: { campaignId: id },
        idempotencyKey: id,
        maxAttempts: 10,
      });
      deps.poke?.();
      return toCampaign(row, {});
    },
    async cancelCampaign(ws: string, id: string, actor: Actor): Promise<Campaign> {
      await writeTransaction(db, async (trx) => {
        await getRow(ws, id, trx);
        const changed = await trx
          .updateTable('campaigns')
          .set({ status: 'cancelled' })
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .where('status', 'in', ['draft', 'queuing', 'sending'])
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1)
          throw new AppError(
            'CAMPAIGN_NOT_CANCELLABLE',
            'This campaign has finished or was cancelled already',
            409,
          );
        // what has not been handed to a provider yet stays unsent
        await trx
          .updateTable('messages')
          .set({ status: 'cancelled', error: 'The campaign was cancelled' })
          .where('workspace_id', '=', ws)
          .where('campaign_id', '=', id)
          .where('status', '=', 'queued')
          .execute();
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'campaign.cancelled',
          entity: 'campaign',
          entityId: id,
        });
      });
      return this.getCampaign(ws, id);
    },

    /**
     * The job: one outbox row per audience member, 1,000 per transaction — queued, or skipped with the reason.
     * The (campaign, customer) key makes a re-run after a crash add only what is missing.
     */
    async queueCampaign(ws: string, id: string, progress: (done: number, total: number) => Promise<void>) {
      const c = await getRow(ws, id);
      if (c.status !== 'queuing') return { queued: 0, skipped: 0, status: c.status };
      const ids = await audienceIds(ws, audienceSchema.parse(JSON.parse(c.audience)));
      const channel = c.channel as ChannelName;
      const purpose = c.purpose as Purpose;
      let queued = 0;
      let skipped = 0;
      const next = await deps.dueAt(ws);
      for (let i = 0; i < ids.length; i += BATCH) {
        const part = await repo.eligibility(ws, ids.slice(i, i + BATCH), channel, purpose);
        const holdout = Number(c.holdout_percent);
        const rows = part.map((e) =>
          newMessageRow(ws, {
            dedupeKey: `c:${id}:${e.customerId}`,
            campaignId: id,
            customerId: e.customerId,
            channel,
            purpose,
            to: e.to,
            nextAttemptAt: next,
            createdBy: c.created_by,
            ...(e.excluded
              ? {
                  status: 'skipped' as const,
                  errorCode: e.excluded,
                  error: notSendable(e.excluded, channel).message,
                }
              : inHoldout(id, e.customerId, holdout) && {
                  status: 'skipped' as const,
                  errorCode: 'holdout',
                  error:
                    'In the holdout group: kept back at random and not messaged, so the effect can be measured',
                }),
          }),
        );
        await writeTransaction(db, (trx) => outbox.insertMany(trx, rows));
        for (const r of rows) {
          if (r.status === 'skipped') skipped++;
          else queued++;
        }
        await progress(Math.min(i + BATCH, ids.length), ids.length);
      }
      await db
        .updateTable('campaigns')
        .set({ status: sql`case when status = 'queuing' then 'sending' else status end`, queued })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
      // nothing to send (everyone left out or kept back): done now, no sender will pass by
      if (!(await outbox.hasPending(ws, id)))
        await db
          .updateTable('campaigns')
          .set({ status: 'done', sent_at: clock().toISOString() })
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .where('status', '=', 'sending')
          .execute();
      deps.poke?.();
      return { queued, skipped };
    },

    /**
     * Did the campaign bring customers back, rather than chance? Intention to treat: every eligible customer
     * assigned to be messaged (whether or not the message arrived) against the randomised holdout, bought again
     * within 30, 60 and 90 days of the campaign, with Newcombe's interval of the difference; and net revenue per
     * customer within 90 days with Welch's interval.
     */
    async outcome(ws: string, id: string): Promise<CampaignOutcome> {
      const now = clock();
      const c = await getRow(ws, id);
      const w = await db
        .selectFrom('workspaces')
        .select('currency')
        .where('id', '=', ws)
        .executeTakeFirstOrThrow();
      const start = c.queued_at;
      const members = await db
        .selectFrom('messages')
        .select(['customer_id', 'status', 'error_code'])
        .where('workspace_id', '=', ws)
        .where('campaign_id', '=', id)
        .where('customer_id', 'is not', null)
        .where((eb) => eb.or([eb('status', '!=', 'skipped'), eb('error_code', '=', 'holdout')]))
        .execute();
      const group = new Map<string, 'treated' | 'holdout'>();
      for (const m of members)
        group.set(
          m.customer_id as string,
          m.error_code === 'holdout' && m.status === 'skipped' ? 'holdout' : 'treated',
        );
      const firstBuy = new Map<string, number>();
      const revenue = new Map<string, number>();
      if (start) {
        const until = new Date(Date.parse(start) + 90 * 86_400_000).toISOString();
        const ids = [...group.keys()];
        for (let i = 0; i < ids.length; i += 500) {
          const rows = await db
            .selectFrom('orders')
            .select(['customer_id', 'placed_at', 'total', 'refunded'])
            .where('workspace_id', '=', ws)
            .where('customer_id', 'in', ids.slice(i, i + 500))
            .where('placed_at', '>', start)
            .where('placed_at', '<=', until)
            .where('total', '>', 0)
            .execute();
          for (const o of rows) {
            const cid = o.customer_id as string;
            const days = (Date.parse(o.placed_at) - Date.parse(start)) / 86_400_000;
            firstBuy.set(cid, Math.min(firstBuy.get(cid) ?? Infinity, days));
            revenue.set(cid, (revenue.get(cid) ?? 0) + Number(o.total) - Number(o.refunded));
          }
        }
      }
      const treated = [...group].filter(([, g]) => g === 'treated').map(([cid]) => cid);
      const holdout = [...group].filter(([, g]) => g === 'holdout').map(([cid]) => cid);
      const returned = (ids: string[], days: number) =>
        ids.filter((cid) => (firstBuy.get(cid) ?? Infinity) <= days).length;
      const windows = [30, 60, 90].map((days) => {
        const t = returned(treated, days);
        const h = returned(holdout, days);
        const d = proportionDifference(t, treated.length, h, holdout.length);
        return {
          days,
          complete: start !== null && now.getTime() >= Date.parse(start) + days * 86_400_000,
          treated: { customers: treated.length, returned: t, rate: d.p1 },
          holdout: { customers: holdout.length, returned: h, rate: d.p2 },
          uplift: d.difference,
          ci95: d.ci95,
        };
      });
      const rev = meanDifference(
        treated.map((cid) => revenue.get(cid) ?? 0),
        holdout.map((cid) => revenue.get(cid) ?? 0),
      );
      const w90 = windows[2] as (typeof windows)[number];
      const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
      const verdict = !start
        ? 'Not sent yet.'
        : !holdout.length
          ? 'No holdout group: the returns cannot be told apart from chance. Keep some customers back next time (10 % is usual).'
          : !w90.ci95
            ? 'Too few customers to compare yet.'
            : w90.ci95[0] > 0
              ? `The campaign brought customers back: ${pct(w90.treated.rate)} of those messaged bought again within 90 days against ${pct(w90.holdout.rate)} of the holdout (+${pct(w90.uplift)}, 95 % interval ${pct(w90.ci95[0])} to ${pct(w90.ci95[1])}).`
              : w90.ci95[1] < 0
                ? `Those messaged came back less than the holdout (${pct(w90.uplift)}): the message may have put people off.`
                : `No clear effect yet: ${pct(w90.treated.rate)} messaged vs ${pct(w90.holdout.rate)} holdout came back within 90 days; the difference (${pct(w90.uplift)}) could be chance (95 % interval ${pct(w90.ci95[0])} to ${pct(w90.ci95[1])}).${w90.complete ? '' : ' The 90 days are not over yet.'}`;
      return {
        campaignId: id,
        startedAt: start,
        holdoutPercent: Number(c.holdout_percent),
        windows,
        revenue90: {
          currency: w.currency,
          treatedPerCustomer: Math.round(rev.mean1),
          holdoutPerCustomer: Math.round(rev.mean2),
          difference: Math.round(rev.difference),
          ci95: rev.ci95 ? [Math.round(rev.ci95[0]), Math.round(rev.ci95[1])] : null,
        },
        wonBack: returned(treated, 90),
        verdict,
      };
    },

    /** Campaigns whose last message has left become "done". */
    async finishCampaigns(ws: string, ids: string[]) {
      for (const id of ids)
        if (!(await outbox.hasPending(ws, id)))
          await db
            .updateTable('campaigns')
            .set({ status: 'done', sent_at: nowIso() })
            .where('workspace_id', '=', ws)
            .where('id', '=', id)
            .where('status', '=', 'sending')
            .execute();
    },
  };
}
export type CampaignService = ReturnType<typeof createCampaignService>;
