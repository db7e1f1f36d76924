import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database, OrderRefundTable } from '../../platform/db/schema.ts';

/** A refund as a file gave it (Rapport's own exports): its time, kind, amount and reason. */
type RefundIn = Pick<OrderRefundTable, 'at' | 'kind' | 'amount' | 'reason'>;
import { decodeTimeCursor, encodeTimeCursor } from '../../platform/db/cursor.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { formatMoney } from '../../platform/money.ts';
import { recordAudit, recordAudits } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { PurchaseSummary, TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { buildOrder, type BuiltOrder } from './build.ts';
import { createOrdersRepository } from './orders.repository.ts';
import {
  createOrderSchema,
  listOrdersQuery,
  refundSchema,
  type CreateOrderInput,
  type CustomerTotals,
  type Order,
} from './orders.schema.ts';

export type OrderDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  /** Told (without waiting) after orders were created or refunded, e.g. to schedule a refit of predictions. */
  onOrdersChanged?: (ws: string) => void;
  /** Run inside the transaction of an order or refund of a customer made here (loyalty points; not imports). */
  onWritten?: (trx: Kysely<Database>, ws: string, customerId: string) => Promise<unknown>;
};

export function createOrderService({
  db,
  workspaces,
  customers,
  timeline,
  onOrdersChanged,
  onWritten,
}: OrderDeps) {
  const repo = createOrdersRepository(db);

  async function getOrderOrThrow(ws: string, id: string): Promise<Order> {
    const o = await repo.get(ws, id);
    if (!o) throw notFound('ORDER_NOT_FOUND', 'Order');
    return o;
  }

  /** Write built orders with multi-row statements, each on its customer's timeline and in the audit log. */
  async function writeOrders(trx: Kysely<Database>, ws: string, built: BuiltOrder[], actor: Actor) {
    if (!built.length) return;
    await repo.insertMany(
      trx,
      built.map((b) => b.order),
      built.flatMap((b) => b.lines),
    );
    // a walk-in sale (no customer) is on nobody's timeline
    const known = built.flatMap((b) =>
      b.order.customer_id === null ? [] : [{ ...b, customerId: b.order.customer_id }],
    );
    await timeline.insertInteractions(
      trx,
      ws,
      known.map((b) => ({
        customerId: b.customerId,
        kind: 'order',
        body: b.summary,
        authorId: actor.kind === 'user' ? actor.id : null,
        occurredAt: b.order.placed_at,
        meta: { orderId: b.order.id },
      })),
    );
    await recordAudits(
      trx,
      built.map((b) => ({
        workspaceId: ws,
        actor: actorRef(actor),
        action: 'create',
        entity: 'order',
        entityId: b.order.id,
        data: { customerId: b.order.customer_id, total: Number(b.order.total), currency: b.order.currency },
      })),
    );
  }

  return {
    getOrderOrThrow,

    /** On a merge: the other record's orders now belong to this customer. */
    moveOnMerge: (trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) =>
      repo.reassignCustomer(trx, ws, from.id, into.id),

    /**
     * Record an order with its lines. With externalSource + externalId it is idempotent: the same external
     * order again returns the stored one (`created: false`).
     */
    async createOrder(
      ws: string,
      input: unknown,
      actor: Actor,
      opts: { inTransaction?: (trx: Kysely<Database>, orderId: string) => Promise<unknown> } = {},
    ): Promise<{ order: Order; created: boolean }> {
      const v = createOrderSchema.parse(input);
      const currency = v.currency ?? (await workspaces.getWorkspaceOrThrow(ws)).currency;
      const built = buildOrder(ws, v, currency, 0);
      const result = await writeTransaction(
        db,
        async (trx) => {
          if (v.customerId !== null) await customers.existsOrThrow(ws, v.customerId, trx);
          if (v.externalSource && v.externalId) {
            const existing = await repo.findByExternal(trx, ws, v.externalSource, v.externalId);
            if (existing) return { id: existing.id, created: false };
          }
          await writeOrders(trx, ws, [built], actor);
          await opts.inTransaction?.(trx, built.order.id);
          if (v.customerId !== null) await onWritten?.(trx, ws, v.customerId);
          return { id: built.order.id, created: true };
          // the same external order sent twice at once: the second runs again on the unique key, finds the first
        },
        { rerunOnUniqueViolation: true },
      );
      if (result.created) onOrdersChanged?.(ws);
      return { order: await getOrderOrThrow(ws, result.id), created: result.created };
    },

    /**
     * Record a batch of imported orders inside the importer's transaction (customers known to exist), each with
     * what was already refunded. Orders whose external id is already stored (or earlier in the batch) are left
     * as they are. Per input: created or not, or why it was refused.
     */
    async importOrders(
      trx: Kysely<Database>,
      ws: string,
      inputs: { input: unknown; refunded: number; refunds?: RefundIn[] | undefined }[],
      actor: Actor,
    ) {
      type Parsed =
        { v: CreateOrderInput; refunded: number; refunds?: RefundIn[] | undefined } | { error: unknown };
      const parsed = inputs.map((x): Parsed => {
        const r = createOrderSchema.safeParse(x.input);
        return r.success ? { v: r.data, refunded: x.refunded, refunds: x.refunds } : { error: r.error };
      });
      // each refund as it was (time, kind, amount, reason), kept when they add up to no more than the order
      const refundRows: OrderRefundTable[] = [];
      const keys = parsed.flatMap((p) =>
        'v' in p && p.v.externalSource && p.v.externalId
          ? [{ source: p.v.externalSource, id: p.v.externalId }]
          : [],
      );
      const existing = await repo.idsByExternal(trx, ws, keys);
      const fallbackCurrency = parsed.some((p) => 'v' in p && !p.v.currency)
        ? (await workspaces.getWorkspaceOrThrow(ws, trx)).currency
        : '';
      const built: BuiltOrder[] = [];
      const results = parsed.map((p): { id: string; created: boolean } | { error: unknown } => {
        if (!('v' in p)) return { error: p.error };
        const key =
          p.v.externalSource && p.v.externalId ? `${p.v.externalSource}|${p.v.externalId}` : undefined;
        const known = key ? existing.get(key) : undefined;
        if (known) return { id: known, created: false };
        try {
          const b = buildOrder(ws, p.v, p.v.currency ?? fallbackCurrency, p.refunded);
          if (key) existing.set(key, b.order.id);
          built.push(b);
          if (p.refunds && b.order.refunded === p.refunded)
            for (const r of p.refunds)
              refundRows.push({ workspace_id: ws, id: newId(), order_id: b.order.id, ...r });
          return { id: b.order.id, created: true };
        } catch (error) {
          return { error };
        }
      });
      await writeOrders(trx, ws, built, actor);
      if (refundRows.length) await repo.insertRefunds(trx, refundRows);
      if (built.length) onOrdersChanged?.(ws); // called inside the importer's transaction: the hook must not wait on the database
      return results;
    },

    /** Refund or return part or all of an order; never more than was paid. */
    async refundOrder(ws: string, orderId: string, input: unknown, actor: Actor): Promise<Order> {
      const v = refundSchema.parse(input);
      await writeTransaction(db, async (trx) => {
        // locked: a parallel refund waits, then recomputes what is left from this one's result
        const o = await repo.get(ws, orderId, trx, true);
        if (!o) throw notFound('ORDER_NOT_FOUND', 'Order');
        if (o.status === 'cancelled')
          throw conflict('ORDER_CANCELLED', 'A cancelled order has nothing to refund');
        if (o.status === 'returned') throw conflict('ORDER_IS_RETURN', 'A return has nothing to refund');
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
        if (o.customerId)
          await timeline.insertInteraction(trx, ws, {
            customerId: o.customerId,
            kind: v.kind,
            body: `${v.kind === 'return' ? 'Return' : 'Refund'} of ${formatMoney(v.amount, o.currency)}${o.number ? ` on order ${o.number}` : ''}: ${v.reason}`,
            authorId: actor.kind === 'user' ? actor.id : null,
            occurredAt: at,
            meta: { orderId, refundId: id },
          });
        if (o.customerId) await onWritten?.(trx, ws, o.customerId);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: v.kind,
          entity: 'order',
          entityId: orderId,
          data: { amount: v.amount, reason: v.reason },
        });
      });
      onOrdersChanged?.(ws);
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
        before: q.cursor ? decodeTimeCursor(q.cursor) : undefined,
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > q.limit && last ? encodeTimeCursor(last.placedAt, last.id) : null,
      };
    },

    /** The customer page's totals: count, spend, average order, first and last purchase, customer since. */
    async getCustomerTotals(ws: string, customerId: string): Promise<CustomerTotals> {
      const { currency } = await workspaces.getWorkspaceCached(ws);
      const [customer, summary, firstContactAt] = await Promise.all([
        customers.getCustomerOrThrow(ws, customerId),
        repo.summary(ws, customerId, currency),
        timeline.firstContactAt(ws, customerId),
      ]);
      if (!summary) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
      const known = [summary.firstPurchaseAt, firstContactAt].filter((x): x is string => !!x).sort();
      return {
        ...summary,
        averageOrder: summary.orderCount ? Math.round(summary.totalSpent / summary.orderCount) : null,
        firstContactAt,
        customerSince: known[0] ?? customer.createdAt,
      };
    },

    /** What a customer has bought: count, net spend, first and last purchase, in the workspace currency. */
    async getPurchaseSummary(ws: string, customerId: string): Promise<PurchaseSummary> {
      const { currency } = await workspaces.getWorkspaceCached(ws);
      const summary = await repo.summary(ws, customerId, currency);
      if (!summary) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
      return summary;
    },
  };
}
export type OrderService = ReturnType<typeof createOrderService>;
