import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { createBulkWriter } from '../../platform/db/bulk.ts';
import type { Database, OrderLineTable, OrderRefundTable, OrderTable } from '../../platform/db/schema.ts';
import { fromJson, type CardPart, type PurchaseSummary } from '../timeline/index.ts';
import type { Order } from './orders.schema.ts';

const n = (v: number | string | null): number => Number(v ?? 0);
const nOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toOrder(
  o: Selectable<OrderTable>,
  lines: Selectable<OrderLineTable>[],
  refunds: Selectable<OrderRefundTable>[],
): Order {
  return {
    id: o.id,
    customerId: o.customer_id,
    number: o.number,
    status: o.status as Order['status'],
    currency: o.currency,
    placedAt: o.placed_at,
    channel: o.channel,
    location: o.location,
    subtotal: n(o.subtotal),
    discount: n(o.discount),
    tax: n(o.tax),
    shipping: n(o.shipping),
    total: n(o.total),
    refunded: n(o.refunded),
    cost: nOrNull(o.cost),
    note: o.note,
    externalSource: o.external_source,
    externalId: o.external_id,
    paymentMethod: o.payment_method as Order['paymentMethod'],
    lines: lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      name: l.name,
      category: l.category,
      quantity: Number(l.quantity),
      unitPrice: n(l.unit_price),
      discount: n(l.discount),
      total: n(l.total),
      unitCost: nOrNull(l.unit_cost),
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: n(r.amount),
      kind: r.kind,
      reason: r.reason,
      at: r.at,
    })),
    createdAt: o.created_at,
  };
}

