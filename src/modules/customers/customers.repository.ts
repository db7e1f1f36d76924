import { sql, type Kysely, type Selectable } from 'kysely';
import type { CustomerTable, Database } from '../../platform/db/schema.ts';
import type { Customer, CustomerSummary } from './customers.schema.ts';
import { reversedDigits } from './phones.ts';
import type { Key } from './postings.ts';

export type PhoneRow = { id: string; raw: string; e164: string | null; label: string | null; valid: boolean };
export type EmailRow = { id: string; address: string; normalized: string; label: string | null };
export type CustomerRow = Selectable<CustomerTable>;
export type CustomerWrite = {
  row: CustomerRow;
  phones: PhoneRow[];
  emails: EmailRow[];
  tags: string[];
  tokens: string[];
};

/**
 * The table rows of brand-new customers: the customer, its phones, emails, tags, name postings, and each name
 * word once for the typo dictionary (most are already in it: insert with "on conflict do nothing").
 */
export function newCustomerRows(ws: CustomerWrite[]) {
  const tokens = ws.flatMap((w) =>
    w.tokens.map((token) => ({
      workspace_id: w.row.workspace_id,
      customer_id: w.row.id,
      token,
      sort_name: w.row.sort_name,
    })),
  );
  const vocab = new Map(
    tokens.map((t) => [
      `${t.workspace_id}|${t.token}`,
      { workspace_id: t.workspace_id, token: t.token, length: t.token.length },
    ]),
  );
  return {
    customers: ws.map((w) => w.row),
    phones: ws.flatMap((w) =>
      w.phones.map((p, i) => ({
        workspace_id: w.row.workspace_id,
        id: p.id,
        customer_id: w.row.id,
        position: i,
        raw: p.raw,
        e164: p.e164,
        label: p.label,
        valid: p.valid ? 1 : 0,
        digits_reversed: reversedDigits(p.e164),
      })),
    ),
    emails: ws.flatMap((w) =>
      w.emails.map((e, i) => ({
        workspace_id: w.row.workspace_id,
        id: e.id,
        customer_id: w.row.id,
        position: i,
        address: e.address,
        normalized: e.normalized,
        label: e.label,
      })),
    ),
    tags: ws.flatMap((w) =>
      w.tags.map((tag) => ({ workspace_id: w.row.workspace_id, customer_id: w.row.id, tag })),
    ),
    tokens,
    vocab: [...vocab.values()],
  };
}

/** A page position: the last row's sort key and id (and, in search, its relevance tier). */
export type Cursor = { tier: number; sort: string; id: string };
const parseJson = <T>(s: string | null, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);

/**
 * A condition on a customer's name words: one of `tokens`, or (`prefix`) any word starting with it — for a short
 * prefix that too many words share to list.
 */
export type NameProbe = { tokens: string[] } | { prefix: string };

/** Which customers a list shows. */
export type ListFilter = {
  tag?: string | undefined;
  kind?: string | undefined;
  businessId?: string | undefined;
  ids?: string[] | undefined;
  /** Customers satisfying every probe (search words matched per customer). */
  probes?: NameProbe[] | undefined;
  notIds?: string[] | undefined;
  after?: Key | undefined;
};

