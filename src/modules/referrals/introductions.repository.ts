import type { Kysely } from 'kysely';
import type { Database, IntroductionTable } from '../../platform/db/schema.ts';

export type IntroductionRow = IntroductionTable & { a_name: string; b_name: string };

/** All SQL of business_profiles and introductions. */
export function createIntroductionsRepository(db: Kysely<Database>) {
  const withNames = (trx: Kysely<Database>, ws: string) =>
    trx
      .selectFrom('introductions as i')
      .innerJoin('customers as ca', (j) =>
        j.onRef('ca.workspace_id', '=', 'i.workspace_id').onRef('ca.id', '=', 'i.a_id'),
      )
      .innerJoin('customers as cb', (j) =>
        j.onRef('cb.workspace_id', '=', 'i.workspace_id').onRef('cb.id', '=', 'i.b_id'),
      )
      .selectAll('i')
      .select(['ca.name as a_name', 'cb.name as b_name'])
      .where('i.workspace_id', '=', ws);
  return {
    profile: (ws: string, customerId: string) =>
      db
        .selectFrom('business_profiles')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .executeTakeFirst(),
    profiles: (ws: string, limit: number) =>
      db
        .selectFrom('business_profiles as p')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'p.workspace_id').onRef('c.id', '=', 'p.customer_id'),
        )
        .select(['p.customer_id', 'c.name', 'p.offers', 'p.needs'])
        .where('p.workspace_id', '=', ws)
        .orderBy('c.name')
        .orderBy('p.customer_id')
        .limit(limit)
        .execute(),
    async saveProfile(
      trx: Kysely<Database>,
      row: {
        workspace_id: string;
        customer_id: string;
        offers: string;
        needs: string;
        note: string | null;
        updated_at: string;
      },
    ) {
      await trx
        .insertInto('business_profiles')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'customer_id']).doUpdateSet({
            offers: row.offers,
            needs: row.needs,
            note: row.note,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },
    pairKeys: async (ws: string) =>
      (await db.selectFrom('introductions').select('pair_key').where('workspace_id', '=', ws).execute()).map(
        (r) => r.pair_key,
      ),
    async insert(trx: Kysely<Database>, row: IntroductionTable): Promise<boolean> {
      const r = await trx
        .insertInto('introductions')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'pair_key']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    get: (ws: string, id: string, trx: Kysely<Database> = db) =>
      withNames(trx, ws).where('i.id', '=', id).executeTakeFirst() as Promise<IntroductionRow | undefined>,
    list: (ws: string, q: { customerId?: string | undefined; status?: string | undefined; limit: number }) =>
      withNames(db, ws)
        .$if(!!q.customerId, (s) =>
          s.where((eb) =>
            eb.or([eb('i.a_id', '=', q.customerId as string), eb('i.b_id', '=', q.customerId as string)]),
          ),
        )
        .$if(!!q.status, (s) => s.where('i.status', '=', q.status as IntroductionTable['status']))
        .orderBy('i.created_at', 'desc')
        .orderBy('i.id', 'desc')
        .limit(q.limit)
        .execute() as Promise<IntroductionRow[]>,
    /** Set one party's answer while it is still 'asked'; true when this call did it. */
    async answer(
      trx: Kysely<Database>,
      ws: string,
      id: string,
      side: 'a' | 'b',
      answer: 'yes' | 'no',
      at: string,
    ) {
      const col = side === 'a' ? 'a_consent' : 'b_consent';
      const r = await trx
        .updateTable('introductions')
        .set({ [col]: answer, updated_at: at })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where(col, '=', 'asked')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Move the status from 'asked' once; true when this call did it. */
    async settle(trx: Kysely<Database>, ws: string, id: string, status: 'made' | 'declined', at: string) {
      const r = await trx
        .updateTable('introductions')
        .set({ status, made_at: status === 'made' ? at : null, updated_at: at })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where('status', '=', 'asked')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    setValue: (trx: Kysely<Database>, ws: string, id: string, value: number | null, at: string) =>
      trx
        .updateTable('introductions')
        .set({ value, updated_at: at })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute(),
    /** Per business customer: introductions made with them, and the value passed to them. */
    ledger: (ws: string) =>
      db
        .selectFrom('introductions')
        .select(['a_id', 'b_id', 'provider_id', 'value'])
        .where('workspace_id', '=', ws)
        .where('status', '=', 'made')
        .execute(),
  };
}
