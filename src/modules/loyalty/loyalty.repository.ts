import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { newId } from '../../platform/db/ids.ts';

export type EntryRow = Database['loyalty_entries'];
type Db = Kysely<Database>;
const n = (v: unknown) => Number(v ?? 0);

/**
 * All SQL of the ledger. It reads orders, their lines and refunds (owned by the orders module) only to find what
 * has not been credited or taken back yet: an anti-join on the ledger's unique source key.
 */
export function createLoyaltyRepository() {
  return {
    async settings(db: Db, ws: string) {
      const r = await db
        .selectFrom('loyalty_settings')
        .select('rules')
        .where('workspace_id', '=', ws)
        .executeTakeFirst();
      return r ? (JSON.parse(r.rules) as unknown) : undefined;
    },
    async putSettings(db: Db, ws: string, rules: unknown, at: string) {
      await db
        .insertInto('loyalty_settings')
        .values({ workspace_id: ws, rules: JSON.stringify(rules), updated_at: at })
        .onConflict((oc) =>
          oc.column('workspace_id').doUpdateSet({ rules: JSON.stringify(rules), updated_at: at }),
        )
        .execute();
    },

    async ensureAccounts(db: Db, ws: string, customerIds: string[], at: string) {
      const ids = [...new Set(customerIds)];
      for (let i = 0; i < ids.length; i += 500)
        await db
          .insertInto('loyalty_accounts')
          .values(
            ids.slice(i, i + 500).map((c) => ({
              workspace_id: ws,
              customer_id: c,
              balance: 0,
              tier: null,
              tier_since: null,
              updated_at: at,
            })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'customer_id']).doNothing())
          .execute();
    },
    async account(db: Db, ws: string, customerId: string, lock = false) {
      return db
        .selectFrom('loyalty_accounts')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .$if(lock, (q) => q.forUpdate())
        .executeTakeFirst();
    },
    async addBalance(db: Db, ws: string, customerId: string, delta: number, at: string) {
      await db
        .updateTable('loyalty_accounts')
        .set({ balance: sql`balance + ${delta}`, updated_at: at })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .execute();
    },
    /** Take points if the balance covers them (a conditional UPDATE: never below zero). */
    async takeBalance(db: Db, ws: string, customerId: string, pts: number, at: string) {
      const r = await db
        .updateTable('loyalty_accounts')
        .set({ balance: sql`balance - ${pts}`, updated_at: at })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .where('balance', '>=', pts)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Insert a ledger entry unless its source already has one; true when inserted. */
    async insertEntry(db: Db, row: Omit<EntryRow, 'id'>) {
      const r = await db
        .insertInto('loyalty_entries')
        .values({ ...row, id: newId() })
        .onConflict((oc) => oc.columns(['workspace_id', 'source_kind', 'source_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return r !== undefined;
    },

    /**
     * Insert many credit entries at once (each source once) and add what was inserted to the balances, one UPDATE
     * for the whole batch (balance + CASE per customer): the reconciler's bulk path after an import.
     */
    async creditMany(db: Db, ws: string, rows: Omit<EntryRow, 'id'>[], at: string) {
      if (!rows.length) return 0;
      const inserted = await db
        .insertInto('loyalty_entries')
        .values(rows.map((r) => ({ ...r, id: newId() })))
        .onConflict((oc) => oc.columns(['workspace_id', 'source_kind', 'source_id']).doNothing())
        .returning(['customer_id', 'points'])
        .execute();
      const by = new Map<string, number>();
      for (const r of inserted) by.set(r.customer_id, (by.get(r.customer_id) ?? 0) + n(r.points));
      const ids = [...by].filter(([, p]) => p > 0);
      if (ids.length)
        await db
          .updateTable('loyalty_accounts')
          .set({
            balance: sql`balance + case customer_id ${sql.join(
              ids.map(([c, p]) => sql`when ${c} then ${p}`),
              sql` `,
            )} else 0 end`,
            updated_at: at,
          })
          .where('workspace_id', '=', ws)
          .where(
            'customer_id',
            'in',
            ids.map(([c]) => c),
          )
          .execute();
      return ids.reduce((sum, [, p]) => sum + p, 0);
    },

    /** Fresh statistics on the ledger before a bulk run (the planner picks the unique source key for the anti-joins). */
    async analyze(db: Db) {
      for (const t of ['loyalty_entries', 'loyalty_accounts'] as const)
        await sql`ANALYZE ${sql.table(t)}`.execute(db);
    },

    /** Orders of customers (in the workspace currency) with no earn entry yet, oldest first. */
    async unearnedOrders(
      db: Db,
      ws: string,
      currency: string,
      customerIds: string[] | undefined,
      limit: number,
    ) {
      const rows = await db
        .selectFrom('orders as o')
        .leftJoin('loyalty_entries as e', (j) =>
          j.on('e.workspace_id', '=', ws).on('e.source_kind', '=', 'order').onRef('e.source_id', '=', 'o.id'),
        )
        .select(['o.id', 'o.customer_id', 'o.total', 'o.refunded', 'o.status', 'o.placed_at'])
        .select((eb) =>
          eb
            .selectFrom('order_refunds as r')
            .select((e2) => e2.fn.coalesce(e2.fn.sum<string | number>('r.amount'), e2.lit(0)).as('s'))
            .where('r.workspace_id', '=', ws)
            .whereRef('r.order_id', '=', 'o.id')
            .as('refund_rows'),
        )
        .where('o.workspace_id', '=', ws)
        .where('o.customer_id', 'is not', null)
        .where('o.currency', '=', currency)
        .where('o.status', '!=', 'cancelled')
        .where('e.id', 'is', null)
        .$if(customerIds !== undefined, (q) =>
          q.where('o.customer_id', 'in', customerIds?.length ? customerIds : ['']),
        )
        .orderBy('o.placed_at')
        .orderBy('o.id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        customerId: r.customer_id as string,
        total: n(r.total),
        importedRefund: Math.max(0, n(r.refunded) - n(r.refund_rows)),
        returned: r.status === 'returned',
        placedAt: r.placed_at,
      }));
    },
    /** Line totals per category of these orders (only the categories asked for). */
    async categoryTotals(db: Db, ws: string, orderIds: string[], categories: string[]) {
      const out = new Map<string, Map<string, number>>();
      if (!orderIds.length || !categories.length) return out;
      const rows = await db
        .selectFrom('order_lines')
        .select(['order_id', 'category'])
        .select((eb) => eb.fn.sum<string | number>('total').as('t'))
        .where('workspace_id', '=', ws)
        .where('order_id', 'in', orderIds)
        .where('category', 'in', categories)
        .groupBy(['order_id', 'category'])
        .execute();
      for (const r of rows) {
        const m = out.get(r.order_id) ?? new Map<string, number>();
        m.set(r.category as string, n(r.t));
        out.set(r.order_id, m);
      }
      return out;
    },
    /** Refunds (refunds and returns on an order) with no entry yet, of orders that earned. */
    async untakenRefunds(db: Db, ws: string, customerIds: string[] | undefined, limit: number) {
      return db
        .selectFrom('order_refunds as r')
        .innerJoin('loyalty_entries as earn', (j) =>
          j
            .on('earn.workspace_id', '=', ws)
            .on('earn.source_kind', '=', 'order')
            .onRef('earn.source_id', '=', 'r.order_id'),
        )
        .leftJoin('loyalty_entries as e', (j) =>
          j
            .on('e.workspace_id', '=', ws)
            .on('e.source_kind', '=', 'refund')
            .onRef('e.source_id', '=', 'r.id'),
        )
        .select(['r.order_id', 'earn.customer_id'])
        .distinct()
        .where('r.workspace_id', '=', ws)
        .where('e.id', 'is', null)
        .$if(customerIds !== undefined, (q) =>
          q.where('earn.customer_id', 'in', customerIds?.length ? customerIds : ['']),
        )
        .limit(limit)
        .execute();
    },
    async orderWithRefunds(db: Db, ws: string, orderId: string) {
      const o = await db
        .selectFrom('orders')
        .select(['id', 'total', 'refunded'])
        .where('workspace_id', '=', ws)
        .where('id', '=', orderId)
        .executeTakeFirst();
      const refunds = await db
        .selectFrom('order_refunds')
        .select(['id', 'amount', 'kind', 'at'])
        .where('workspace_id', '=', ws)
        .where('order_id', '=', orderId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return o
        ? {
            total: n(o.total),
            refunded: n(o.refunded),
            refunds: refunds.map((r) => ({ ...r, amount: n(r.amount) })),
          }
        : undefined;
    },

    /** Customers added since the sign-up bonus was switched on who have not had it. */
    async withoutSignup(db: Db, ws: string, since: string, customerIds: string[] | undefined) {
      const rows = await db
        .selectFrom('customers as c')
        .leftJoin('loyalty_entries as e', (j) =>
          j
            .on('e.workspace_id', '=', ws)
            .on('e.source_kind', '=', 'signup')
            .onRef('e.source_id', '=', 'c.id'),
        )
        .select(['c.id', 'c.created_at'])
        .where('c.workspace_id', '=', ws)
        .where('c.created_at', '>=', since)
        .where('e.id', 'is', null)
        .$if(customerIds !== undefined, (q) =>
          q.where('c.id', 'in', customerIds?.length ? customerIds : ['']),
        )
        .limit(5000)
        .execute();
      return rows;
    },
    /** Accounts with points whose last earn or redemption is before `before`. */
    async dormant(db: Db, ws: string, before: string, customerIds: string[] | undefined) {
      const rows = await db
        .selectFrom('loyalty_accounts as a')
        .innerJoin('loyalty_entries as e', (j) =>
          j.on('e.workspace_id', '=', ws).onRef('e.customer_id', '=', 'a.customer_id'),
        )
        .select(['a.customer_id'])
        .select((eb) => eb.fn.max('e.at').as('last'))
        .where('a.workspace_id', '=', ws)
        .where('a.balance', '>', 0)
        .where('e.reason', 'in', ['earn', 'redeem', 'signup'])
        .$if(customerIds !== undefined, (q) =>
          q.where('a.customer_id', 'in', customerIds?.length ? customerIds : ['']),
        )
        .groupBy('a.customer_id')
        .having((eb) => eb.fn.max('e.at'), '<', before)
        .execute();
      return rows.map((r) => ({ customerId: r.customer_id, last: String(r.last) }));
    },

    /** Visits (orders that are not returns) and net spend per customer since `since`. */
    async tierFigures(db: Db, ws: string, since: string, customerIds: string[]) {
      const out = new Map<string, { visits: number; spend: number }>();
      for (let i = 0; i < customerIds.length; i += 500) {
        const rows = await db
          .selectFrom('orders')
          .select('customer_id')
          .select(
            sql<string | number>`count(case when status not in ('returned', 'cancelled') then 1 end)`.as(
              'visits',
            ),
          )
          .select(
            sql<string | number>`sum(case when status != 'cancelled' then total - refunded else 0 end)`.as(
              'spend',
            ),
          )
          .where('workspace_id', '=', ws)
          .where('placed_at', '>=', since)
          .where('customer_id', 'in', customerIds.slice(i, i + 500))
          .groupBy('customer_id')
          .execute();
        for (const r of rows) out.set(r.customer_id as string, { visits: n(r.visits), spend: n(r.spend) });
      }
      return out;
    },
    /** Customers whose tier may change: an order in the window or a tier now. */
    async tierCandidates(db: Db, ws: string, since: string) {
      const rows = await db
        .selectFrom('orders')
        .select('customer_id')
        .distinct()
        .where('workspace_id', '=', ws)
        .where('placed_at', '>=', since)
        .where('customer_id', 'is not', null)
        .union(
          db
            .selectFrom('loyalty_accounts')
            .select('customer_id')
            .where('workspace_id', '=', ws)
            .where('tier', 'is not', null),
        )
        .execute();
      return rows.map((r) => r.customer_id as string);
    },
    async setTier(
      db: Db,
      ws: string,
      customerId: string,
      from: string | null,
      to: string | null,
      at: string,
    ) {
      const r = await db
        .updateTable('loyalty_accounts')
        .set({ tier: to, tier_since: at, updated_at: at })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .where((eb) => (from === null ? eb('tier', 'is', null) : eb('tier', '=', from)))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async ledger(
      db: Db,
      ws: string,
      customerId: string,
      after: { at: string; id: string } | undefined,
      limit: number,
    ) {
      return db
        .selectFrom('loyalty_entries')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .where('points', '>', 0)
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb('at', '<', after?.at ?? ''),
              eb.and([eb('at', '=', after?.at ?? ''), eb('id', '<', after?.id ?? '')]),
            ]),
          ),
        )
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
    },
    /** The sum of the customer's entries (what the balance must equal). */
    async sumOf(db: Db, ws: string, customerId: string) {
      const r = await db
        .selectFrom('loyalty_entries')
        .select(
          sql<
            string | number
          >`coalesce(sum(case when credit = 'customer' then points else 0 end) - sum(case when debit = 'customer' then points else 0 end), 0)`.as(
            's',
          ),
        )
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .executeTakeFirstOrThrow();
      return n(r.s);
    },
    /** On a merge: the entries move, the account of the merged record joins the other's. */
    async moveOnMerge(db: Db, ws: string, from: string, into: string, at: string) {
      await db
        .updateTable('loyalty_entries')
        .set({ customer_id: into })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute();
      const gone = await db
        .deleteFrom('loyalty_accounts')
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .returning('balance')
        .executeTakeFirst();
      if (!gone) return;
      await this.ensureAccounts(db, ws, [into], at);
      await this.addBalance(db, ws, into, n(gone.balance), at);
    },
  };
}
export type LoyaltyRepository = ReturnType<typeof createLoyaltyRepository>;
