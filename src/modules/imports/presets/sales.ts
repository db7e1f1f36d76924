import { instant, money, signedQuantity, text } from '../values.ts';
import { type ImportedLine, type Preset } from '../records.ts';
import { addressOf } from './customers.ts';
import { aliasesOf, ORDER_FIELDS, type FieldId } from './fields.ts';
import { customerOf, grouped } from './orders.ts';
import type { ColumnMapping } from './mapped.ts';

/** The file's columns read as each field: a mapping's columns, or every name the field is known by. */
export type FieldColumns = (f: FieldId) => readonly string[];

const RETURN_TYPES = new Set([
  'refund',
  'return',
  'refunded',
  'returned',
  'cancellation',
  'credit',
  'credit note',
]);

/**
 * Sales with one row per line item (retail and POS systems, public data sets such as UCI Online Retail):
 * consecutive rows with the same order number form one order; a row without one is an order of its own
 * (keyed by its content). A negative quantity, an invoice number with a "C" prefix (a cancellation invoice) or
 * a refund/return type is a return of those items. No customer name, email, phone or id: a walk-in sale.
 */
export function salesLines(o: { id: string; label: string; columns: FieldColumns }): Preset {
  const cols = o.columns;
  return {
    id: o.id,
    label: o.label,
    kind: 'orders',
    signature: [],
    read: grouped(
      (get) => text(get(...cols('orderNumber'))),
      (get, ctx) => {
        const f = (id: FieldId) => get(...cols(id));
        const currency = text(f('currency'))?.toUpperCase() ?? ctx.currency;
        const number = text(f('orderNumber'));
        const type = text(f('orderType'))?.toLowerCase();
        const placedAt = instant(f('orderDate'), ctx);
        if (!placedAt) throw new Error('the order date is missing');
        const customerId = text(f('externalId'));
        const name =
          text(f('name')) ??
          ([text(f('firstName')), text(f('lastName'))].filter(Boolean).join(' ') || undefined);
        return {
          externalId: number ?? '',
          number,
          placedAt,
          currency,
          status: 'paid',
          isReturn:
            (number !== undefined && /^C\d/i.test(number)) || (type !== undefined && RETURN_TYPES.has(type)),
          channel: text(f('channel')),
          location: text(f('location')),
          discount: Math.abs(money(f('discount'), currency) ?? 0),
          tax: Math.abs(money(f('tax'), currency) ?? 0),
          shipping: Math.abs(money(f('shipping'), currency) ?? 0),
          refunded: Math.abs(money(f('refunded'), currency) ?? 0),
          customer: customerOf({
            externalId: customerId?.replace(/\.0$/, ''),
            name,
            company: text(f('company')),
            emails: [...new Set([f('email')].flatMap((e) => text(e) ?? []))].map((address) => ({ address })),
            phones: (['phone', 'mobile', 'workPhone'] as const).flatMap((p) => {
              const n = text(f(p));
              return n ? [{ number: n, label: p === 'workPhone' ? 'work' : p }] : [];
            }),
            address: addressOf(
              (...n) => get(...n),
              [...cols('addressLine1')],
              [...cols('addressLine2')],
              [...cols('city')],
              [...cols('region')],
              [...cols('postalCode')],
              [...cols('country')],
            ),
            tags: [],
          }),
        };
      },
      (get, ctx): ImportedLine | undefined => {
        const f = (id: FieldId) => get(...cols(id));
        const currency = text(f('currency'))?.toUpperCase() ?? ctx.currency;
        const name = text(f('product')) ?? text(f('sku'));
        if (!name) return undefined;
        return {
          name,
          sku: text(f('sku')),
          category: text(f('category')),
          quantity: signedQuantity(f('quantity')) ?? 1,
          unitPrice: money(f('unitPrice'), currency) ?? 0,
          discount: Math.abs(money(f('lineDiscount'), currency) ?? 0),
        };
      },
    ),
  };
}

/** Sales files recognised by their column names (no mapping): see FIELDS for the names of each field. */
export const salesByName = salesLines({
  id: 'sales-lines',
  label: 'Sales, one row per line item (columns recognised by name)',
  columns: aliasesOf,
});

/**
 * Whether columns (by field) describe sales: an order number or date, and a quantity or a unit price. Then the
 * file is read as orders, whatever else it holds (a customer id, a country).
 */
export function isSales(fields: Iterable<FieldId>): boolean {
  const has = new Set(fields);
  return (has.has('orderNumber') || has.has('orderDate')) && (has.has('quantity') || has.has('unitPrice'));
}

/** A mapping that imports orders: it maps a column to any order or line-item field. */
export const mapsOrders = (m: ColumnMapping): boolean =>
  Object.values(m).some((t) => t !== 'ignore' && ORDER_FIELDS.has(t));
