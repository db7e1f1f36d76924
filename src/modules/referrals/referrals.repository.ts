import { sql, type Kysely } from 'kysely';
import type { Database, ReferralTable } from '../../platform/db/schema.ts';

export type ReferralRow = ReferralTable;
type Window = { from?: string | undefined; to?: string | undefined };

/** All SQL of referral_codes and referrals. */
export function createReferralsRepository(db: Kysely<Database>) {
  return {
    codeOf: async (ws: string, customerId: string, trx: Kysely<Database> = db) =>
      (
        await trx
          .selectFrom('referral_codes')
          .select('code')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', customerId)
          .executeTakeFirst()
      )?.code,
    /** Insert a code unless the customer has one; a clash of the code itself throws (the caller draws again). */
    insertCode: (trx: Kysely<Database>, ws: string, customerId: string, code: string, at: string) =>
      trx
        .insertInto('referral_codes')
        .values({ workspace_id: ws, customer_id: customerId, code, created_at: at })
        .onConflict((oc) => oc.columns(['workspace_id', 'customer_id']).doNothing())
        .execute(),
    /** The customer a code belongs to, in any workspace (the public link). */
    byCode: (code: string) =>
      db
        .selectFrom('referral_codes as r')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'r.workspace_id').onRef('c.id', '=', 'r.customer_id'),
        )
        .innerJoin('workspaces as w', 'w.id', 'r.workspace_id')
        .select(['r.workspace_id', 'r.customer_id', 'c.name', 'w.name as shop'])
        .where('r.code', '=', code)
        .executeTakeFirst(),
    get: (ws: string, referredId: string, trx: Kysely<Database> = db) =>
      trx
        .selectFrom('referrals')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('referred_id', '=', referredId)
        .executeTakeFirst(),
    /** Insert the referral unless the customer already has a referrer; true when this call recorded it. */
    async insert(trx: Kysely<Database>, row: ReferralRow): Promise<boolean> {
      const r = await trx
        .insertInto('referrals')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'referred_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    /** The chain of referrers above a customer (its referrer, theirs, …), at most `max` steps. */
    async ancestors(trx: Kysely<Database>, ws: string, id: string, max = 1000): Promise<string[]> {
      const out: string[] = [];
      for (let at: string | undefined = id; at && out.length < max;) {
        const r = await trx
          .selectFrom('referrals')
          .select('referrer_id')
          .where('workspace_id', '=', ws)
          .where('referred_id', '=', at)
          .executeTakeFirst();
        at = r?.referrer_id;
        if (at) out.push(at);
      }
      return out;
    },
    /** The customers referred by one customer, with their net revenue in the currency (oldest first). */
    referredBy: (ws: string, referrerId: string, currency: string) =>
      db
        .selectFrom('referrals as r')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'r.workspace_id').onRef('c.id', '=', 'r.referred_id'),
        )
        .leftJoin('orders as o', (j) =>
          j
            .onRef('o.workspace_id', '=', 'r.workspace_id')
            .onRef('o.customer_id', '=', 'r.referred_id')
            .on('o.currency', '=', currency)
            .on('o.status', 'not in', ['cancelled', 'returned']),
        )
        .select([
          'r.referred_id',
          'c.name',
          'r.source',
          'r.created_at',
          'r.rewarded_at',
          sql<string | number>`coalesce(sum(o.total - o.refunded), 0)`.as('revenue'),
          sql<string | number>`count(o.id)`.as('orders'),
        ])
        .where('r.workspace_id', '=', ws)
        .where('r.referrer_id', '=', referrerId)
        .groupBy(['r.referred_id', 'c.name', 'r.source', 'r.created_at', 'r.rewarded_at'])
        .orderBy('r.created_at')
        .orderBy('r.referred_id')
        .execute(),
    /**
     * Per referrer: the customers they referred within the window and the net revenue (total − refunded, not
     * cancelled) of those customers' orders placed up to the window's end.
     */
    leaderboard: (ws: string, currency: string, w: Window, limit: number) =>
      db
        .selectFrom('referrals as r')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'r.workspace_id').onRef('c.id', '=', 'r.referrer_id'),
        )
        .leftJoin('referral_codes as k', (j) =>
          j.onRef('k.workspace_id', '=', 'r.workspace_id').onRef('k.customer_id', '=', 'r.referrer_id'),
        )
        .select([
          'r.referrer_id',
          'c.name',
          'k.code',
          sql<string | number>`count(r.referred_id)`.as('referred'),
          sql<string | number>`coalesce(sum((
            select sum(o.total - o.refunded) from orders o
            where o.workspace_id = r.workspace_id and o.customer_id = r.referred_id and o.currency = ${currency}
              and o.status not in ('cancelled', 'returned')
              ${w.to ? sql`and o.placed_at < ${w.to}` : sql``}
          )), 0)`.as('revenue'),
        ])
        .where('r.workspace_id', '=', ws)
        .$if(!!w.from, (q) => q.where('r.created_at', '>=', w.from as string))
        .$if(!!w.to, (q) => q.where('r.created_at', '<', w.to as string))
        .groupBy(['r.referrer_id', 'c.name', 'k.code'])
        .orderBy(sql`count(r.referred_id)`, 'desc')
        .orderBy('revenue', 'desc')
        .orderBy('c.name')
        .orderBy('r.referrer_id')
        .limit(limit)
        .execute(),
    /** Mark the referral rewarded once (conditional UPDATE); true when this call did it. */
    async markRewarded(trx: Kysely<Database>, ws: string, referredId: string, at: string, ref: string) {
      const r = await trx
        .updateTable('referrals')
        .set({ rewarded_at: at, reward_ref: ref })
        .where('workspace_id', '=', ws)
        .where('referred_id', '=', referredId)
        .where('rewarded_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Referred customers not yet rewarded who have bought (imports, or a reward switched on later). */
    unrewarded: async (ws: string, limit: number) =>
      (
        await db
          .selectFrom('referrals as r')
          .select('r.referred_id')
          .where('r.workspace_id', '=', ws)
          .where('r.rewarded_at', 'is', null)
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('orders as o')
                .select('o.id')
                .whereRef('o.workspace_id', '=', 'r.workspace_id')
                .whereRef('o.customer_id', '=', 'r.referred_id')
                .where('o.status', 'not in', ['cancelled', 'returned']),
            ),
          )
          .orderBy('r.referred_id')
          .limit(limit)
          .execute()
      ).map((r) => r.referred_id),
    /** The number of orders (not cancelled) a customer has. */
    orderCount: async (trx: Kysely<Database>, ws: string, customerId: string) =>
      Number(
        (
          await trx
            .selectFrom('orders')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .where('workspace_id', '=', ws)
            .where('customer_id', '=', customerId)
            .where('status', 'not in', ['cancelled', 'returned'])
            .executeTakeFirst()
        )?.n ?? 0,
      ),
  };
}
