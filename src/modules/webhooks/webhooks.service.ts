import type { Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import type { SecretBox } from '../../platform/crypto/secrets.ts';
import { AppError, badInput, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import { TEST_EVENT } from './catalogue.ts';
import { createDispatcher, type DispatcherOptions } from './dispatcher.ts';
import { newSecret, refusal, systemLookup, type LookupAll } from './net.ts';
import { createWebhookRepository, presentDelivery, presentEndpoint } from './webhooks.repository.ts';
import type { createWebhookInput, deliveriesQuery, updateWebhookInput } from './webhooks.schema.ts';
import type { z } from 'zod';

/** How long the old secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/**
 * Webhook endpoints: each gets a `whsec_` secret answered once and stored sealed (it must be read back to sign);
 * a URL that points inside the server's network is refused here and again at every delivery.
 */
export function createWebhookService(deps: {
  db: Kysely<Database>;
  box: SecretBox;
  allowPrivate: boolean;
  lookup?: LookupAll;
  clock?: () => Date;
}) {
  const { db, box } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = createWebhookRepository(db);
  const policy = { allowPrivate: deps.allowPrivate, lookup: deps.lookup ?? systemLookup };
  const wakers = new Set<() => void>();
  const wake = () => wakers.forEach((w) => w());

  async function checkUrl(url: string) {
    const why = await refusal(url, policy);
    if (why) throw badInput('WEBHOOK_URL_REFUSED', `The webhook URL ${why}`, '/body/url');
  }
  async function endpointOrThrow(ws: string, id: string) {
    const r = await repo.findEndpoint(ws, id);
    if (!r) throw notFound('WEBHOOK_NOT_FOUND', 'Webhook');
    return r;
  }
  const audit = (
    trx: Kysely<Database>,
    ws: string,
    actor: Actor,
    action: string,
    id: string,
    data?: unknown,
  ) =>
    recordAudit(trx, {
      workspaceId: ws,
      actor: actorRef(actor),
      action,
      entity: 'webhook',
      entityId: id,
      data,
    });

  return {
    policy,
    async create(ws: string, v: z.infer<typeof createWebhookInput>, actor: Actor) {
      await checkUrl(v.url);
      const secret = newSecret();
      const now = clock().toISOString();
      const id = newId();
      const start = newId(); // events from now on
      await writeTransaction(db, async (trx) => {
        await trx
          .insertInto('webhook_endpoints')
          .values({
            workspace_id: ws,
            id,
            url: v.url,
            description: v.description ?? null,
            events: JSON.stringify([...new Set(v.events)]),
            enabled: 1,
            disabled_reason: null,
            secret: box.seal(secret),
            previous_secret: null,
            previous_secret_until: null,
            start_id: start,
            cursor: start,
            gone_count: 0,
            created_by: actorRef(actor),
            created_at: now,
            updated_at: now,
          })
          .execute();
        await audit(trx, ws, actor, 'webhook.created', id, { url: v.url, events: v.events });
      });
      return { ...presentEndpoint(await endpointOrThrow(ws, id), clock()), secret };
    },
    list: async (ws: string) => (await repo.listEndpoints(ws)).map((r) => presentEndpoint(r, clock())),
    get: async (ws: string, id: string) => presentEndpoint(await endpointOrThrow(ws, id), clock()),
    async update(ws: string, id: string, v: z.infer<typeof updateWebhookInput>, actor: Actor) {
      if (v.url !== undefined) await checkUrl(v.url);
      await writeTransaction(db, async (trx) => {
        const r = await repo.lockEndpoint(trx, ws, id);
        if (!r) throw notFound('WEBHOOK_NOT_FOUND', 'Webhook');
        const turnOn = v.enabled === true && Number(r.enabled) !== 1;
        // switched back on: from now on (what happened while it was off is not sent)
        const from = turnOn ? newId() : undefined;
        await trx
          .updateTable('webhook_endpoints')
          .set({
            ...(v.url !== undefined && { url: v.url }),
            ...(v.events !== undefined && { events: JSON.stringify([...new Set(v.events)]) }),
            ...(v.description !== undefined && { description: v.description }),
            ...(v.enabled !== undefined && { enabled: v.enabled ? 1 : 0 }),
            ...(v.enabled !== undefined && { disabled_reason: null, gone_count: 0 }),
            ...(from && { start_id: from, cursor: from }),
            updated_at: clock().toISOString(),
          })
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .execute();
        await audit(trx, ws, actor, 'webhook.updated', id, v);
      });
      wake();
      return presentEndpoint(await endpointOrThrow(ws, id), clock());
    },
    async remove(ws: string, id: string, actor: Actor) {
      await writeTransaction(db, async (trx) => {
        const r = await trx
          .deleteFrom('webhook_endpoints')
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) !== 1) throw notFound('WEBHOOK_NOT_FOUND', 'Webhook');
        await audit(trx, ws, actor, 'webhook.deleted', id);
      });
    },
    /** A new secret, answered once; the old one keeps signing (a second signature) for a day. */
    async rotate(ws: string, id: string, actor: Actor) {
      const secret = newSecret();
      const until = new Date(clock().getTime() + ROTATION_OVERLAP_MS).toISOString();
      await writeTransaction(db, async (trx) => {
        const r = await repo.lockEndpoint(trx, ws, id);
        if (!r) throw notFound('WEBHOOK_NOT_FOUND', 'Webhook');
        await trx
          .updateTable('webhook_endpoints')
          .set({
            secret: box.seal(secret),
            previous_secret: r.secret,
            previous_secret_until: until,
            updated_at: clock().toISOString(),
          })
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .execute();
        await audit(trx, ws, actor, 'webhook.rotated', id);
      });
      return { ...presentEndpoint(await endpointOrThrow(ws, id), clock()), secret };
    },
    /** Queue a `webhook.test` message to the endpoint (sent like any event: signed, retried, logged). */
    async sendTest(ws: string, id: string) {
      await endpointOrThrow(ws, id);
      const now = clock().toISOString();
      const did = newId();
      await db
        .insertInto('webhook_deliveries')
        .values({
          workspace_id: ws,
          id: did,
          endpoint_id: id,
          event_id: `test_${did}`,
          event_type: TEST_EVENT,
          payload: JSON.stringify({
            type: TEST_EVENT,
            timestamp: now,
            data: { endpointId: id, message: 'A test message from Rapport' },
          }),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          window_start: now,
          lease_owner: null,
          lease_until: null,
          response_status: null,
          duration_ms: null,
          error: null,
          created_at: now,
          last_attempt_at: null,
          delivered_at: null,
        })
        .execute();
      wake();
      return presentDelivery((await repo.findDelivery(ws, id, did))!);
    },
    async deliveries(ws: string, id: string, q: z.infer<typeof deliveriesQuery>) {
      await endpointOrThrow(ws, id);
      return { items: (await repo.listDeliveries(ws, id, q)).map(presentDelivery) };
    },
    /** Send a dead letter again: a fresh day of retries from now. */
    async replay(ws: string, id: string, deliveryId: string) {
      const d = await repo.findDelivery(ws, id, deliveryId);
      if (!d) throw notFound('WEBHOOK_DELIVERY_NOT_FOUND', 'Delivery');
      const now = clock().toISOString();
      const r = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: now, window_start: now, error: null })
        .where('workspace_id', '=', ws)
        .where('id', '=', deliveryId)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new AppError('WEBHOOK_NOT_DEAD', 'Only a failed delivery can be sent again', 409);
      wake();
      return presentDelivery((await repo.findDelivery(ws, id, deliveryId))!);
    },
    /** A dispatcher: turns audit rows into deliveries and sends them (tests make several; a server runs one). */
    createDispatcher(o: Partial<DispatcherOptions> = {}) {
      const d = createDispatcher({ db, box, policy, clock, ...o });
      wakers.add(d.poke);
      return d;
    },
  };
}
export type WebhookService = ReturnType<typeof createWebhookService>;
