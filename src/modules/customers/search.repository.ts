import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { nextDigits } from './phones.ts';
import type { Key } from './postings.ts';

/**
 * Reads of the search index: the name postings (customer_tokens, in name order), the dictionary of name words
 * (customer_vocab) and the phone, email and tag lookups. search.ts plans a query over these; the index is
 * written with the customer (customers.repository.ts, newCustomerRows).
 */
export function createSearchRepository(db: Kysely<Database>) {
  return {
    /**
     * Up to `n` customers having one of these name tokens, in name order (sort key, then id, by code point),
     * from `from` on (after it when `strict`), read from the postings: one ordered index range per token,
     * merged by the database. A customer with two of the tokens comes twice, adjacent.
     */
    async postingsFrom(
      ws: string,
      tokens: string[],
      from: Key | undefined,
      strict: boolean,
      n: number,
    ): Promise<Key[]> {
      const bound = from
        ? strict
          ? sql` AND (sort_name, customer_id) > (${from.sort}, ${from.id})`
          : sql` AND (sort_name, customer_id) >= (${from.sort}, ${from.id})`
        : sql``;
      const one = (token: string) =>
        sql`SELECT sort_name, customer_id FROM customer_tokens
          WHERE workspace_id = ${ws} AND token = ${token}${bound}
          ORDER BY sort_name, customer_id LIMIT ${n}`;
      const [first] = tokens;
      if (first === undefined) return [];
      const query =
        tokens.length === 1
          ? one(first)
          : sql`${sql.join(
              tokens.map((t) => sql`SELECT * FROM (${one(t)}) AS p`),
              sql` UNION ALL `,
            )} ORDER BY sort_name, customer_id LIMIT ${n}`;
      const { rows } = await query.execute(db);
      return (rows as { sort_name: string; customer_id: string }[]).map((r) => ({
        sort: r.sort_name,
        id: r.customer_id,
      }));
    },

    /** How many customers have this name token, counting up to `cap`. */
    async countWithToken(ws: string, token: string, cap: number): Promise<number> {
      const r = await db
        .selectFrom((eb) =>
          eb
            .selectFrom('customer_tokens')
            .select('customer_id')
            .where('workspace_id', '=', ws)
            .where('token', '=', token)
            // in index order: without it PostgreSQL may scan the table, expecting the token's rows early in it
            .orderBy('sort_name')
            .limit(cap)
            .as('p'),
        )
        .select(sql<string | number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Dictionary tokens starting with `prefix`, in order, at most `limit`. */
    async vocabularyWithPrefix(ws: string, prefix: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('customer_vocab')
        .select('token')
        .where('workspace_id', '=', ws)
        .where('token', '>=', prefix)
        .where('token', '<', prefix + '\uffff')
        .orderBy('token')
        .limit(limit)
        .execute();
      return rows.map((r) => r.token);
    },

    /** Dictionary tokens that could be what a (possibly mistyped) query token meant. */
    async vocabularyNear(ws: string, token: string, maxTypos: number): Promise<string[]> {
      const firsts = [...new Set([token[0], token[1]].filter((c): c is string => !!c))];
      const rows = await db
        .selectFrom('customer_vocab')
        .select('token')
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or(firsts.map((c) => eb.and([eb('token', '>=', c), eb('token', '<', c + '\uffff')]))),
        )
        .where('length', '>=', token.length - maxTypos)
        .where('length', '<=', token.length + Math.max(maxTypos, 40))
        .execute();
      return rows.map((r) => r.token);
    },

    /** Customers with a phone ending in these digits (`probe`: the digits last first), through the suffix index. */
    async idsByPhoneSuffix(ws: string, probe: string, cap: number): Promise<string[]> {
      // the range's end is the next digit string ("3735" → "3736", "3799" → "38"): digits sort the same under
      // every collation, so no sentinel character whose place depends on the database's locale
      const upper = nextDigits(probe);
      const rows = await db
        .selectFrom('customer_phones')
        .select('customer_id')
        .distinct()
        .where('workspace_id', '=', ws)
        .where('digits_reversed', '>=', probe)
        .$if(upper !== null, (q) => q.where('digits_reversed', '<', upper as string))
        .limit(cap)
        .execute();
      return rows.map((r) => r.customer_id);
    },

    async idsByPhones(ws: string, e164s: string[], prefixes: string[], cap: number): Promise<string[]> {
      if (!e164s.length && !prefixes.length) return [];
      const rows = await db
        .selectFrom('customer_phones')
        .select('customer_id')
        .distinct()
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([
            ...(e164s.length ? [eb('e164', 'in', e164s)] : []),
            ...prefixes.map((p) => eb.and([eb('e164', '>=', p), eb('e164', '<', p + '~')])),
          ]),
        )
        .limit(cap)
        .execute();
      return rows.map((r) => r.customer_id);
    },

    async idsByEmailPrefix(ws: string, prefix: string, cap: number): Promise<string[]> {
      const rows = await db
        .selectFrom('customer_emails')
        .select('customer_id')
        .distinct()
        .where('workspace_id', '=', ws)
        .where('normalized', '>=', prefix)
        .where('normalized', '<', prefix + '\uffff')
        .limit(cap)
        .execute();
      return rows.map((r) => r.customer_id);
    },

    async idsByTag(ws: string, tag: string, cap: number): Promise<string[]> {
      const rows = await db
        .selectFrom('customer_tags')
        .select('customer_id')
        .where('workspace_id', '=', ws)
        .where('tag', '=', tag)
        .limit(cap)
        .execute();
      return rows.map((r) => r.customer_id);
    },
  };
}
export type SearchRepository = ReturnType<typeof createSearchRepository>;
