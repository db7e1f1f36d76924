import { sql, type Kysely, type Selectable } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import { createBulkWriter } from '../../platform/db/bulk.ts';
import { isPostgres } from '../../platform/db/transaction.ts';
import type { Database, MessageStatus, MessageTable } from '../../platform/db/schema.ts';

export type MessageRow = Selectable<MessageTable>;

export const newMessageRow = (
  ws: string,
  m: {
    dedupeKey?: string;
    campaignId?: string | null;
    customerId: string | null;
    channel: string;
    purpose: string;
    to: string | null;
    subject?: string | null;
    body?: string | null;
    status?: MessageStatus;
    errorCode?: string | null;
    error?: string | null;
    nextAttemptAt: string;
    createdBy: string;
  },
): MessageRow => {
  const id = newId();
  const at = nowIso();
  return {
    workspace_id: ws,
    id,
    dedupe_key: m.dedupeKey ?? `m:${id}`,
    campaign_id: m.campaignId ?? null,
    customer_id: m.customerId,
    channel: m.channel,
    purpose: m.purpose,
    to_address: m.to,
    subject: m.subject ?? null,
    body: m.body ?? null,
    extra: null,
    status: m.status ?? 'queued',
    attempts: 0,
    next_attempt_at: m.nextAttemptAt,
    locked_by: null,
    locked_until: null,
    provider_id: null,
    error_code: m.errorCode ?? null,
    error: m.error ?? null,
    created_by: m.createdBy,
    created_at: at,
    sent_at: null,
    delivered_at: null,
    clicked_at: null,
  };
};

/**
 * The outbox: every message to send is a row, and a message moves queued → claimed → sending → sent (or
 * failed, skipped). Each step is one conditional UPDATE, so two processes never send the same row:
 *
 * - `claim` takes due queued rows for this sender with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on
 *   SQLite the UPDATE is atomic);
 * - `markSending` moves one claimed row to `sending` just before the provider is called, only while the lease
 *   is this sender's;
 * - `recover` puts back claimed rows whose lease ran out (their sender died before calling the provider: safe
 *   to send) and turns `sending` rows whose lease ran out into `uncertain` — their sender died while the
 *   provider was being called, so the message may or may not have gone; it is never sent a second time, and
 *   staff see it and can send again by hand.
 */
