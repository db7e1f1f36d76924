import type { Kysely, Selectable } from 'kysely';
import type { Database, WebhookDeliveryTable, WebhookEndpointTable } from '../../platform/db/schema.ts';
import type { WebhookEvent } from './catalogue.ts';
import type { Delivery, Webhook } from './webhooks.schema.ts';

export type EndpointRow = Selectable<WebhookEndpointTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;

export function presentEndpoint(r: EndpointRow, now: Date): Webhook {
  const until = r.previous_secret && r.previous_secret_until;
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: JSON.parse(r.events) as WebhookEvent[],
    enabled: Number(r.enabled) === 1,
    disabledReason: r.disabled_reason,
    previousSecretValidUntil: until && until > now.toISOString() ? until : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function presentDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status as Delivery['status'],
    attempts: Number(r.attempts),
    responseStatus: r.response_status === null ? null : Number(r.response_status),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    error: r.error,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    deliveredAt: r.delivered_at,
  };
}

export function createWebhookRepository(db: Kysely<Database>) {
  return {
    findEndpoint: (ws: string, id: string, trx: Kysely<Database> = db) =>
      trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** The endpoint, its row locked until the transaction ends (PostgreSQL; SQLite's write transaction is alone). */
    lockEndpoint: (trx: Kysely<Database>, ws: string, id: string) =>
      trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst(),
    listEndpoints: (ws: string) =>
      db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    findDelivery: (ws: string, endpointId: string, id: string) =>
      db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', id)
        .executeTakeFirst(),
    listDeliveries: (ws: string, endpointId: string, q: { status?: string | undefined; limit: number }) => {
      let s = db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('endpoint_id', '=', endpointId);
      if (q.status) s = s.where('status', '=', q.status);
      return s.orderBy('id', 'desc').limit(q.limit).execute();
    },
  };
}
export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
