import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { formatMoney } from '../../platform/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { PurchaseSummary, TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { createOrdersRepository } from './orders.repository.ts';
import {
  createOrderSchema,
  listOrdersQuery,
  refundSchema,
  type CreateOrderInput,
  type Order,
} from './orders.schema.ts';

export type OrderDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
};

const encode = (at: string, id: string) => Buffer.from(`${at}|${id}`).toString('base64url');
function decode(s: string) {
  const [at, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  if (!at || !id) throw badInput('BAD_CURSOR', 'cursor is not one this API gave out', '/querystring/cursor');
  return { at, id };
}

export function createOrderService({ db, workspaces, customers, timeline }: OrderDeps) {
  const repo = createOrdersRepository(db);

  async function getOrderOrThrow(ws: string, id: string): Promise<Order> {
    const o = await repo.get(ws, id);
    if (!o) throw notFound('ORDER_NOT_FOUND', 'Order');
    return o;
  }

  /**
   * Record an order with its lines. Totals are computed from the lines (quantity × unit price − line
   * discount, then − order discount + tax + shipping). With externalSource + externalId it is idempotent:
   * the same external order again returns the stored one (`created: false`).
   */
  async function insertOrder(
    trx: Kysely<Database>,
    ws: string,
    v: CreateOrderInput,
    currency: string,
    alreadyRefunded: number,
    actor: Actor,
  ): Promise<{ id: string; created: boolean }> {
    if (!!v.externalSource !== !!v.externalId)
      throw badInput(
        'ORDER_EXTERNAL_PAIR',
        'Give externalSource and externalId together',
        '/body/externalId',
      );
    const lines = v.lines.map((l, i) => {
      const total = Math.round(l.quantity * l.unitPrice) - l.discount;
      if (total < 0)
        throw badInput(
          'ORDER_LINE_NEGATIVE',
          'The line discount is larger than the line',
          `/body/lines/${i}/discount`,
        );
      return { ...l, total };
    });
    const subtotal = lines.reduce((s, l) => s + l.total, 0);
    const total = subtotal - v.discount + v.tax + v.shipping;
    if (total < 0)
      throw badInput('ORDER_TOTAL_NEGATIVE', 'The order discount is larger than the order', '/body/discount');
    const refunded = Math.min(Math.max(0, alreadyRefunded), total);
    const cost = lines.every((l) => l.unitCost !== undefined)
      ? lines.reduce((s, l) => s + Math.round(l.quantity * (l.unitCost ?? 0)), 0)
      : null;
    const placedAt = v.placedAt ? new Date(v.placedAt).toISOString() : nowIso();
    const id = newId();
    await customers.existsOrThrow(ws, v.customerId, trx);
    if (v.externalSource && v.externalId) {
      const existing = await repo.findByExternal(trx, ws, v.externalSource, v.externalId);
      if (existing) return { id: existing.id, created: false };
    }
    const at = nowIso();
    await repo.insert(
      trx,
      {
        workspace_id: ws,
        id,
        customer_id: v.customerId,
        number: v.number ?? null,
        status: refunded > 0 ? (refunded === total ? 'refunded' : 'partially_refunded') : v.status,
        currency,
        placed_at: placedAt,
        channel: v.channel ?? null,
        location: v.location ?? null,
        subtotal,
        discount: v.discount,
        tax: v.tax,
        shipping: v.shipping,
        total,
        refunded,
        cost,
        note: v.note ?? null,
        external_source: v.externalSource ?? null,
        external_id: v.externalId ?? null,
        created_at: at,
        updated_at: at,
      },
      lines.map((l, i) => ({
        workspace_id: ws,
        id: newId(),
        order_id: id,
        position: i,
        sku: l.sku ?? null,
        name: l.name,
        category: l.category ?? null,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        discount: l.discount,
        total: l.total,
        unit_cost: l.unitCost ?? null,
      })),
    );
    const items = lines.length === 1 ? (lines[0]?.name ?? '1 item') : `${lines.length} items`;
    await timeline.insertInteraction(trx, ws, {
      customerId: v.customerId,
      kind: 'order',
      body: `${v.number ? `Order ${v.number}` : 'Order'}: ${items}, ${formatMoney(total, currency)}`,
      authorId: actor.kind === 'user' ? actor.id : null,
      occurredAt: placedAt,
      meta: { orderId: id },
    });
    await recordAudit(trx, {
      workspaceId: ws,
      actor: actorRef(actor),
      action: 'create',
      entity: 'order',
      entityId: id,
      data: { customerId: v.customerId, total, currency },
    });
    return { id, created: true };
  }

  return {
    getOrderOrThrow,

    /** On a merge: the other record's orders now belong to this customer. */
    moveOnMerge: (trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) =>
      repo.reassignCustomer(trx, ws, from.id, into.id),

    /**
     * Record an order with its lines. Totals are computed from the lines (quantity × unit price − line
     * discount, then − order discount + tax + shipping). With externalSource + externalId it is idempotent:
     * the same external order again returns the stored one (`created: false`).
     */
    async createOrder(ws: string, input: unknown, actor: Actor): Promise<{ order: Order; created: boolean }> {
      const v = createOrderSchema.parse(input);
      const currency = v.currency ?? (await workspaces.getWorkspaceOrThrow(ws)).currency;
      const result = await db.transaction().execute((trx) => insertOrder(trx, ws, v, currency, 0, actor));
      return { order: await getOrderOrThrow(ws, result.id), created: result.created };
    },

    /** Record an order from an import inside the importer's transaction; with what was already refunded. */
    async importOrder(trx: Kysely<Database>, ws: string, input: unknown, refunded: number, actor: Actor) {
      const v = createOrderSchema.parse(input);
      return insertOrder(
        trx,
        ws,
        v,
        v.currency ?? (await workspaces.getWorkspaceOrThrow(ws, trx)).currency,
        refunded,
        actor,
      );
    },

    /** Refund or return part or all of an order; never more than was paid. */
    async refundOrder(ws: string, orderId: string, input: unknown, actor: Actor): Promise<Order> {
      const v = refundSchema.parse(input);
      await db.transaction().execute(async (trx) => {
        const o = await repo.get(ws, orderId, trx);
        if (!o) throw notFound('ORDER_NOT_FOUND', 'Order');
        if (o.status === 'cancelled')
          throw conflict('ORDER_CANCELLED', 'A cancelled order has nothing to refund');
        const refunded = o.refunded + v.amount;
        if (refunded > o.total)
          throw conflict(
            'REFUND_EXCEEDS_TOTAL',
            `At most ${formatMoney(o.total - o.refunded, o.currency)} is left to refund`,
          );
        const at = v.at ? new Date(v.at).toISOString() : nowIso();
        const id = newId();
        await repo.addRefund(
          trx,
          { workspace_id: ws, id, order_id: orderId, amount: v.amount, kind: v.kind, reason: v.reason, at },
          refunded,
          refunded === o.total ? 'refunded' : 'partially_refunded',
        );
        await timeline.insertInteraction(trx, ws, {
          customerId: o.customerId,
          kind: v.kind,
          body: `${v.kind === 'return' ? 'Return' : 'Refund'} of ${formatMoney(v.amount, o.currency)}${o.number ? ` on order ${o.number}` : ''}: ${v.reason}`,
          authorId: actor.kind === 'user' ? actor.id : null,
          occurredAt: at,
          meta: { orderId, refundId: id },
        });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: v.kind,
          entity: 'order',
          entityId: orderId,
          data: { amount: v.amount, reason: v.reason },
        });
      });
      return getOrderOrThrow(ws, orderId);
    },

    /** Every order of the workspace, newest first, a page at a time (exports). */
    async *allOrders(ws: string, pageSize = 500): AsyncIterable<Order[]> {
      let before: { at: string; id: string } | undefined;
      for (;;) {
        const rows = await repo.page(ws, { before, limit: pageSize });
        if (!rows.length) return;
        yield rows;
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) return;
        before = { at: last.placedAt, id: last.id };
      }
    },

    async listOrders(ws: string, query: unknown) {
      const q = listOrdersQuery.parse(query);
      if (q.customerId) await customers.existsOrThrow(ws, q.customerId);
      const rows = await repo.page(ws, {
        customerId: q.customerId,
        before: q.cursor ? decode(q.cursor) : undefined,
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encode(last.placedAt, last.id) : null };
    },

    /** What a customer has bought: count, net spend, first and last purchase, in the workspace currency. */
    async getPurchaseSummary(ws: string, customerId: string): Promise<PurchaseSummary> {
      await customers.existsOrThrow(ws, customerId);
      return this.purchaseSummary(ws, customerId);
    },

    /** As getPurchaseSummary, for a customer known to exist (the caller card). */
    async purchaseSummary(ws: string, customerId: string): Promise<PurchaseSummary> {
      const { currency } = await workspaces.getWorkspaceOrThrow(ws);
      return { currency, ...(await repo.summary(ws, customerId, currency)) };
    },
  };
}
export type OrderService = ReturnType<typeof createOrderService>;
