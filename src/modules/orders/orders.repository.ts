import type { Kysely, Selectable } from 'kysely';
import { createBulkWriter } from '../../platform/db/bulk.ts';
import type { Database, OrderLineTable, OrderRefundTable, OrderTable } from '../../platform/db/schema.ts';
import type { CardPart, PurchaseSummary } from '../timeline/index.ts';
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
    async get(ws: string, id: string, trx: Kysely<Database> = db): Promise<Order | undefined> {
      const row = await trx
        .selectFrom('orders')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
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
    /** Net spend, count and first/last purchase of one customer (the card's part, read on its own). */
    async summary(ws: string, customerId: string, currency: string): Promise<PurchaseSummary | undefined> {
      const ctx = { ws, currency };
      const r = await db
        .selectFrom('customers as c')
        .select((eb) => Object.entries(purchasesOnCard.columns(eb, ctx)).map(([k, e]) => e.as(k)))
        .where('c.workspace_id', '=', ws)
        .where('c.id', '=', customerId)
        .executeTakeFirst();
      return r && purchasesOnCard.read(r, ctx);
    },
  };
}
export type OrdersRepository = ReturnType<typeof createOrdersRepository>;

/** For the caller card: net spend, count and first/last purchase in the workspace currency (cancelled orders excluded). */
export const purchasesOnCard: CardPart<PurchaseSummary> = {
  columns: (eb, { currency }) => {
    const orders = () =>
      eb
        .selectFrom('orders as o')
        .whereRef('o.workspace_id', '=', 'c.workspace_id')
        .whereRef('o.customer_id', '=', 'c.id')
        .where('o.currency', '=', currency)
        .where('o.status', '!=', 'cancelled');
    return {
      count: orders().select((o) => o.fn.countAll<string | number>().as('v')),
      spent: orders().select((o) =>
        o.fn.sum<string | number | null>(o('o.total', '-', o.ref('o.refunded'))).as('v'),
      ),
      first: orders().select((o) => o.fn.min<string | null>('o.placed_at').as('v')),
      last: orders().select((o) => o.fn.max<string | null>('o.placed_at').as('v')),
    };
  },
  read: (cols, { currency }) => ({
    currency,
    orderCount: Number(cols.count ?? 0),
    totalSpent: Number(cols.spent ?? 0),
    firstPurchaseAt: (cols.first as string | null) ?? null,
    lastPurchaseAt: (cols.last as string | null) ?? null,
  }),
};