export function createOrdersRepository(db: Kysely<Database>) {
  const bulk = createBulkWriter(db);
  async function hydrate(
    ws: string,
    rows: Selectable<OrderTable>[],
    trx: Kysely<Database> = db,
  ): Promise<Order[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const lines = await trx
      .selectFrom('order_lines')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('order_id', 'in', ids)
      .orderBy('position')
      .execute();
    const refunds = await trx
      .selectFrom('order_refunds')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('order_id', 'in', ids)
      .orderBy('at')
      .execute();
    return rows.map((o) =>
      toOrder(
        o,
        lines.filter((l) => l.order_id === o.id),
        refunds.filter((r) => r.order_id === o.id),
      ),
    );
  }

  return {
    async insert(trx: Kysely<Database>, order: Selectable<OrderTable>, lines: Selectable<OrderLineTable>[]) {
      await trx.insertInto('orders').values(order).execute();
      if (lines.length) await trx.insertInto('order_lines').values(lines).execute();
    },
    /** Bulk insert of new orders and their lines (inside a transaction of `db`). */
    async insertMany(
      trx: Kysely<Database>,
      orders: Selectable<OrderTable>[],
      lines: Selectable<OrderLineTable>[],
    ) {
      await bulk.insert(trx, 'orders', orders);
      await bulk.insert(trx, 'order_lines', lines);
    },
    /** The stored orders among these (source, external id) pairs, keyed "source|id". */
    async idsByExternal(
      trx: Kysely<Database>,
      ws: string,
      keys: { source: string; id: string }[],
    ): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      const bySource = new Map<string, string[]>();
      for (const k of keys) bySource.set(k.source, [...(bySource.get(k.source) ?? []), k.id]);
      for (const [source, ids] of bySource)
        for (let i = 0; i < ids.length; i += 500) {
          const rows = await trx
            .selectFrom('orders')
            .select(['id', 'external_id'])
            .where('workspace_id', '=', ws)
            .where('external_source', '=', source)
            .where('external_id', 'in', ids.slice(i, i + 500))
            .execute();
          for (const r of rows) out.set(`${source}|${r.external_id}`, r.id);
        }
      return out;
    },
    async findByExternal(trx: Kysely<Database>, ws: string, source: string, externalId: string) {
      return trx
        .selectFrom('orders')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('external_source', '=', source)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
    },
    /** With `lock`, the order row stays locked until the transaction ends (PostgreSQL; SQLite's is alone). */
    async get(ws: string, id: string, trx: Kysely<Database> = db, lock = false): Promise<Order | undefined> {
      const row = await trx
        .selectFrom('orders')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .$if(lock, (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? (await hydrate(ws, [row], trx))[0] : undefined;
    },
    /** Newest first. */
    async page(
      ws: string,
      f: { customerId?: string | undefined; before?: { at: string; id: string } | undefined; limit: number },
    ) {
      let q = db.selectFrom('orders').selectAll().where('workspace_id', '=', ws);
      if (f.customerId) q = q.where('customer_id', '=', f.customerId);
      if (f.before) {
        const { at, id } = f.before;
        q = q.where((eb) =>
          eb.or([eb('placed_at', '<', at), eb.and([eb('placed_at', '=', at), eb('id', '<', id)])]),
        );
      }
      const rows = await q.orderBy('placed_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
      return hydrate(ws, rows);
    },
    async reassignCustomer(trx: Kysely<Database>, ws: string, from: string, into: string) {
      await trx
        .updateTable('orders')
        .set({ customer_id: into })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute();
    },
    /** Refunds of imported orders, as the file gave them (the orders' totals already count them). */
    async insertRefunds(trx: Kysely<Database>, rows: OrderRefundTable[]) {
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto('order_refunds')
          .values(rows.slice(i, i + 200))
          .execute();
    },
    async addRefund(
      trx: Kysely<Database>,
      r: Selectable<OrderRefundTable>,
      refundedTotal: number,
      status: string,
    ) {
      await trx.insertInto('order_refunds').values(r).execute();
      await trx
        .updateTable('orders')
        .set({ refunded: refundedTotal, status, updated_at: r.at })
        .where('workspace_id', '=', r.workspace_id)
        .where('id', '=', r.order_id)
        .execute();
    },
    /** Net spend, count and first/last purchase of one customer (what the card shows, read on its own). */
    async summary(ws: string, customerId: string, currency: string): Promise<PurchaseSummary | undefined> {
      const exists = await db
        .selectFrom('customers')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('id', '=', customerId)
        .executeTakeFirst();
      if (!exists) return undefined;
      const totals = await purchaseTotals(
        db.selectFrom('orders as o').where('o.workspace_id', '=', ws).where('o.customer_id', '=', customerId),
        currency,
      ).executeTakeFirst();
      return toPurchaseSummary(totals, currency);
    },
  };
}
export type OrdersRepository = ReturnType<typeof createOrdersRepository>;

type PurchaseTotals = {
  count: string | number;
  spent: string | number | null;
  first: string | null;
  last: string | null;
};

/**
 * Count, net spend and first/last purchase over the orders `q` selects, in one currency, cancelled ones excluded.
 * Returns (negative totals) lower the spend; they are not purchases (neither counted nor dated).
 */
function purchaseTotals<DB extends Database, TB extends keyof DB & string>(
  q: SelectQueryBuilder<DB & { o: OrderTable }, TB | 'o', object>,
  currency: string,
) {
  const orders = q as unknown as SelectQueryBuilder<Database & { o: OrderTable }, 'o', object>;
  return orders
    .where('o.currency', '=', currency)
    .where('o.status', '!=', 'cancelled')
    .select((o) => [
      sql<string | number>`count(case when ${o.ref('o.status')} != 'returned' then 1 end)`.as('count'),
      o.fn.sum<string | number | null>(o('o.total', '-', o.ref('o.refunded'))).as('spent'),
      sql<
        string | null
      >`min(case when ${o.ref('o.status')} != 'returned' then ${o.ref('o.placed_at')} end)`.as('first'),
      sql<
        string | null
      >`max(case when ${o.ref('o.status')} != 'returned' then ${o.ref('o.placed_at')} end)`.as('last'),
    ]);
}

const toPurchaseSummary = (t: PurchaseTotals | null | undefined, currency: string): PurchaseSummary => ({
  currency,
  orderCount: Number(t?.count ?? 0),
  totalSpent: Number(t?.spent ?? 0),
  firstPurchaseAt: t?.first ?? null,
  lastPurchaseAt: t?.last ?? null,
});

/** For the caller card: net spend, count and first/last purchase in the workspace currency (cancelled orders excluded). */
export const purchasesOnCard: CardPart<PurchaseSummary> = {
  // One aggregate over the customer's orders (one index range), read back as one JSON object.
  columns: (eb, { currency }, { object }) => ({
    totals: object(
      purchaseTotals(
        eb
          .selectFrom('orders as o')
          .whereRef('o.workspace_id', '=', 'c.workspace_id')
          .whereRef('o.customer_id', '=', 'c.id'),
        currency,
      ),
    ),
  }),
  read: (cols, { currency }) => toPurchaseSummary(fromJson<PurchaseTotals | null>(cols.totals), currency),
};
