import type { Kysely, Selectable } from 'kysely';
import type { Database, ProductTable } from '../../platform/db/schema.ts';
import { badInput } from '../../platform/errors.ts';
import { MAX_TOTAL } from '../../platform/values.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { OrderService } from '../orders/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { createProductsRepository, nameKey, newProductRow } from './products.repository.ts';
import { saleSchema } from './products.schema.ts';

export type SaleDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  orders: OrderService;
  /** Points and vouchers taken off a sale, used in the sale's transaction (exactly once with it). */
  rewards?: {
    pointValue: (ws: string) => Promise<number>;
    quoteVoucher: (
      ws: string,
      code: string,
      gross: number,
    ) => Promise<{ discount: number; amount?: number | undefined }>;
    redeemPoints: (
      trx: Kysely<Database>,
      ws: string,
      customerId: string,
      points: number,
      orderId: string,
    ) => Promise<unknown>;
    useVoucher: (
      trx: Kysely<Database>,
      ws: string,
      code: string,
      o: { amount?: number; customerId: string | null; orderId: string; actor: Actor },
    ) => Promise<unknown>;
  };
};

/** Sales at the counter: orders made from the product list (or products named as they are sold). */
export function createSaleService({ db, workspaces, customers, orders, rewards }: SaleDeps) {
  const repo = createProductsRepository(db);
  const newRow = newProductRow;
  return {
    /**
     * A sale at the counter: an order (channel "counter") for a customer or a walk-in (customerId null), its
     * items from the product list or new products named and priced as they are sold. With `key`, the same sale
     * sent twice (a double tap, a retry) is recorded once (`created: false` the second time).
     */
    async recordSale(ws: string, input: unknown, actor: Actor) {
      const v = saleSchema.parse(input);
      if (v.customerId !== null) await customers.existsOrThrow(ws, v.customerId);
      const { currency } = await workspaces.getWorkspaceCached(ws);
      const byId = new Map(
        (
          await repo.byIds(db, ws, [
            ...new Set(v.items.flatMap((i) => ('productId' in i ? [i.productId] : []))),
          ])
        ).map((r) => [r.id, r]),
      );
      v.items.forEach((i, n) => {
        if ('productId' in i && !byId.has(i.productId))
          throw badInput('PRODUCT_NOT_FOUND', 'No such product', `/body/items/${n}/productId`);
      });
      // a sale too large to record is refused before a product typed with it joins the list
      const estimate = v.items.reduce(
        (sum, i) =>
          sum +
          i.quantity * (i.unitPrice ?? ('productId' in i ? Number(byId.get(i.productId)?.price ?? 0) : 0)),
        0,
      );
      if (estimate > MAX_TOTAL)
        throw badInput(
          'ORDER_TOTAL_TOO_LARGE',
          `This sale comes to more than ${MAX_TOTAL.toLocaleString('en')} minor units: check the prices and quantities`,
          '/body/items',
        );
      // products typed at the counter join the list (a name already there is that product)
      const named = v.items.flatMap((i) => ('name' in i ? [i] : []));
      const byKey = new Map<string, Selectable<ProductTable>>();
      if (named.length)
        await writeTransaction(db, async (trx) => {
          for (const i of named) {
            const row = newRow(ws, { name: i.name, price: i.unitPrice, category: i.category ?? null });
            if (await repo.insert(trx, row))
              await recordAudit(trx, {
                workspaceId: ws,
                actor: actorRef(actor),
                action: 'create',
                entity: 'product',
                entityId: row.id,
                data: { name: row.name, price: row.price, from: 'sale' },
              });
          }
          for (const r of await repo.byKeys(
            trx,
            ws,
            named.map((i) => nameKey(i.name)),
          ))
            byKey.set(r.name_key, r);
        });
      const lines = v.items.map((i) => {
        const p = 'productId' in i ? byId.get(i.productId) : byKey.get(nameKey(i.name));
        if (!p) throw new Error('product vanished');
        return {
          name: p.name,
          ...(p.category && { category: p.category }),
          quantity: i.quantity,
          unitPrice: i.unitPrice ?? Number(p.price),
          ...(p.cost !== null && { unitCost: Number(p.cost) }),
        };
      });
      // points and a voucher come off what is left after the typed discount; used in the order's transaction
      if (v.redeemPoints && v.customerId === null)
        throw badInput(
          'POINTS_NEED_CUSTOMER',
          "Points are redeemed on a customer's sale",
          '/body/redeemPoints',
        );
      const gross = lines.reduce((sum, l) => sum + Math.round(l.quantity * l.unitPrice), 0);
      let discount = v.discount;
      const voucher =
        v.voucherCode && rewards
          ? await rewards.quoteVoucher(ws, v.voucherCode, Math.max(0, gross - discount))
          : undefined;
      discount += voucher?.discount ?? 0;
      if (v.redeemPoints && rewards) {
        discount += v.redeemPoints * (await rewards.pointValue(ws));
        if (discount > gross)
          throw badInput(
            'POINTS_EXCEED_SALE',
            'These points are worth more than is left to pay: redeem fewer',
            '/body/redeemPoints',
          );
      }
      const customerId = v.customerId;
      return orders.createOrder(
        ws,
        {
          customerId: v.customerId,
          currency,
          channel: 'counter',
          paymentMethod: v.paymentMethod,
          discount,
          lines,
          ...(v.note && { note: v.note }),
          ...(v.key && { externalSource: 'counter', externalId: v.key }),
        },
        actor,
        {
          inTransaction: async (trx, orderId) => {
            if (v.voucherCode && rewards)
              await rewards.useVoucher(trx, ws, v.voucherCode, {
                ...(voucher?.amount !== undefined && { amount: voucher.amount }),
                customerId,
                orderId,
                actor,
              });
            if (v.redeemPoints && customerId !== null && rewards)
              await rewards.redeemPoints(trx, ws, customerId, v.redeemPoints, orderId);
          },
        },
      );
    },
  };
}
export type SaleService = ReturnType<typeof createSaleService>;
