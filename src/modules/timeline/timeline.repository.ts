import type { Kysely, Selectable } from 'kysely';
import { createBulkWriter } from '../../platform/db/bulk.ts';
import type { Database, InteractionTable } from '../../platform/db/schema.ts';
import type { Interaction } from './timeline.schema.ts';

type Row = Selectable<InteractionTable> & { author_name: string | null };
const toInteraction = (r: Row): Interaction => ({
  id: r.id,
  customerId: r.customer_id,
  kind: r.kind,
  direction: r.direction,
  body: r.body,
  phone: r.phone,
  authorId: r.author_id,
  authorName: r.author_name,
  occurredAt: r.occurred_at,
  createdAt: r.created_at,
});

export function createTimelineRepository(db: Kysely<Database>) {
  const bulk = createBulkWriter(db);
  const base = (ws: string) =>
    db
      .selectFrom('interactions as i')
      .leftJoin('users as u', (j) =>
        j.onRef('u.workspace_id', '=', 'i.workspace_id').onRef('u.id', '=', 'i.author_id'),
      )
      .selectAll('i')
      .select('u.name as author_name')
      .where('i.workspace_id', '=', ws);

  return {
    async insert(trx: Kysely<Database>, row: Selectable<InteractionTable>) {
      await trx.insertInto('interactions').values(row).execute();
    },
    /** Many rows at once, inside a transaction of `db` (an import's batch of orders). */
    async insertMany(trx: Kysely<Database>, rows: Selectable<InteractionTable>[]) {
      await bulk.insert(trx, 'interactions', rows);
    },
    async find(ws: string, id: string, trx: Kysely<Database> = db) {
      const r = await trx
        .selectFrom('interactions as i')
        .leftJoin('users as u', (j) =>
          j.onRef('u.workspace_id', '=', 'i.workspace_id').onRef('u.id', '=', 'i.author_id'),
        )
        .selectAll('i')
        .select('u.name as author_name')
        .where('i.workspace_id', '=', ws)
        .where('i.id', '=', id)
        .executeTakeFirst();
      return r && toInteraction(r);
    },
    /** Newest first; `before` is the last item of the previous page. */
    async page(ws: string, customerId: string, limit: number, before?: { at: string; id: string }) {
      let q = base(ws).where('i.customer_id', '=', customerId);
      if (before)
        q = q.where((eb) =>
          eb.or([
            eb('i.occurred_at', '<', before.at),
            eb.and([eb('i.occurred_at', '=', before.at), eb('i.id', '<', before.id)]),
          ]),
        );
      const rows = await q.orderBy('i.occurred_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute();
      return rows.map(toInteraction);
    },
    /** Every interaction of the workspace in (occurred_at, id) order, after a position (exports). */
    async pageAll(ws: string, limit: number, after?: { at: string; id: string }) {
      let q = base(ws);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('i.occurred_at', '>', after.at),
            eb.and([eb('i.occurred_at', '=', after.at), eb('i.id', '>', after.id)]),
          ]),
        );
      const rows = await q.orderBy('i.occurred_at').orderBy('i.id').limit(limit).execute();
      return rows.map(toInteraction);
    },
    async reassignCustomer(trx: Kysely<Database>, ws: string, from: string, into: string) {
      await trx
        .updateTable('interactions')
        .set({ customer_id: into })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute();
    },
    async userExists(ws: string, id: string) {
      return !!(await db
        .selectFrom('users')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst());
    },
  };
}
export type TimelineRepository = ReturnType<typeof createTimelineRepository>;
