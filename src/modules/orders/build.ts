import type { Selectable } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { OrderLineTable, OrderTable } from '../../platform/db/schema.ts';
import { badInput } from '../../platform/errors.ts';
import { formatMoney } from '../../platform/money.ts';
import { MAX_TOTAL } from '../../platform/values.ts';
import type { CreateOrderInput } from './orders.schema.ts';

export type BuiltOrder = {
  order: Selectable<OrderTable>;
  lines: Selectable<OrderLineTable>[];
  /** The line on the customer's timeline. */
  summary: string;
};

/**
 * The rows of a new order. Totals come from the lines: quantity × unit price − line discount, then
 * − order discount + tax + shipping; `alreadyRefunded` (from an import) sets the refund state. A return
 * (`kind: 'return'`) is stored with every quantity and amount negative and status `returned`.
 */
export function buildOrder(
  ws: string,
  v: CreateOrderInput,
  currency: string,
  alreadyRefunded: number,
): BuiltOrder {
  if (!!v.externalSource !== !!v.externalId)
    throw badInput('ORDER_EXTERNAL_PAIR', 'Give externalSource and externalId together', '/body/externalId');
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
  const tooLarge = lines.findIndex((l) => l.total > MAX_TOTAL);
  if (tooLarge >= 0 || subtotal > MAX_TOTAL || total > MAX_TOTAL)
    throw badInput(
      'ORDER_TOTAL_TOO_LARGE',
      `An order totals at most ${formatMoney(MAX_TOTAL, currency)}`,
      tooLarge >= 0 ? `/body/lines/${tooLarge}/quantity` : '/body/lines',
    );
  if (total < 0)
    throw badInput('ORDER_TOTAL_NEGATIVE', 'The order discount is larger than the order', '/body/discount');
  // a return: the same amounts, brought back (negative), so sums over orders are net
  const sign = v.kind === 'return' ? -1 : 1;
  const refunded = sign < 0 ? 0 : Math.min(Math.max(0, alreadyRefunded), total);
  const costs = lines.every((l) => l.unitCost !== undefined)
    ? lines.reduce((s, l) => s + Math.round(l.quantity * (l.unitCost ?? 0)), 0)
    : null;
  const cost = costs !== null && costs <= MAX_TOTAL ? costs : null; // a cost past the bound is left unknown
  const signed = (x: number) => (x === 0 ? 0 : sign * x);
  const at = nowIso();
  const id = newId();
  const items = lines.length === 1 ? (lines[0]?.name ?? '1 item') : `${lines.length} items`;
  return {
    order: {
      workspace_id: ws,
      id,
      customer_id: v.customerId,
      customer_erased: 0,
      number: v.number ?? null,
      status:
        sign < 0
          ? 'returned'
          : refunded > 0
            ? refunded === total
              ? 'refunded'
              : 'partially_refunded'
            : v.status,
      currency,
      placed_at: v.placedAt ? new Date(v.placedAt).toISOString() : at,
      channel: v.channel ?? null,
      location: v.location ?? null,
      subtotal: signed(subtotal),
      discount: signed(v.discount),
      tax: signed(v.tax),
      shipping: signed(v.shipping),
      total: signed(total),
      refunded,
      cost: cost === null ? null : signed(cost),
      note: v.note ?? null,
      external_source: v.externalSource ?? null,
      external_id: v.externalId ?? null,
      payment_method: v.paymentMethod ?? null,
      created_at: at,
      updated_at: at,
    },
    lines: lines.map((l, i) => ({
      workspace_id: ws,
      id: newId(),
      order_id: id,
      position: i,
      sku: l.sku ?? null,
      name: l.name,
      category: l.category ?? null,
      quantity: signed(l.quantity),
      unit_price: l.unitPrice,
      discount: signed(l.discount),
      total: signed(l.total),
      unit_cost: l.unitCost ?? null,
    })),
    summary:
      sign < 0
        ? `${v.number ? `Return ${v.number}` : 'Return'}: ${items}, ${formatMoney(-total, currency)}`
        : v.channel === 'counter'
          ? `Sale at the counter: ${items}, ${formatMoney(total, currency)}${v.paymentMethod ? ` (${v.paymentMethod})` : ''}`
          : `${v.number ? `Order ${v.number}` : 'Order'}: ${items}, ${formatMoney(total, currency)}`,
  };
}
