import type { Kysely } from 'kysely';
import type { BulkWriter } from '../../platform/db/bulk.ts';
import type { Database } from '../../platform/db/schema.ts';
import { newCustomerRows, type CustomerWrite } from './customers.repository.ts';

/** Split an IN list so no statement exceeds the databases' parameter limits. */
const chunks = <T>(xs: T[], n = 500): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** SQL for matching incoming customers (imports) a batch at a time: ids in other systems, phones, emails. */
export function createUpsertRepository(bulk: BulkWriter) {
  return {
    /** Brand-new customers with their phones, emails, tags and name tokens (bulk statements). */
    async insertNew(trx: Kysely<Database>, ws: CustomerWrite[]) {
      if (!ws.length) return;
      const rows = newCustomerRows(ws);
      await bulk.insert(trx, 'customers', rows.customers);
      await bulk.insert(trx, 'customer_phones', rows.phones);
      await bulk.insert(trx, 'customer_emails', rows.emails);
      await bulk.insert(trx, 'customer_tags', rows.tags);
      await bulk.insert(trx, 'customer_tokens', rows.tokens);
      await bulk.insert(trx, 'customer_vocab', rows.vocab, { onConflict: 'nothing' });
    },
    async idsByExternal(
      trx: Kysely<Database>,
      ws: string,
      source: string,
      externalIds: string[],
    ): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (const part of chunks([...new Set(externalIds)]))
        for (const r of await trx
          .selectFrom('customer_external_ids')
          .select(['external_id', 'customer_id'])
          .where('workspace_id', '=', ws)
          .where('source', '=', source)
          .where('external_id', 'in', part)
          .execute())
          out.set(r.external_id, r.customer_id);
      return out;
    },
    /** Which of these customers are linked to an id in `source` (imported from it). */
    async linkedIds(trx: Kysely<Database>, ws: string, source: string, ids: string[]): Promise<Set<string>> {
      const out = new Set<string>();
      for (const part of chunks([...new Set(ids)]))
        for (const r of await trx
          .selectFrom('customer_external_ids')
          .select('customer_id')
          .where('workspace_id', '=', ws)
          .where('source', '=', source)
          .where('customer_id', 'in', part)
          .execute())
          out.add(r.customer_id);
      return out;
    },
    /** Which of these ids are customers of the workspace (Rapport's own export carries our ids). */
    async existingIds(trx: Kysely<Database>, ws: string, ids: string[]): Promise<Set<string>> {
      const out = new Set<string>();
      for (const part of chunks([...new Set(ids)]))
        for (const r of await trx
          .selectFrom('customers')
          .select('id')
          .where('workspace_id', '=', ws)
          .where('id', 'in', part)
          .execute())
          out.add(r.id);
      return out;
    },
    /** For each E.164 number, the customers having it, oldest first (at most 20: a line shared wider names nobody). */
    async idsByE164(trx: Kysely<Database>, ws: string, e164s: string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      for (const part of chunks([...new Set(e164s)]))
        for (const r of await trx
          .selectFrom('customer_phones')
          .select(['e164', 'customer_id'])
          .where('workspace_id', '=', ws)
          .where('e164', 'in', part)
          .groupBy(['e164', 'customer_id'])
          .orderBy('e164')
          .orderBy('customer_id')
          .execute()) {
          if (!r.e164) continue;
          const ids = out.get(r.e164) ?? [];
          if (!ids.length) out.set(r.e164, ids);
          if (ids.length < 20) ids.push(r.customer_id);
        }
      return out;
    },
    async idsByEmail(trx: Kysely<Database>, ws: string, normalized: string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (const part of chunks([...new Set(normalized)]))
        for (const r of await trx
          .selectFrom('customer_emails')
          .select((eb) => ['normalized', eb.fn.min<string>('customer_id').as('customer_id')])
          .where('workspace_id', '=', ws)
          .where('normalized', 'in', part)
          .groupBy('normalized')
          .execute())
          out.set(r.normalized, r.customer_id);
      return out;
    },
    /** Rows, phones, emails and tags of matched customers, to see what an import would add. */
    async current(trx: Kysely<Database>, ws: string, ids: string[]) {
      const rows = [];
      const phones = [];
      const emails = [];
      const tags = [];
      for (const part of chunks([...new Set(ids)])) {
        rows.push(
          ...(await trx
            .selectFrom('customers')
            .selectAll()
            .where('workspace_id', '=', ws)
            .where('id', 'in', part)
            .execute()),
        );
        phones.push(
          ...(await trx
            .selectFrom('customer_phones')
            .select(['customer_id', 'e164', 'raw'])
            .where('workspace_id', '=', ws)
            .where('customer_id', 'in', part)
            .execute()),
        );
        // `id` keeps SQLite off the (workspace, normalized, customer) index: it covers these two columns, and
        // with approximate statistics (analysis_limit) SQLite chose to scan the whole workspace in it for every
        // batch rather than look up each customer in (workspace, customer).
        emails.push(
          ...(await trx
            .selectFrom('customer_emails')
            .select(['customer_id', 'normalized', 'id'])
            .where('workspace_id', '=', ws)
            .where('customer_id', 'in', part)
            .execute()),
        );
        tags.push(
          ...(await trx
            .selectFrom('customer_tags')
            .select(['customer_id', 'tag'])
            .where('workspace_id', '=', ws)
            .where('customer_id', 'in', part)
            .execute()),
        );
      }
      return { rows, phones, emails, tags };
    },
    /** The name and kind of customers (a person's business, found by its id in the source). */
    async names(trx: Kysely<Database>, ws: string, ids: string[]) {
      const out: { id: string; name: string; kind: 'person' | 'business' }[] = [];
      for (const part of chunks([...new Set(ids)]))
        out.push(
          ...(await trx
            .selectFrom('customers')
            .select(['id', 'name', 'kind'])
            .where('workspace_id', '=', ws)
            .where('id', 'in', part)
            .execute()),
        );
      return out;
    },
    /** The people of these businesses, with their names (their postings carry the business's name). */
    async peopleOf(trx: Kysely<Database>, ws: string, businessIds: string[]) {
      const out: { id: string; name: string; businessId: string | null }[] = [];
      for (const part of chunks([...new Set(businessIds)]))
        for (const r of await trx
          .selectFrom('customers')
          .select(['id', 'name', 'business_id'])
          .where('workspace_id', '=', ws)
          .where('business_id', 'in', part)
          .execute())
          out.push({ id: r.id, name: r.name, businessId: r.business_id });
      return out;
    },
    /**
     * Write the name postings of stored customers again (a new name, or a business joined): the old ones go, the
     * new ones carry the sort key, and each word is in the typo dictionary.
     */
    async replaceTokens(
      trx: Kysely<Database>,
      ws: string,
      items: { id: string; sortName: string; tokens: string[] }[],
    ) {
      if (!items.length) return;
      for (const part of chunks(items.map((i) => i.id)))
        await trx
          .deleteFrom('customer_tokens')
          .where('workspace_id', '=', ws)
          .where('customer_id', 'in', part)
          .execute();
      const rows = items.flatMap((i) =>
        i.tokens.map((token) => ({ workspace_id: ws, customer_id: i.id, token, sort_name: i.sortName })),
      );
      await bulk.insert(trx, 'customer_tokens', rows);
      const words = [...new Set(rows.map((r) => r.token))];
      await bulk.insert(
        trx,
        'customer_vocab',
        words.map((token) => ({ workspace_id: ws, token, length: token.length })),
        { onConflict: 'nothing' },
      );
    },
    /** Link ids in the source system to customers (a link already stored is kept). */
    async linkExternal(trx: Kysely<Database>, rows: Database['customer_external_ids'][]) {
      await bulk.insert(trx, 'customer_external_ids', rows, { onConflict: 'nothing' });
    },
    async addPhones(trx: Kysely<Database>, rows: Database['customer_phones'][]) {
      await bulk.insert(trx, 'customer_phones', rows);
    },
    async addEmails(trx: Kysely<Database>, rows: Database['customer_emails'][]) {
      await bulk.insert(trx, 'customer_emails', rows);
    },
    async addTags(trx: Kysely<Database>, rows: Database['customer_tags'][]) {
      await bulk.insert(trx, 'customer_tags', rows, { onConflict: 'nothing' });
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
