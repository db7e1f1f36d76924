import type { Kysely, Selectable, Updateable } from 'kysely';
import type { CardPart } from '../timeline/index.ts';
import type { Database, EnquiryTable } from '../../platform/db/schema.ts';

export type EnquiryRow = Selectable<EnquiryTable> & { customer_name: string; owner_name: string };

export function createEnquiriesRepository(db: Kysely<Database>) {
  const base = (t: Kysely<Database>, ws: string) =>
    t
      .selectFrom('enquiries as e')
      .innerJoin('customers as c', (j) =>
        j.onRef('c.workspace_id', '=', 'e.workspace_id').onRef('c.id', '=', 'e.customer_id'),
      )
      .innerJoin('users as u', (j) =>
        j.onRef('u.workspace_id', '=', 'e.workspace_id').onRef('u.id', '=', 'e.owner_id'),
      )
      .selectAll('e')
      .select(['c.name as customer_name', 'u.name as owner_name'])
      .where('e.workspace_id', '=', ws);
  return {
    get: (ws: string, id: string, trx: Kysely<Database> = db): Promise<EnquiryRow | undefined> =>
      base(trx, ws).where('e.id', '=', id).executeTakeFirst(),
    /** The enquiry, its row locked until the transaction ends (PostgreSQL; SQLite's write transaction is alone). */
    // the row alone first (PostgreSQL re-checks a locked row that changed, not the rows joined to it), then afresh
    lock: async (trx: Kysely<Database>, ws: string, id: string): Promise<EnquiryRow | undefined> => {
      const locked = await trx
        .selectFrom('enquiries')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return locked && base(trx, ws).where('e.id', '=', id).executeTakeFirst();
    },
    async insert(trx: Kysely<Database>, row: Selectable<EnquiryTable>) {
      await trx.insertInto('enquiries').values(row).execute();
    },
    async update(trx: Kysely<Database>, ws: string, id: string, patch: Updateable<EnquiryTable>) {
      await trx
        .updateTable('enquiries')
        .set(patch)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },
    /** The inbox, soonest first-response deadline first. */
    async page(
      ws: string,
      f: {
        state: string;
        ownerId?: string | undefined;
        customerId?: string | undefined;
        kind?: string | undefined;
      },
      after: { due: string; id: string } | undefined,
      limit: number,
    ): Promise<EnquiryRow[]> {
      let q = base(db, ws);
      if (f.state === 'active') q = q.where('e.active', '=', 1);
      if (f.state === 'waiting') q = q.where('e.active', '=', 1).where('e.first_responded_at', 'is', null);
      if (f.state === 'answered')
        q = q.where('e.active', '=', 1).where('e.first_responded_at', 'is not', null);
      if (f.state === 'done') q = q.where('e.active', '=', 0);
      if (f.ownerId) q = q.where('e.owner_id', '=', f.ownerId);
      if (f.customerId) q = q.where('e.customer_id', '=', f.customerId);
      if (f.kind) q = q.where('e.kind', '=', f.kind as EnquiryTable['kind']);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('e.first_response_due_at', '>', after.due),
            eb.and([eb('e.first_response_due_at', '=', after.due), eb('e.id', '>', after.id)]),
          ]),
        );
      return q.orderBy('e.first_response_due_at').orderBy('e.id').limit(limit).execute();
    },
    async reassignCustomer(trx: Kysely<Database>, ws: string, from: string, into: string) {
      await trx
        .updateTable('enquiries')
        .set({ customer_id: into })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute();
    },
  };
}

/** For the caller card: the customer's enquiries still open. */
export const openEnquiriesOnCard: CardPart<number> = {
  columns: (eb) => ({
    n: eb
      .selectFrom('enquiries as q')
      .select((x) => x.fn.countAll<number | string>().as('n'))
      .whereRef('q.workspace_id', '=', 'c.workspace_id')
      .whereRef('q.customer_id', '=', 'c.id')
      .where('q.active', '=', 1),
  }),
  read: (cols) => Number(cols.n),
};
