import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

/** SQL for matching incoming customers (imports): ids in other systems, phones, emails. */
export function createUpsertRepository() {
  return {
    async idByExternal(trx: Kysely<Database>, ws: string, source: string, externalId: string) {
      const r = await trx
        .selectFrom('customer_external_ids')
        .select('customer_id')
        .where('workspace_id', '=', ws)
        .where('source', '=', source)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      return r?.customer_id;
    },
    async idByE164(trx: Kysely<Database>, ws: string, e164s: string[]) {
      if (!e164s.length) return undefined;
      const r = await trx
        .selectFrom('customer_phones')
        .select((eb) => eb.fn.min<string | null>('customer_id').as('customer_id'))
        .where('workspace_id', '=', ws)
        .where('e164', 'in', e164s)
        .executeTakeFirst();
      return r?.customer_id ?? undefined;
    },
    async idByEmail(trx: Kysely<Database>, ws: string, normalized: string[]) {
      if (!normalized.length) return undefined;
      const r = await trx
        .selectFrom('customer_emails')
        .select((eb) => eb.fn.min<string | null>('customer_id').as('customer_id'))
        .where('workspace_id', '=', ws)
        .where('normalized', 'in', normalized)
        .executeTakeFirst();
      return r?.customer_id ?? undefined;
    },
    async linkExternal(
      trx: Kysely<Database>,
      ws: string,
      source: string,
      externalId: string,
      customerId: string,
    ) {
      await trx
        .insertInto('customer_external_ids')
        .values({ workspace_id: ws, source, external_id: externalId, customer_id: customerId })
        .onConflict((oc) => oc.columns(['workspace_id', 'source', 'external_id']).doNothing())
        .execute();
    },
    async contactPoints(trx: Kysely<Database>, ws: string, customerId: string) {
      const [phones, emails, tags] = await Promise.all([
        trx
          .selectFrom('customer_phones')
          .select(['e164', 'raw'])
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', customerId)
          .execute(),
        trx
          .selectFrom('customer_emails')
          .select('normalized')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', customerId)
          .execute(),
        trx
          .selectFrom('customer_tags')
          .select('tag')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', customerId)
          .execute(),
      ]);
      return { phones, emails: emails.map((e) => e.normalized), tags: tags.map((t) => t.tag) };
    },
    async addPhones(trx: Kysely<Database>, rows: Database['customer_phones'][]) {
      if (rows.length) await trx.insertInto('customer_phones').values(rows).execute();
    },
    async addEmails(trx: Kysely<Database>, rows: Database['customer_emails'][]) {
      if (rows.length) await trx.insertInto('customer_emails').values(rows).execute();
    },
    async addTags(trx: Kysely<Database>, rows: Database['customer_tags'][]) {
      if (rows.length)
        await trx
          .insertInto('customer_tags')
          .values(rows)
          .onConflict((oc) => oc.doNothing())
          .execute();
    },
    async fillBlanks(trx: Kysely<Database>, ws: string, id: string, set: Partial<Database['customers']>) {
      if (Object.keys(set).length)
        await trx
          .updateTable('customers')
          .set(set)
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .execute();
    },
  };
}