export function createOutboxRepository(db: Kysely<Database>) {
  const bulk = createBulkWriter(db);
  return {
    /**
     * Rows inside the open transaction `trx` of `db`; a row whose key is taken (its dedupe key: a campaign run
     * again after a crash) is left out. Through the bulk writer: Kysely's building of long `values` lists cost
     * more than the database's work (a campaign to 100,000 writes 100,000 rows).
     */
    async insertMany(trx: Kysely<Database>, rows: MessageRow[]): Promise<void> {
      await bulk.insert(trx, 'messages', rows, { onConflict: 'nothing' });
    },
    /** One message; its key taken already fails the unit of work (rerun it: its check then finds the row). */
    async insertOne(trx: Kysely<Database>, row: MessageRow) {
      await trx.insertInto('messages').values(row).execute();
    },
    async byDedupeKey(ws: string, key: string, trx: Kysely<Database> = db) {
      return trx
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('dedupe_key', '=', key)
        .executeTakeFirst();
    },
    async get(ws: string, id: string, trx: Kysely<Database> = db) {
      return trx
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
    },
    async byProviderId(ws: string, channel: string, providerId: string) {
      return db
        .selectFrom('messages')
        .selectAll()
        .where('channel', '=', channel)
        .where('provider_id', '=', providerId)
        .where('workspace_id', '=', ws)
        .executeTakeFirst();
    },

    async claim(senderId: string, limit: number, leaseMs: number, now = new Date()): Promise<MessageRow[]> {
      const at = now.toISOString();
      const pick = db
        .selectFrom('messages')
        .select(['workspace_id', 'id'])
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .limit(limit);
      return (
        db
          .updateTable('messages')
          .set({
            status: 'claimed',
            locked_by: senderId,
            locked_until: new Date(now.getTime() + leaseMs).toISOString(),
          })
          // by the whole primary key: `id` alone matches no index, and the update scanned the outbox
          .where((eb) =>
            eb(
              eb.refTuple('workspace_id', 'id'),
              'in',
              (isPostgres(db) ? pick.forUpdate().skipLocked() : pick).$asTuple('workspace_id', 'id'),
            ),
          )
          .where('status', '=', 'queued')
          .returningAll()
          .execute()
      );
    },
    async markSending(
      trx: Kysely<Database>,
      m: MessageRow,
      senderId: string,
      set: { subject: string | null; body: string; to: string; extra: string | null },
    ) {
      const r = await trx
        .updateTable('messages')
        .set({
          status: 'sending',
          subject: set.subject,
          body: set.body,
          to_address: set.to,
          extra: set.extra,
          attempts: sql`attempts + 1`,
        })
        .where('workspace_id', '=', m.workspace_id)
        .where('id', '=', m.id)
        .where('status', '=', 'claimed')
        .where('locked_by', '=', senderId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Leave `claimed` or `sending` (this sender's) for another state. */
    async settle(
      trx: Kysely<Database>,
      m: MessageRow,
      senderId: string,
      set: Partial<
        Pick<
          MessageRow,
          | 'status'
          | 'provider_id'
          | 'error_code'
          | 'error'
          | 'sent_at'
          | 'next_attempt_at'
          | 'subject'
          | 'body'
        >
      >,
    ) {
      const r = await trx
        .updateTable('messages')
        .set({ ...set, locked_by: null, locked_until: null })
        .where('workspace_id', '=', m.workspace_id)
        .where('id', '=', m.id)
        .where('status', 'in', ['claimed', 'sending'])
        .where('locked_by', '=', senderId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async recover(now = new Date()) {
      const at = now.toISOString();
      const back = await db
        .updateTable('messages')
        .set({ status: 'queued', locked_by: null, locked_until: null })
        .where('status', '=', 'claimed')
        .where('locked_until', '<', at)
        .executeTakeFirst();
      const lost = await db
        .updateTable('messages')
        .set({
          status: 'uncertain',
          locked_by: null,
          locked_until: null,
          error_code: 'INTERRUPTED',
          error:
            'The sender stopped while handing this message to the provider: it may or may not have gone. It is not sent again by itself; send it again if the customer did not get it.',
        })
        .where('status', '=', 'sending')
        .where('locked_until', '<', at)
        .executeTakeFirst();
      return { requeued: Number(back.numUpdatedRows), uncertain: Number(lost.numUpdatedRows) };
    },
    /** Keep this sender's leases alive while a slow provider answers. */
    async renew(senderId: string, leaseMs: number) {
      await db
        .updateTable('messages')
        .set({ locked_until: new Date(Date.now() + leaseMs).toISOString() })
        .where('locked_by', '=', senderId)
        .where('status', 'in', ['claimed', 'sending'])
        .execute();
    },
    /**
     * Messages a workspace handed to providers since `since` (the per-minute send rate), counted up to `cap`:
     * the rate only asks whether the limit is reached, and at hundreds a second a full count reads thousands.
     */
    async sentSince(ws: string, since: string, cap: number) {
      const r = await db
        .selectFrom(
          db
            .selectFrom('messages')
            .select(sql<number>`1`.as('one'))
            .where('workspace_id', '=', ws)
            .where('sent_at', '>=', since)
            .limit(cap)
            .as('recent'),
        )
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Delivery reports only move a message forward (sent → delivered → read), or to failed/bounced. */
    async report(
      ws: string,
      id: string,
      set: Partial<Pick<MessageRow, 'status' | 'delivered_at' | 'error_code' | 'error'>>,
    ) {
      await db.updateTable('messages').set(set).where('workspace_id', '=', ws).where('id', '=', id).execute();
    },
    async history(ws: string, customerId: string, limit: number, after: { at: string; id: string } | null) {
      let q = db
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '<', after.at),
            eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
          ]),
        );
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
    async ofCampaign(
      ws: string,
      campaignId: string,
      status: string | undefined,
      limit: number,
      afterId: string | null,
    ) {
      let q = db
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('campaign_id', '=', campaignId);
      if (status) q = q.where('status', '=', status as MessageStatus);
      if (afterId) q = q.where('id', '>', afterId);
      return q.orderBy('id').limit(limit).execute();
    },
    async campaignCounts(ws: string, campaignId: string) {
      return db
        .selectFrom('messages')
        .select(['status', 'error_code', sql<number>`count(*)`.as('n')])
        .where('workspace_id', '=', ws)
        .where('campaign_id', '=', campaignId)
        .groupBy(['status', 'error_code'])
        .execute();
    },
    async clicked(ws: string, campaignId: string) {
      const r = await db
        .selectFrom('messages')
        .select(sql<number>`count(*)`.as('n'))
        .where('workspace_id', '=', ws)
        .where('campaign_id', '=', campaignId)
        .where('clicked_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Whether any message of the campaign has yet to leave (one index probe, not a count of them all). */
    async hasPending(ws: string, campaignId: string) {
      const r = await db
        .selectFrom('messages')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('campaign_id', '=', campaignId)
        .where('status', 'in', ['queued', 'claimed', 'sending'])
        .limit(1)
        .executeTakeFirst();
      return r !== undefined;
    },
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
