import type { Kysely, Updateable } from 'kysely';
import type { CardPart } from '../timeline/index.ts';
import type { Database, PromiseTable } from '../../platform/db/schema.ts';

export type PromiseRow = PromiseTable & { customer_name: string; owner_name: string };

/** Promises with their customer's and owner's names; every query scoped by workspace. */
export function createPromisesRepository(db: Kysely<Database>) {
  const base = (trx: Kysely<Database>, ws: string) =>
    trx
      .selectFrom('promises as p')
      .innerJoin('customers as c', (j) =>
        j.onRef('c.workspace_id', '=', 'p.workspace_id').onRef('c.id', '=', 'p.customer_id'),
      )
      .innerJoin('users as u', (j) =>
        j.onRef('u.workspace_id', '=', 'p.workspace_id').onRef('u.id', '=', 'p.owner_id'),
      )
      .selectAll('p')
      .select(['c.name as customer_name', 'u.name as owner_name'])
      .where('p.workspace_id', '=', ws);

  return {
    base,
    get: (ws: string, id: string, trx: Kysely<Database> = db) =>
      base(trx, ws).where('p.id', '=', id).executeTakeFirst(),

    async list(
      ws: string,
      f: {
        customerId?: string | undefined;
        ownerId?: string | undefined;
        status: string;
        now: string;
        limit: number;
      },
    ) {
      let q = base(db, ws);
      if (f.customerId) q = q.where('p.customer_id', '=', f.customerId);
      if (f.ownerId) q = q.where('p.owner_id', '=', f.ownerId);
      if (f.status === 'overdue') q = q.where('p.status', '=', 'open').where('p.due_at', '<', f.now);
      else if (f.status !== 'all') q = q.where('p.status', '=', f.status as PromiseTable['status']);
      return q.orderBy('p.due_at').orderBy('p.id').limit(f.limit).execute();
    },

    insert: (trx: Kysely<Database>, row: PromiseTable) => trx.insertInto('promises').values(row).execute(),

    /** A conditional UPDATE: changes the row only while `where` still holds (the exactly-once guard). */
    async updateIf(
      trx: Kysely<Database>,
      ws: string,
      id: string,
      patch: Updateable<PromiseTable>,
      guard: { status?: 'open'; notDueAt?: string; nullColumn?: 'reminded_at' | 'late_notice_message_id' },
    ): Promise<boolean> {
      let q = trx.updateTable('promises').set(patch).where('workspace_id', '=', ws).where('id', '=', id);
      if (guard.status) q = q.where('status', '=', guard.status);
      if (guard.notDueAt) q = q.where('due_at', '<>', guard.notDueAt);
      if (guard.nullColumn) q = q.where(guard.nullColumn, 'is', null);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Open promises of any workspace that need their reminder by `before` (timed) or are all-day on `dates`. */
    dueForReminder: (before: string) =>
      db
        .selectFrom('promises')
        .select(['workspace_id', 'id', 'owner_id', 'customer_id', 'what', 'due_at', 'all_day', 'due_date'])
        .where('status', '=', 'open')
        .where('reminded_at', 'is', null)
        .where('due_at', '<=', before)
        .orderBy('due_at')
        .limit(500)
        .execute(),

    /** Promises due in [from, to) (UTC instants), for the kept-on-time rate. */
    dueBetween: (ws: string, from: string, to: string, ownerId?: string) => {
      let q = db
        .selectFrom('promises as p')
        .innerJoin('users as u', (j) =>
          j.onRef('u.workspace_id', '=', 'p.workspace_id').onRef('u.id', '=', 'p.owner_id'),
        )
        .select(['p.owner_id', 'u.name as owner_name', 'p.due_at', 'p.status', 'p.kept_late'])
        .where('p.workspace_id', '=', ws)
        .where('p.due_at', '>=', from)
        .where('p.due_at', '<', to)
        .where('p.status', '<>', 'cancelled');
      if (ownerId) q = q.where('p.owner_id', '=', ownerId);
      return q.execute();
    },

    moveOnMerge: (trx: Kysely<Database>, ws: string, from: string, into: string) =>
      trx
        .updateTable('promises')
        .set({ customer_id: into })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute(),
  };
}
export type PromisesRepository = ReturnType<typeof createPromisesRepository>;

/** For the caller card: the customer's open promises (so whoever answers knows what was promised). */
export const openPromisesOnCard: CardPart<number> = {
  columns: (eb) => ({
    n: eb
      .selectFrom('promises as pr')
      .select((x) => x.fn.countAll<number | string>().as('n'))
      .whereRef('pr.workspace_id', '=', 'c.workspace_id')
      .whereRef('pr.customer_id', '=', 'c.id')
      .where('pr.status', '=', 'open'),
  }),
  read: (cols) => Number(cols.n),
};
