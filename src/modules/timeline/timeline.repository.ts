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
    /** Lock one timeline entry's row until the transaction ends (PostgreSQL; SQLite's write transaction already serialises). */
    async lock(ws: string, id: string, trx: Kysely<Database>): Promise<void> {
      await trx
        .selectFrom('interactions')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .forUpdate()
        .execute();
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
    async update(
      trx: Kysely<Database>,
      ws: string,
      id: string,
      set: Partial<
        Pick<Selectable<InteractionTable>, 'kind' | 'direction' | 'body' | 'occurred_at' | 'customer_id'>
      >,
    ) {
      await trx
        .updateTable('interactions')
        .set(set)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },
    /** Give an unknown caller's call to a customer; false when it already has one (a parallel claim won). */
    async claim(trx: Kysely<Database>, ws: string, id: string, customerId: string): Promise<boolean> {
      const r = await trx
        .updateTable('interactions')
        .set({ customer_id: customerId })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where('customer_id', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Delete one; answers whether it was there (parallel deletes: one wins). */
    async delete(trx: Kysely<Database>, ws: string, id: string): Promise<boolean> {
      const r = await trx
        .deleteFrom('interactions')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** The customer's newest and oldest touch (null when none). */
    async span(ws: string, customerId: string, trx: Kysely<Database> = db) {
      const r = await trx
        .selectFrom('interactions')
        .select((eb) => [
          eb.fn.min<string | null>('occurred_at').as('first'),
          eb.fn.max<string | null>('occurred_at').as('last'),
        ])
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .executeTakeFirst();
      return { first: r?.first ?? null, last: r?.last ?? null };
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