/** The smallest string after every string starting with `prefix` (by code point), if any. */
export function prefixEnd(prefix: string): string | undefined {
  const cps = [...prefix];
  while (cps.length) {
    const last = (cps.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) return cps.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}

export function createCustomersRepository(db: Kysely<Database>) {
  /** The customers of a list (no columns selected yet). */
  function listQuery(ws: string, f: ListFilter) {
    let q = db.selectFrom('customers as c').where('c.workspace_id', '=', ws);
    if (f.kind) q = q.where('c.kind', '=', f.kind as 'person' | 'business');
    if (f.businessId) q = q.where('c.business_id', '=', f.businessId);
    if (f.tag) {
      const tag = f.tag;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('customer_tags as t')
            .select('t.tag')
            .where('t.workspace_id', '=', ws)
            .whereRef('t.customer_id', '=', 'c.id')
            .where('t.tag', '=', tag),
        ),
      );
    }
    if (f.ids) q = q.where('c.id', 'in', f.ids);
    for (const probe of f.probes ?? [])
      q = q.where((eb) => {
        let k = eb
          .selectFrom('customer_tokens as k')
          .select('k.token')
          .where('k.workspace_id', '=', ws)
          .whereRef('k.customer_id', '=', 'c.id');
        if ('tokens' in probe) k = k.where('k.token', 'in', probe.tokens);
        else {
          // by code point on both databases (PostgreSQL: the column's collation is "C")
          k = k.where('k.token', '>=', probe.prefix);
          const end = prefixEnd(probe.prefix);
          if (end !== undefined) k = k.where('k.token', '<', end);
        }
        return eb.exists(k);
      });
    if (f.notIds?.length) q = q.where('c.id', 'not in', f.notIds);
    if (f.after) {
      const { sort, id } = f.after;
      q = q.where((eb) =>
        eb.or([eb('c.sort_name', '>', sort), eb.and([eb('c.sort_name', '=', sort), eb('c.id', '>', id)])]),
      );
    }
    return q;
  }

  async function writeChildren(
    trx: Kysely<Database>,
    ws: string,
    id: string,
    w: Omit<CustomerWrite, 'row'>,
    replace: { phones: boolean; emails: boolean; tags: boolean; tokens: boolean },
    sortName: string,
    existing = true,
  ) {
    if (replace.phones) {
      if (existing)
        await trx
          .deleteFrom('customer_phones')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', id)
          .execute();
      if (w.phones.length)
        await trx
          .insertInto('customer_phones')
          .values(
            w.phones.map((p, i) => ({
              workspace_id: ws,
              id: p.id,
              customer_id: id,
              position: i,
              raw: p.raw,
              e164: p.e164,
              label: p.label,
              valid: p.valid ? 1 : 0,
              digits_reversed: reversedDigits(p.e164),
            })),
          )
          .execute();
    }
    if (replace.emails) {
      if (existing)
        await trx
          .deleteFrom('customer_emails')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', id)
          .execute();
      if (w.emails.length)
        await trx
          .insertInto('customer_emails')
          .values(
            w.emails.map((e, i) => ({
              workspace_id: ws,
              id: e.id,
              customer_id: id,
              position: i,
              address: e.address,
              normalized: e.normalized,
              label: e.label,
            })),
          )
          .execute();
    }
    if (replace.tags) {
      if (existing)
        await trx
          .deleteFrom('customer_tags')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', id)
          .execute();
      if (w.tags.length)
        await trx
          .insertInto('customer_tags')
          .values(w.tags.map((tag) => ({ workspace_id: ws, customer_id: id, tag })))
          .execute();
    }
    if (replace.tokens) {
      if (existing)
        await trx
          .deleteFrom('customer_tokens')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', id)
          .execute();
      if (w.tokens.length) {
        await trx
          .insertInto('customer_tokens')
          .values(
            w.tokens.map((token) => ({ workspace_id: ws, customer_id: id, token, sort_name: sortName })),
          )
          .execute();
        await trx
          .insertInto('customer_vocab')
          .values(w.tokens.map((token) => ({ workspace_id: ws, token, length: token.length })))
          .onConflict((oc) => oc.columns(['workspace_id', 'token']).doNothing())
          .execute();
      }
    }
  }

  return {
    async insert(trx: Kysely<Database>, w: CustomerWrite) {
      await trx.insertInto('customers').values(w.row).execute();
      const all = { phones: true, emails: true, tags: true, tokens: true };
      await writeChildren(trx, w.row.workspace_id, w.row.id, w, all, w.row.sort_name, false);
    },

    /** Insert many new customers with multi-row statements (bulk loads: demo, imports, benchmarks). */
    async insertMany(trx: Kysely<Database>, ws: CustomerWrite[]) {
      const rows = newCustomerRows(ws);
      const chunks = <T>(xs: T[], n: number) =>
        Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
      for (const part of chunks(rows.customers, 500))
        await trx.insertInto('customers').values(part).execute();
      for (const part of chunks(rows.phones, 1000))
        await trx.insertInto('customer_phones').values(part).execute();
      for (const part of chunks(rows.emails, 1000))
        await trx.insertInto('customer_emails').values(part).execute();
      for (const part of chunks(rows.tags, 2000))
        await trx.insertInto('customer_tags').values(part).execute();
      for (const part of chunks(rows.tokens, 2000))
        await trx.insertInto('customer_tokens').values(part).execute();
      for (const part of chunks(rows.vocab, 2000))
        await trx
          .insertInto('customer_vocab')
          .values(part)
          .onConflict((oc) => oc.columns(['workspace_id', 'token']).doNothing())
          .execute();
    },

    async update(
      trx: Kysely<Database>,
      w: CustomerWrite,
      replace: { phones: boolean; emails: boolean; tags: boolean; tokens: boolean },
    ) {
      const { workspace_id: ws, id, ...rest } = w.row;
      await trx
        .updateTable('customers')
        .set(rest)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
      await writeChildren(trx, ws, id, w, replace, rest.sort_name);
      // the name postings carry the sort key: kept equal to the row's even when they are not rewritten
      if (!replace.tokens)
        await trx
          .updateTable('customer_tokens')
          .set({ sort_name: rest.sort_name })
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', id)
          .where('sort_name', '<>', rest.sort_name)
          .execute();
    },

    /** Delete a customer; their people (if a business) stay, without the link. */
    async delete(trx: Kysely<Database>, ws: string, id: string): Promise<boolean> {
      await trx
        .updateTable('customers')
        .set({ business_id: null })
        .where('workspace_id', '=', ws)
        .where('business_id', '=', id)
        .execute();
      const r = await trx
        .deleteFrom('customers')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** With `lock`, the row stays locked until the transaction ends (PostgreSQL; SQLite's is alone). */
    async findRow(ws: string, id: string, trx: Kysely<Database> = db, lock = false) {
      return trx
        .selectFrom('customers')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .$if(lock, (q) => q.forUpdate())
        .executeTakeFirst();
    },

    async listPeopleIds(trx: Kysely<Database>, ws: string, businessId: string) {
      const rows = await trx
        .selectFrom('customers')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('business_id', '=', businessId)
        .execute();
      return rows.map((r) => r.id);
    },

    /** Hydrate full customers (phones, emails, tags, business, people), in the order of `ids`. */
    async getMany(ws: string, ids: string[], trx: Kysely<Database> = db): Promise<Customer[]> {
      if (!ids.length) return [];
      const rows = await trx
        .selectFrom('customers')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', 'in', ids)
        .execute();
      const phones = await trx
        .selectFrom('customer_phones')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', 'in', ids)
        .orderBy('position')
        .execute();
      const emails = await trx
        .selectFrom('customer_emails')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', 'in', ids)
        .orderBy('position')
        .execute();
      const tags = await trx
        .selectFrom('customer_tags')
        .select(['customer_id', 'tag'])
        .where('workspace_id', '=', ws)
        .where('customer_id', 'in', ids)
        .orderBy('tag')
        .execute();
      const businessIds = [...new Set(rows.map((r) => r.business_id).filter((x): x is string => !!x))];
      const businesses = businessIds.length
        ? await trx
            .selectFrom('customers')
            .select(['id', 'name', 'job_title'])
            .where('workspace_id', '=', ws)
            .where('id', 'in', businessIds)
            .execute()
        : [];
      const bizIds = rows.filter((r) => r.kind === 'business').map((r) => r.id);
      const people = bizIds.length
        ? await trx
            .selectFrom('customers')
            .select(['id', 'name', 'job_title', 'business_id'])
            .where('workspace_id', '=', ws)
            .where('business_id', 'in', bizIds)
            .orderBy('sort_name')
            .limit(500)
            .execute()
        : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((id) => {
        const r = byId.get(id);
        if (!r) return [];
        const biz = businesses.find((b) => b.id === r.business_id);
        const c: Customer = {
          id: r.id,
          kind: r.kind,
          name: r.name,
          businessId: r.business_id,
          business: biz ? { id: biz.id, name: biz.name, jobTitle: biz.job_title } : null,
          people: people
            .filter((p) => p.business_id === r.id)
            .map((p) => ({ id: p.id, name: p.name, jobTitle: p.job_title })),
          jobTitle: r.job_title,
          phones: phones
            .filter((p) => p.customer_id === id)
            .map((p) => ({ id: p.id, number: p.raw, e164: p.e164, label: p.label, valid: p.valid === 1 })),
          emails: emails
            .filter((e) => e.customer_id === id)
            .map((e) => ({ id: e.id, address: e.address, label: e.label })),
          address: parseJson(r.address, null),
          birthday: r.birthday,
          anniversary: r.anniversary,
          preferredChannel: r.preferred_channel as Customer['preferredChannel'],
          needs: r.needs,
          tags: tags.filter((t) => t.customer_id === id).map((t) => t.tag),
          customFields: parseJson(r.custom_fields, {}),
          consent: { marketing: r.consent_marketing === 1, source: r.consent_source, at: r.consent_at },
          lastInteractionAt: r.last_interaction_at,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        };
        return [c];
      });
    },

    /** List rows as summaries, in (sort_name, id) order, optionally within a set of ids. */
    async page(
      ws: string,
      f: ListFilter & { limit: number },
    ): Promise<(CustomerSummary & { sort: string })[]> {
      if (f.ids && f.ids.length === 0) return [];
      const q = listQuery(ws, f).select([
        'c.id',
        'c.kind',
        'c.name',
        'c.sort_name',
        'c.business_id',
        'c.job_title',
        'c.last_interaction_at',
      ]);
      // Within a given set of ids (a search tier, ≤ 2,000), fetch them by key and sort them: ordered by the bare
      // column, PostgreSQL walked the whole name index hunting for the scattered ids (0.3 s at 1M customers).
      const rows = await (f.ids ? q.orderBy(sql`${sql.ref('c.sort_name')} || ''`) : q.orderBy('c.sort_name'))
        .orderBy('c.id')
        .limit(f.limit)
        .execute();
      return this.summarize(ws, rows);
    },

    /** The positions (sort key, id) of the listed customers in name order: the walk without the summaries. */
    async pageKeys(ws: string, f: ListFilter & { limit: number }): Promise<Key[]> {
      const rows = await listQuery(ws, f)
        .select(['c.sort_name', 'c.id'])
        .orderBy('c.sort_name')
        .orderBy('c.id')
        .limit(f.limit)
        .execute();
      return rows.map((r) => ({ sort: r.sort_name, id: r.id }));
    },

    /** Which of these customers pass the filters (kind, business, tag, name probes). */
    async idsPassing(ws: string, ids: string[], f: ListFilter): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await listQuery(ws, { ...f, ids })
        .select('c.id')
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    async summarize(
      ws: string,
      rows: {
        id: string;
        kind: 'person' | 'business';
        name: string;
        sort_name: string;
        business_id: string | null;
        job_title: string | null;
        last_interaction_at: string | null;
      }[],
    ) {
      const ids = rows.map((r) => r.id);
      if (!ids.length) return [];
      const [phones, emails, tags] = await Promise.all([
        db
          .selectFrom('customer_phones')
          .select(['customer_id', 'e164', 'raw', 'valid', 'position'])
          .where('workspace_id', '=', ws)
          .where('customer_id', 'in', ids)
          .orderBy('position')
          .execute(),
        db
          .selectFrom('customer_emails')
          .select(['customer_id', 'address', 'position'])
          .where('workspace_id', '=', ws)
          .where('customer_id', 'in', ids)
          .orderBy('position')
          .execute(),
        db
          .selectFrom('customer_tags')
          .select(['customer_id', 'tag'])
          .where('workspace_id', '=', ws)
          .where('customer_id', 'in', ids)
          .orderBy('tag')
          .execute(),
      ]);
      return rows.map((r) => {
        const p = phones.find((x) => x.customer_id === r.id);
        return {
          id: r.id,
          kind: r.kind,
          name: r.name,
          sort: r.sort_name,
          businessId: r.business_id,
          jobTitle: r.job_title,
          lastInteractionAt: r.last_interaction_at,
          tags: tags.filter((t) => t.customer_id === r.id).map((t) => t.tag),
          phone: p ? (p.valid === 1 && p.e164 ? p.e164 : p.raw) : null,
          email: emails.find((e) => e.customer_id === r.id)?.address ?? null,
        };
      });
    },

    /** The list columns of these customers (for summaries of an arbitrary set). */
    async rowsFor(ws: string, ids: string[]) {
      if (!ids.length) return [];
      return db
        .selectFrom('customers')
        .select(['id', 'kind', 'name', 'sort_name', 'business_id', 'job_title', 'last_interaction_at'])
        .where('workspace_id', '=', ws)
        .where('id', 'in', ids)
        .execute();
    },

    /** The customer (oldest first) whose phone is one of these E.164 numbers. */
    async findIdByE164(ws: string, e164s: string[]): Promise<string | undefined> {
      if (!e164s.length) return undefined;
      for (const e of e164s) {
        // min() rather than ORDER BY … LIMIT 1: SQLite would otherwise walk the customer index instead of this one
        const r = await db
          .selectFrom('customer_phones')
          .select((eb) => eb.fn.min<string | null>('customer_id').as('customer_id'))
          .where('workspace_id', '=', ws)
          .where('e164', '=', e)
          .executeTakeFirst();
        if (r?.customer_id) return r.customer_id;
      }
      return undefined;
    },

    /** Record that something happened with this customer (keeps the latest). */
    async touchLastInteraction(trx: Kysely<Database>, ws: string, id: string, at: string) {
      await trx
        .updateTable('customers')
        .set({ last_interaction_at: at })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_interaction_at', 'is', null), eb('last_interaction_at', '<', at)]))
        .execute();
    },

    /** Set it to exactly this (after a timeline entry was deleted or moved back in time). */
    async setLastInteraction(trx: Kysely<Database>, ws: string, id: string, at: string | null) {
      await trx
        .updateTable('customers')
        .set({ last_interaction_at: at })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },

    /** The same for many customers at once: one statement per 400 (an import's batch of orders). */
    async touchLastInteractions(trx: Kysely<Database>, ws: string, items: { id: string; at: string }[]) {
      for (let i = 0; i < items.length; i += 400) {
        const values = sql.join(items.slice(i, i + 400).map((x) => sql`(${x.id}, ${x.at})`));
        // VALUES columns are column1, column2 on both SQLite and PostgreSQL.
        await sql`UPDATE customers SET last_interaction_at = v.column2 FROM (VALUES ${values}) AS v
          WHERE customers.workspace_id = ${ws} AND customers.id = v.column1
            AND (customers.last_interaction_at IS NULL OR customers.last_interaction_at < v.column2)`.execute(
          trx,
        );
      }
    },

    async count(ws: string): Promise<number> {
      const r = await db
        .selectFrom('customers')
        .select(sql<string | number>`count(*)`.as('n'))
        .where('workspace_id', '=', ws)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type CustomersRepository = ReturnType<typeof createCustomersRepository>;
