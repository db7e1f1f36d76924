import { createHash } from 'node:crypto';
import { instant, money, signedQuantity, text, yes } from '../values.ts';
import {
  cellGetter,
  type ImportedCustomer,
  type ImportedLine,
  type ImportedOrder,
  type ImportRecord,
  type Preset,
  type PresetContext,
  type Row,
} from '../records.ts';
import { addressOf, externalId, personName, tagsOf } from './customers.ts';

type Get = ReturnType<typeof cellGetter>;

/**
 * Order exports with one row per line item: consecutive rows with the same order key form one order.
 * `head` reads the order from its first row (order fields are often only there), `line` reads each row's item.
 */
export function grouped(
  key: (get: Get) => string | undefined,
  head: (get: Get, ctx: PresetContext) => Omit<ImportedOrder, 'lines'>,
  line: (get: Get, ctx: PresetContext) => ImportedLine | undefined,
) {
  return async function* (rows: AsyncIterable<Row>, ctx: PresetContext): AsyncIterable<ImportRecord> {
    let current:
      | {
          key: string;
          /** A key made from the row's content (unique by construction). */
          derived: boolean;
          line: number;
          index: number;
          order?: Omit<ImportedOrder, 'lines'>;
          lines: ImportedLine[];
          error?: string;
        }
      | undefined;
    const finished = new Set<string>();
    const flush = (): ImportRecord[] => {
      if (!current) return [];
      const at = { line: current.line, index: current.index };
      if (current.error || !current.order) return [{ ...at, error: current.error ?? 'no order on this row' }];
      if (!current.lines.length) return [{ ...at, error: 'an order without any line item' }];
      return returnsOf({ ...current.order, lines: current.lines }).map((order) => ({ ...at, order }));
    };
    // rows without an order number or id: a key from their content, and which of the identical rows it is
    const fingerprints = new Map<string, number>();
    for await (const row of rows) {
      if (row.cut) {
        // the order it belongs to is incomplete too: rejected whole (the complete file imports it)
        if (current?.order && current.key === key(cellGetter(row.cells, undefined, row.keys)))
          current.error = `order ${current.key}: its last row (line ${row.line}) is cut short`;
        yield* flush();
        current = undefined;
        yield { line: row.line, index: row.index, error: row.cut };
        continue;
      }
      const get = cellGetter(row.cells, ctx.seen, row.keys);
      const given = key(get);
      let k = given;
      if (!k) {
        const hash = contentKey(row.cells);
        const nth = (fingerprints.get(hash) ?? 0) + 1;
        fingerprints.set(hash, nth);
        k = `row:${hash}:${nth}`;
      }
      if (!current || current.key !== k) {
        yield* flush();
        if (current && !current.derived) finished.add(current.key);
        if (finished.has(k)) {
          // its first rows were imported as a whole order already: these would be lost (or a second order)
          current = undefined;
          yield {
            line: row.line,
            index: row.index,
            error: `the rows of order ${k} are not together (this row comes after other orders): sort the file by order number and import it again`,
          };
          continue;
        }
        current = { key: k, derived: !given, line: row.line, index: row.index, lines: [] };
        try {
          current.order = head(get, ctx);
          if (!given) current.order = { ...current.order, externalId: k };
        } catch (err) {
          current.error = `order ${k}: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      if (current.error) continue;
      try {
        const l = line(get, ctx);
        if (l) current.lines.push(l);
      } catch (err) {
        current.error = `order ${k}, line on row ${row.line}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    yield* flush();
  };
}

const unsigned = (l: ImportedLine): ImportedLine => ({
  ...l,
  quantity: Math.abs(l.quantity),
  discount: Math.abs(l.discount),
});

/**
 * A sale, a return, or both: an order marked as a return (a cancellation invoice, a refund row) or whose every
 * line has a negative quantity is a return of those items; a sale with some negative lines is split into the
 * sale and the return of those lines (its key suffixed ":return").
 */
export function returnsOf(order: ImportedOrder): ImportedOrder[] {
  const back = order.lines.filter((l) => l.quantity < 0);
  if (order.isReturn || back.length === order.lines.length)
    return [{ ...order, isReturn: true, lines: order.lines.map(unsigned) }];
  if (!back.length) return [order];
  return [
    { ...order, lines: order.lines.filter((l) => l.quantity > 0) },
    {
      ...order,
      externalId: `${order.externalId}:return`,
      isReturn: true,
      lines: back.map(unsigned),
      discount: 0,
      tax: 0,
      shipping: 0,
      refunded: 0,
      refunds: undefined,
    },
  ];
}

/**
 * The order's customer, or null for a walk-in sale (guest checkout, counter or gift-card sale): nothing names,
 * reaches or identifies anyone. The name falls back to the email, then the phone.
 */
export const customerOf = (c: Partial<ImportedCustomer>): ImportedCustomer | null => {
  const name =
    c.name ?? c.emails?.[0]?.address ?? c.phones?.[0]?.number ?? (c.externalId && `Customer ${c.externalId}`);
  if (!name) return null;
  return { phones: [], emails: [], tags: [], ...c, name };
};

/**
 * A row's content as a short stable key (its cells in header order): what identifies a row that lost its order
 * number or id (a payments export re-saved by a spreadsheet), so importing the file again finds it.
 */
export function contentKey(cells: Record<string, string>): string {
  const h = createHash('sha256');
  for (const [k, v] of Object.entries(cells)) h.update(`${k}\u0000${v.trim()}\u0001`);
  return h.digest('base64url').slice(0, 22);
}
const one = <T>(v: T | undefined): T[] => (v === undefined ? [] : [v]);
const required = (v: string | undefined, what: string): string => {
  if (v === undefined) throw new Error(`${what} is missing`);
  return v;
};

/** Shopify orders: one row per line item; order fields only on the first row; "Name" (#1001) is the order. */
export const shopifyOrders: Preset = {
  id: 'shopify-orders',
  label: 'Shopify orders',
  kind: 'orders',
  signature: ['Name', 'Financial Status', 'Lineitem name', 'Lineitem quantity'],
  read: grouped(
    (get) => text(get('Name')),
    (get, ctx) => {
      const currency = text(get('Currency'))?.toUpperCase() ?? ctx.currency;
      const id = externalId(get, 'Id');
      const name = text(get('Name'));
      const financial = text(get('Financial Status'))?.toLowerCase();
      // Paid at: when the money came in. An order with it is paid whatever the financial status says (a
      // "pending" or "authorized" one without it is only placed); it dates the order when Created at is empty.
      const paidAt = instant(get('Paid at'), ctx);
      return {
        externalId: id.id ? `id:${id.id}` : name ? `name:${name}` : '',
        number: name,
        placedAt: required(instant(get('Created at'), ctx) ?? paidAt, 'Created at'),
        currency,
        status:
          text(get('Cancelled at')) || financial === 'voided'
            ? 'cancelled'
            : text(get('Fulfillment Status'))?.toLowerCase() === 'fulfilled'
              ? 'fulfilled'
              : (financial === 'pending' || financial === 'authorized') && !paidAt
                ? 'placed'
                : 'paid',
        channel: text(get('Source')),
        location: text(get('Location')),
        discount: money(get('Discount Amount'), currency) ?? 0,
        tax: money(get('Taxes'), currency) ?? 0,
        shipping: money(get('Shipping'), currency) ?? 0,
        refunded: Math.abs(money(get('Refunded Amount'), currency) ?? 0),
        note: text(get('Notes')),
        customer: customerOf({
          name: text(get('Billing Name', 'Shipping Name')),
          company: text(get('Billing Company')),
          emails: one(text(get('Email'))).map((address) => ({ address })),
          phones: [...one(text(get('Phone'))), ...one(text(get('Billing Phone')))].map((number) => ({
            number,
          })),
          // The billing address is the customer's (the shipping address may be a gift's recipient).
          address: addressOf(
            get,
            ['Billing Address1', 'Billing Street'],
            ['Billing Address2'],
            ['Billing City'],
            ['Billing Province', 'Billing Province Name'],
            ['Billing Zip'],
            ['Billing Country'],
          ),
          // Shopify's order tags, kept on the customer (orders have no tags here).
          tags: tagsOf(get('Tags')),
          marketingConsent: yes(get('Accepts Marketing', 'Accepts Email Marketing')),
        }),
      };
    },
    (get, ctx) => {
      const currency = text(get('Currency'))?.toUpperCase() ?? ctx.currency;
      const name = text(get('Lineitem name'));
      if (!name) return undefined;
      return {
        name,
        sku: text(get('Lineitem sku')),
        category: text(get('Vendor')),
        quantity: signedQuantity(get('Lineitem quantity')) ?? 1,
        unitPrice: money(get('Lineitem price'), currency) ?? 0,
        discount: money(get('Lineitem discount'), currency) ?? 0,
      };
    },
  ),
};

/** WooCommerce orders (Advanced Order Export layout): one row per item, keyed by order number. */
export const wooOrders: Preset = {
  id: 'woocommerce-orders',
  label: 'WooCommerce orders',
  kind: 'orders',
  signature: ['Order Number', 'Order Status', 'Item Name'],
  read: grouped(
    (get) => text(get('Order Number', 'Order ID')),
    (get, ctx) => {
      const currency = text(get('Order Currency', 'Currency'))?.toUpperCase() ?? ctx.currency;
      const status = text(get('Order Status'))?.toLowerCase() ?? '';
      return {
        externalId: text(get('Order ID', 'Order Number')) ?? '',
        number: text(get('Order Number')),
        placedAt: required(instant(get('Order Date', 'Date'), ctx), 'Order Date'),
        currency,
        status: ['cancelled', 'failed'].includes(status)
          ? 'cancelled'
          : status === 'completed'
            ? 'fulfilled'
            : ['pending', 'on-hold'].includes(status)
              ? 'placed'
              : 'paid',
        discount: money(get('Cart Discount Amount'), currency) ?? 0,
        tax: money(get('Order Total Tax Amount'), currency) ?? 0,
        shipping: money(get('Order Shipping Amount'), currency) ?? 0,
        refunded: Math.abs(money(get('Order Refund Amount'), currency) ?? 0),
        note: text(get('Customer Note')),
        channel: 'online',
        customer: customerOf({
          name:
            personName(get, ['First Name (Billing)'], ['Last Name (Billing)']) ??
            text(get('Company (Billing)')),
          company: text(get('Company (Billing)')),
          emails: one(text(get('Email (Billing)'))).map((address) => ({ address })),
          phones: one(text(get('Phone (Billing)'))).map((number) => ({ number })),
        }),
      };
    },
    (get, ctx) => {
      const name = text(get('Item Name'));
      if (!name) return undefined;
      const currency = text(get('Order Currency', 'Currency'))?.toUpperCase() ?? ctx.currency;
      return {
        name,
        sku: text(get('SKU')),
        quantity: signedQuantity(get('Quantity (- Refund)', 'Quantity')) ?? 1,
        unitPrice: money(get('Item Cost'), currency) ?? 0,
        discount: 0,
      };
    },
  ),
};

/** Stripe payments (unified payments export): one payment is one order of one line. */
export const stripePayments: Preset = {
  id: 'stripe-payments',
  label: 'Stripe payments',
  kind: 'orders',
  signature: ['id', 'Amount', 'Amount Refunded', 'Currency', 'Status'],
  read: grouped(
    (get) => text(get('id')),
    (get, ctx) => {
      const currency = text(get('Currency'))?.toUpperCase() ?? ctx.currency;
      const status = text(get('Status'))?.toLowerCase();
      if (status === 'failed') throw new Error('a failed payment is not a purchase');
      return {
        externalId: text(get('id')) ?? '',
        placedAt: required(
          instant(get('Created (UTC)', 'Created date (UTC)'), { ...ctx, zone: 'UTC' }),
          'Created (UTC)',
        ),
        currency,
        status: 'paid',
        discount: 0,
        tax: 0,
        shipping: 0,
        refunded: money(get('Amount Refunded'), currency) ?? 0,
        channel: 'stripe',
        customer: customerOf({
          externalId: text(get('Customer ID')),
          name: text(get('Customer Description', 'Card Name')),
          emails: one(text(get('Customer Email'))).map((address) => ({ address })),
        }),
      };
    },
    (get, ctx) => {
      const currency = text(get('Currency'))?.toUpperCase() ?? ctx.currency;
      return {
        name: text(get('Description')) ?? 'Payment',
        quantity: 1,
        unitPrice: money(get('Amount'), currency) ?? 0,
        discount: 0,
      };
    },
  ),
};

/** Square item sales: one row per item, grouped by transaction. */
export const squareItems: Preset = {
  id: 'square-items',
  label: 'Square item sales',
  kind: 'orders',
  signature: ['Item', 'Qty', 'Transaction ID'],
  read: grouped(
    (get) => text(get('Transaction ID')),
    (get, ctx) => ({
      externalId: text(get('Transaction ID')) ?? '',
      placedAt: required(
        instant([text(get('Date')), text(get('Time'))].filter(Boolean).join(' '), ctx),
        'Date',
      ),
      currency: ctx.currency,
      status: 'paid',
      location: text(get('Location')),
      channel: text(get('Channel')) ?? 'counter',
      discount: 0,
      tax: 0,
      shipping: 0,
      refunded: 0,
      customer: customerOf({ externalId: text(get('Customer ID')), name: text(get('Customer Name')) }),
    }),
    (get, ctx) => {
      const name = text(get('Item'));
      if (!name) return undefined;
      const qty = signedQuantity(get('Qty')) ?? 1;
      const gross = Math.abs(money(get('Gross Sales'), ctx.currency) ?? 0);
      return {
        name,
        sku: text(get('SKU')),
        category: text(get('Category')),
        quantity: qty,
        unitPrice: Math.round(gross / Math.abs(qty)),
        discount: Math.abs(money(get('Discounts'), ctx.currency) ?? 0),
      };
    },
  ),
};

/** Square transactions: one row per sale, without items (one line "Sale"). */
export const squareTransactions: Preset = {
  id: 'square-transactions',
  label: 'Square transactions',
  kind: 'orders',
  signature: ['Transaction ID', 'Gross Sales', 'Net Sales', 'Total Collected'],
  read: grouped(
    (get) => text(get('Transaction ID')),
    (get, ctx) => ({
      externalId: text(get('Transaction ID')) ?? '',
      placedAt: required(
        instant([text(get('Date')), text(get('Time'))].filter(Boolean).join(' '), ctx),
        'Date',
      ),
      currency: ctx.currency,
      status: 'paid',
      location: text(get('Location')),
      channel: text(get('Source')) ?? 'counter',
      discount: Math.abs(money(get('Discounts'), ctx.currency) ?? 0),
      tax: money(get('Tax'), ctx.currency) ?? 0,
      shipping: 0,
      refunded: Math.abs(money(get('Partial Refunds'), ctx.currency) ?? 0),
      customer: customerOf({ externalId: text(get('Customer ID')), name: text(get('Customer Name')) }),
    }),
    (get, ctx) => ({
      name: text(get('Description')) ?? 'Sale',
      quantity: 1,
      unitPrice: money(get('Gross Sales'), ctx.currency) ?? 0,
      discount: 0,
    }),
  ),
};
