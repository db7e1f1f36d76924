import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

export type DuplicatePair = { a: string; b: string; reason: 'phone' | 'email' | 'name'; value: string };
export type Dismissal = { a: string; b: string; dismissedBy: string; dismissedAt: string };

/**
 * Nobody said x and y are different people, in either order of the pair. Rows are stored with
 * customer_a < customer_b as JavaScript compares strings; the suggestion queries order pairs by the database's
 * collation, which on PostgreSQL may disagree, so both orders are looked up (each a primary-key probe).
 */
function notDismissed(ws: string, x: string, y: string) {
  const probe = (first: string, second: string) =>
    sql`not exists (select 1 from duplicate_dismissals d where d.workspace_id = ${ws}
      and d.customer_a = ${sql.ref(first)} and d.customer_b = ${sql.ref(second)})`;
  return sql<SqlBool>`${probe(x, y)} and ${probe(y, x)}`;
}

/** SQL for finding likely duplicates and folding one customer into another. */
export function createMergeRepository(db: Kysely<Database>) {
  return {
    /** Pairs of customers sharing an E.164 phone, a normalised email, or the same folded name. */
    async duplicatePairs(ws: string, limit: number): Promise<DuplicatePair[]> {
      const phones = await db
        .selectFrom('customer_phones as a')
        .innerJoin('customer_phones as b', (j) =>
          j
            .onRef('a.workspace_id', '=', 'b.workspace_id')
            .onRef('a.e164', '=', 'b.e164')
            .onRef('a.customer_id', '<', 'b.customer_id'),
        )
        .select(['a.customer_id as a', 'b.customer_id as b', 'a.e164 as value'])
        .where('a.workspace_id', '=', ws)
        .where('a.valid', '=', 1)
        .where(notDismissed(ws, 'a.customer_id', 'b.customer_id'))
        .limit(limit)
        .execute();
      const emails = await db
        .selectFrom('customer_emails as a')
        .innerJoin('customer_emails as b', (j) =>
          j
            .onRef('a.workspace_id', '=', 'b.workspace_id')
            .onRef('a.normalized', '=', 'b.normalized')
            .onRef('a.customer_id', '<', 'b.customer_id'),
        )
        .select(['a.customer_id as a', 'b.customer_id as b', 'a.normalized as value'])
        .where('a.workspace_id', '=', ws)
        .where(notDismissed(ws, 'a.customer_id', 'b.customer_id'))
        .limit(limit)
        .execute();
      const names = await db
        .selectFrom('customers as a')
        .innerJoin('customers as b', (j) =>
          j
            .onRef('a.workspace_id', '=', 'b.workspace_id')
            .onRef('a.sort_name', '=', 'b.sort_name')
            .onRef('a.id', '<', 'b.id'),
        )
        .select(['a.id as a', 'b.id as b', 'a.name as value'])
        .where('a.workspace_id', '=', ws)
        .where(notDismissed(ws, 'a.id', 'b.id'))
        .limit(limit)
        .execute();
      return [
        ...phones.map((p) => ({ a: p.a, b: p.b, reason: 'phone' as const, value: p.value ?? '' })),
        ...emails.map((e) => ({ a: e.a, b: e.b, reason: 'email' as const, value: e.value })),
        ...names.map((n) => ({ a: n.a, b: n.b, reason: 'name' as const, value: n.value })),
      ];
    },

    /** Remember that a and b (a < b) are different people; false when that was already known. */
    async insertDismissal(ws: string, d: Dismissal): Promise<boolean> {
      const r = await db
        .insertInto('duplicate_dismissals')
        .values({
          workspace_id: ws,
          customer_a: d.a,
          customer_b: d.b,
          dismissed_by: d.dismissedBy,
          created_at: d.dismissedAt,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'customer_a', 'customer_b']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async findDismissal(ws: string, a: string, b: string): Promise<Dismissal | undefined> {
      const r = await db
        .selectFrom('duplicate_dismissals')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([
            eb.and([eb('customer_a', '=', a), eb('customer_b', '=', b)]),
            eb.and([eb('customer_a', '=', b), eb('customer_b', '=', a)]),
          ]),
        )
        .executeTakeFirst();
      return r && toDismissal(r);
    },
    /** Forget a dismissal (either order); true when there was one. */
    async deleteDismissal(ws: string, a: string, b: string): Promise<boolean> {
      const r = await db
        .deleteFrom('duplicate_dismissals')
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([
            eb.and([eb('customer_a', '=', a), eb('customer_b', '=', b)]),
            eb.and([eb('customer_a', '=', b), eb('customer_b', '=', a)]),
          ]),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** The dismissed pairs, newest first. */
    async listDismissals(ws: string, limit: number): Promise<Dismissal[]> {
      const rows = await db
        .selectFrom('duplicate_dismissals')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('created_at', 'desc')
        .orderBy('customer_a')
        .orderBy('customer_b')
        .limit(limit)
        .execute();
      return rows.map(toDismissal);
    },

    async updateCustomer(trx: Kysely<Database>, ws: string, id: string, set: Partial<Database['customers']>) {
      await trx
        .updateTable('customers')
        .set(set)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },
    /** Remove the merged-away record (its phones, emails, tags and tokens go with it by cascade). */
    async deleteCustomer(trx: Kysely<Database>, ws: string, id: string) {
      await trx.deleteFrom('customers').where('workspace_id', '=', ws).where('id', '=', id).execute();
    },

    /** Move the contact points, tags, links and people of `from` to `into` (skipping what `into` already has). */
    async moveCustomerData(trx: Kysely<Database>, ws: string, from: string, into: string) {
      const has = await trx
        .selectFrom('customer_phones')
        .select(['e164', 'raw'])
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', into)
        .execute();
      const e164s = new Set(has.map((p) => p.e164 ?? p.raw));
      for (const p of await trx
        .selectFrom('customer_phones')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute()) {
        if (e164s.has(p.e164 ?? p.raw)) continue;
        await trx
          .updateTable('customer_phones')
          .set({ customer_id: into, position: 1000 + p.position })
          .where('workspace_id', '=', ws)
          .where('id', '=', p.id)
          .execute();
      }
      const emails = new Set(
        (
          await trx
            .selectFrom('customer_emails')
            .select('normalized')
            .where('workspace_id', '=', ws)
            .where('customer_id', '=', into)
            .execute()
        ).map((e) => e.normalized),
      );
      for (const e of await trx
        .selectFrom('customer_emails')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute()) {
        if (emails.has(e.normalized)) continue;
        await trx
          .updateTable('customer_emails')
          .set({ customer_id: into, position: 1000 + e.position })
          .where('workspace_id', '=', ws)
          .where('id', '=', e.id)
          .execute();
      }
      const tags = (
        await trx
          .selectFrom('customer_tags')
          .select('tag')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', from)
          .execute()
      ).map((t) => t.tag);
      if (tags.length)
        await trx
          .insertInto('customer_tags')
          .values(tags.map((tag) => ({ workspace_id: ws, customer_id: into, tag })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      const ext = await trx
        .selectFrom('customer_external_ids')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute();
      await trx
        .deleteFrom('customer_external_ids')
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute();
      if (ext.length)
        await trx
          .insertInto('customer_external_ids')
          .values(ext.map((x) => ({ ...x, customer_id: into })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      await trx
        .updateTable('customers')
        .set({ business_id: into })
        .where('workspace_id', '=', ws)
        .where('business_id', '=', from)
        .execute();
    },
  };
}

const toDismissal = (r: Database['duplicate_dismissals']): Dismissal => ({
  a: r.customer_a,
  b: r.customer_b,
  dismissedBy: r.dismissed_by,
  dismissedAt: r.created_at,
});
