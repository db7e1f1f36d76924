import type { Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { eventOf, type WebhookEvent } from './catalogue.ts';
import type { EndpointRow } from './webhooks.repository.ts';

/*
 * Fan-out: for every enabled endpoint, the audit rows after its cursor become delivery rows — one per endpoint and
 * event (a unique key, so two dispatchers, or a second look at the same rows, add nothing). Events are written in
 * the same transaction as the change they describe (the audit log is the outbox); this only reads them.
 */

/** Audit rows committed out of id order (a slow transaction) are still seen: each pass looks back this far. */
const LOOKBACK_MS = 60_000;
/** The smallest UUIDv7 of an instant: ids at or after it sort at or after it. */
const floorId = (ms: number) => {
  const h = Math.max(0, ms).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-0000-0000-000000000000`;
};
const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

async function fanOutOne(db: Kysely<Database>, clock: () => Date, e: EndpointRow) {
  const wanted = new Set(JSON.parse(e.events) as WebhookEvent[]);
  const lookback = floorId(msOf(e.cursor) - LOOKBACK_MS);
  let after = lookback > e.start_id ? lookback : e.start_id;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'actor', 'action', 'entity', 'entity_id', 'at', 'data'])
      .where('workspace_id', '=', e.workspace_id)
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (!rows.length) return;
    const now = clock().toISOString();
    const values = rows.flatMap((r) => {
      const data = r.data === null ? null : (JSON.parse(r.data) as unknown);
      const type = eventOf({ entity: r.entity, action: r.action, data });
      if (!type || (wanted.size && !wanted.has(type))) return [];
      const payload = {
        type,
        timestamp: r.at,
        data: {
          id: r.entity_id,
          actor: r.actor,
          ...(data && typeof data === 'object' ? data : { value: data }),
        },
      };
      return [
        {
          workspace_id: e.workspace_id,
          id: newId(),
          endpoint_id: e.id,
          event_id: r.id,
          event_type: type,
          payload: JSON.stringify(payload),
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
        },
      ];
    });
    // the look-back sees rows already turned into deliveries: only the new ones are written
    const seen = values.length
      ? new Set(
          (
            await db
              .selectFrom('webhook_deliveries')
              .select('event_id')
              .where('workspace_id', '=', e.workspace_id)
              .where('endpoint_id', '=', e.id)
              .where(
                'event_id',
                'in',
                values.map((v) => v.event_id),
              )
              .execute()
          ).map((r) => r.event_id),
        )
      : new Set<string>();
    const fresh = values.filter((v) => !seen.has(v.event_id));
    if (fresh.length)
      await db
        .insertInto('webhook_deliveries')
        .values(fresh)
        .onConflict((c) => c.columns(['workspace_id', 'endpoint_id', 'event_id']).doNothing())
        .execute();
    const last = (rows.at(-1) as { id: string }).id;
    await db
      .updateTable('webhook_endpoints')
      .set({ cursor: last })
      .where('workspace_id', '=', e.workspace_id)
      .where('id', '=', e.id)
      .where('cursor', '<', last)
      .execute();
    if (rows.length < 500) return;
    after = last;
  }
}

/** Every enabled endpoint's new events become its deliveries. */
export async function fanOut(db: Kysely<Database>, clock: () => Date) {
  const endpoints = await db.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', 1).execute();
  for (const e of endpoints) await fanOutOne(db, clock, e);
}
