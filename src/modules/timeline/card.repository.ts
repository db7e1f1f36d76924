import {
  sql,
  type AliasableExpression,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
} from 'kysely';
import { jsonArrayFrom as pgArray, jsonObjectFrom as pgObject } from 'kysely/helpers/postgres';
import { jsonArrayFrom as liteArray, jsonObjectFrom as liteObject } from 'kysely/helpers/sqlite';
import type { DialectName } from '../../platform/db/connect.ts';
import { preparedQueries } from '../../platform/db/prepared.ts';
import type { Database } from '../../platform/db/schema.ts';

/** The card query's scope: the customer on the card is the row `c`. */
export type CardScope = Database & { c: Database['customers'] };
export type CardExpressions = ExpressionBuilder<CardScope, 'c'>;

/**
 * The dialect's JSON builders, for a part that reads several values of one row or aggregate: one subquery
 * (one index descent) instead of one per value. Read the value back with `fromJson`.
 */
export type CardJson = { object: typeof liteObject };

/** What every part of the card knows about the request. */
export type CardContext = { ws: string; currency: string };

/**
 * Another module's part of the caller card (open complaints, purchases, …), read in the card's one query:
 * SQL values correlated with the card's customer `c` (`c.workspace_id`, `c.id`), and how to read them back.
 * Answering a call is the hot path: one statement instead of one per part.
 */
export type CardPart<T> = {
  columns: (
    eb: CardExpressions,
    ctx: CardContext,
    json: CardJson,
  ) => Record<string, AliasableExpression<unknown>>;
  read: (cols: Record<string, unknown>, ctx: CardContext) => T;
};

export type CardRow = {
  id: string;
  name: string;
  kind: string;
  needs: string | null;
  business_id: string | null;
  business_name: string | null;
  business_job_title: string | null;
  phones: unknown;
  tags: unknown;
  last: unknown;
  [part: string]: unknown;
};

/** JSON built in SQL arrives as text from SQLite and parsed from PostgreSQL. */
export const fromJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export function createCardRepository(
  db: Kysely<Database>,
  dialect: DialectName,
  parts: Record<string, CardPart<unknown>>,
) {
  const array = dialect === 'postgres' ? pgArray : liteArray;
  const object = dialect === 'postgres' ? pgObject : liteObject;
  // Built and compiled once per shape: on a caller lookup, building this query cost more than running it.
  const run = preparedQueries(db);

  function cardQuery(ctx: CardContext) {
    let q = db
      .selectFrom('customers as c')
      .leftJoin('customers as b', (j) =>
        j.onRef('b.workspace_id', '=', 'c.workspace_id').onRef('b.id', '=', 'c.business_id'),
      )
      .select((eb) => [
        'c.id',
        'c.name',
        'c.kind',
        'c.needs',
        'c.business_id',
        'b.name as business_name',
        'b.job_title as business_job_title',
        array(
          eb
            .selectFrom('customer_phones as p')
            .select(['p.id', 'p.raw', 'p.e164', 'p.label', 'p.valid'])
            .whereRef('p.workspace_id', '=', 'c.workspace_id')
            .whereRef('p.customer_id', '=', 'c.id')
            .orderBy('p.position'),
        ).as('phones'),
        array(
          eb
            .selectFrom('customer_tags as t')
            .select('t.tag')
            .whereRef('t.workspace_id', '=', 'c.workspace_id')
            .whereRef('t.customer_id', '=', 'c.id')
            .orderBy('t.tag'),
        ).as('tags'),
        // The latest interaction and how many there are, in one descent of the customer's timeline index
        // (ordered by its whole key, so no planner takes the workspace-wide recent index instead).
        object(
          eb
            .selectFrom('interactions as i')
            .select((i) => [
              'i.kind',
              'i.occurred_at',
              'i.body',
              i.fn.countAll<number | string>().over().as('n'),
            ])
            .whereRef('i.workspace_id', '=', 'c.workspace_id')
            .whereRef('i.customer_id', '=', 'c.id')
            .orderBy('i.customer_id', 'desc')
            .orderBy('i.occurred_at', 'desc')
            .orderBy('i.id', 'desc')
            // A literal: SQLite re-prepares a statement on every run when a subquery in FROM has a bound LIMIT.
            .limit(sql.lit(1)),
        ).as('last'),
      ])
      .where('c.workspace_id', '=', ctx.ws) as unknown as SelectQueryBuilder<
      CardScope & { b: Database['customers'] },
      'c' | 'b',
      CardRow
    >;
    for (const [key, part] of Object.entries(parts))
      q = q.select((eb) =>
        Object.entries(part.columns(eb as unknown as CardExpressions, ctx, { object })).map(([name, e]) =>
          e.as(`${key}__${name}`),
        ),
      ) as typeof q;
    return q;
  }

  const placeholders = (value: (name: string) => string): CardContext => ({
    ws: value('ws'),
    currency: value('currency'),
  });

  return {
    /** The card of one customer, by id. */
    byId: async (ctx: CardContext, id: string): Promise<CardRow | undefined> =>
      (
        await run('id', (value) => cardQuery(placeholders(value)).where('c.id', '=', value('id')), {
          ...ctx,
          id,
        })
      )[0],

    /**
     * The card of the customer with the first of these E.164 numbers that anyone has (best reading first;
     * the oldest customer when several share it).
     */
    byE164: async (ctx: CardContext, e164s: string[]): Promise<CardRow | undefined> => {
      if (!e164s.length) return undefined;
      const rows = await run(
        `e164:${e164s.length}`,
        (value) => {
          const c = placeholders(value);
          return cardQuery(c).where('c.id', '=', (eb) => {
            // min() rather than ORDER BY … LIMIT 1: SQLite would otherwise walk the customer index
            const owner = (i: number) =>
              eb
                .selectFrom('customer_phones as f')
                .select((f) => f.fn.min<string>('f.customer_id').as('id'))
                .where('f.workspace_id', '=', c.ws)
                .where('f.e164', '=', value(`e${i}`));
            const [first, ...rest] = e164s.map((_, i) => owner(i));
            return rest.reduce<Expression<string | null>>(
              (found, next) => eb.fn.coalesce(found, next),
              first as Expression<string | null>,
            );
          });
        },
        { ...ctx, ...Object.fromEntries(e164s.map((e, i) => [`e${i}`, e])) },
      );
      return rows[0];
    },
  };
}
