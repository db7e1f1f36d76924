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
import { campaignNotFound, notSendable, templateNotFound } from './outreach.errors.ts';
import type { Exclusion, OutreachRepository } from './outreach.repository.ts';
import {
  audiencePreviewInput,
  audienceSchema,
  createCampaignSchema,
  listMessagesQuery,
  type Audience,
  type AudiencePreview,
  type Campaign,
} from './outreach.schema.ts';
import { checkContent, toMessage } from './outreach.service.ts';

export const CAMPAIGN_JOB = 'outreach.campaign';
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
}) {
  const { db, repo, outbox } = deps;

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
      return {
        items: page.map(toMessage),
        nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
      };
    },

    /** Send a draft (202): exactly once — the draft becomes "queuing" in one conditional update, and a job queues it. */
    async sendCampaign(ws: string, id: string, actor: Actor): Promise<Campaign> {
      const row = await writeTransaction(db, async (trx) => {
        const r = await getRow(ws, id, trx);
        const changed = await trx
          .updateTable('campaigns')
          .set({ status: 'queuing', queued_at: nowIso() })
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
        return { ...r, status: 'queuing' as const, queued_at: nowIso() };
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
            ...(e.excluded && {
              status: 'skipped' as const,
              errorCode: e.excluded,
              error: notSendable(e.excluded, channel).message,
            }),
          }),
        );
        await writeTransaction(db, (trx) => outbox.insertMany(trx, rows));
        for (const e of part) {
          if (e.excluded) skipped++;
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
      deps.poke?.();
      return { queued, skipped };
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
