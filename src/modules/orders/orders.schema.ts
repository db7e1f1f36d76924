import { z } from 'zod';

import {
  instant,
  MAX_QUANTITY,
  MAX_TOTAL,
  minorAmount as minor,
  minorOut,
  moneyCurrency as currency,
} from '../../platform/values.ts';

export const orderStatusSchema = z.enum([
  'placed',
  'paid',
  'fulfilled',
  'cancelled',
  'partially_refunded',
  'refunded',
  'returned',
]);

export const orderLineInput = z.object({
  sku: z.string().trim().max(100).optional(),
  name: z.string().trim().min(1).max(300),
  category: z.string().trim().max(100).optional(),
  quantity: z
    .number()
    .positive()
    .max(MAX_QUANTITY, { message: `At most ${MAX_QUANTITY.toLocaleString('en')}` })
    .default(1),
  unitPrice: minor.describe('Minor units (e.g. kobo, cents)'),
  discount: minor.default(0).describe('Discount on this line, minor units'),
  unitCost: minor.optional().describe('What one unit cost the business, for margin'),
});

export const PAYMENT_METHODS = ['cash', 'card', 'transfer', 'other'] as const;
export const paymentMethodSchema = z.enum(PAYMENT_METHODS);

export const createOrderSchema = z.object({
  customerId: z
    .string()
    .max(100)
    .nullable()
    .describe("null for a walk-in sale: counted in revenue, in no customer's figures"),
  number: z.string().trim().max(100).optional().describe('The order number people see'),
  status: orderStatusSchema.exclude(['partially_refunded', 'refunded', 'returned']).default('paid'),
  kind: z
    .enum(['sale', 'return'])
    .default('sale')
    .describe(
      'return: items brought back without their sale here (a cancellation invoice, a return row of an import); stored with negative quantities and totals, status "returned", so revenue and the customer\'s spend are net',
    ),
  currency: currency.optional().describe('Default: the workspace currency'),
  placedAt: instant.optional(),
  channel: z.string().trim().max(50).optional().describe('online, counter, phone, …'),
  location: z.string().trim().max(100).optional(),
  lines: z.array(orderLineInput).min(1, { message: 'An order needs at least one line' }).max(1000),
  discount: minor.default(0).describe('Order-level discount, minor units'),
  tax: minor.default(0),
  shipping: minor.default(0),
  note: z.string().max(5000).optional(),
  paymentMethod: paymentMethodSchema.optional().describe('How it was paid (sales at the counter)'),
  externalSource: z
    .string()
    .trim()
    .max(50)
    .optional()
    .describe('Where it came from (shopify, square, …); with externalId, makes the order unique'),
  externalId: z.string().trim().max(200).optional(),
});
export type CreateOrderInput = z.output<typeof createOrderSchema>;

export const refundSchema = z.object({
  amount: z
    .number()
    .int()
    .min(1, { message: 'A refund is more than zero' })
    .max(MAX_TOTAL, { message: 'More than any order can total' }),
  kind: z.enum(['refund', 'return']).default('refund'),
  reason: z.string().trim().min(1, { message: 'Say why' }).max(2000),
  at: instant.optional(),
});

export const orderLineSchema = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  name: z.string(),
  category: z.string().nullable(),
  quantity: z.number(),
  unitPrice: minorOut,
  discount: minorOut,
  total: minorOut,
  unitCost: minorOut.nullable(),
});
export const refundOutSchema = z.object({
  id: z.string(),
  amount: minorOut,
  kind: z.enum(['refund', 'return']),
  reason: z.string(),
  at: z.string(),
});

export const orderSchema = z
  .object({
    id: z.string(),
    customerId: z.string().nullable().describe('null: a walk-in sale'),
    number: z.string().nullable(),
    status: orderStatusSchema,
    currency: z.string(),
    placedAt: z.string(),
    channel: z.string().nullable(),
    location: z.string().nullable(),
    subtotal: minorOut,
    discount: minorOut,
    tax: minorOut,
    shipping: minorOut,
    total: minorOut,
    refunded: minorOut,
    cost: minorOut.nullable().describe('Sum of line costs when every line has one'),
    note: z.string().nullable(),
    externalSource: z.string().nullable(),
    externalId: z.string().nullable(),
    paymentMethod: paymentMethodSchema.nullable(),
    lines: z.array(orderLineSchema),
    refunds: z.array(refundOutSchema),
    createdAt: z.string(),
  })
  .meta({ id: 'Order' });
export type Order = z.infer<typeof orderSchema>;

export const listOrdersQuery = z.object({
  customerId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(300).optional(),
});

/** The customer page's story in numbers: what they bought and since when they are a customer. */
export const customerTotalsSchema = z
  .object({
    currency: z.string(),
    orderCount: z.number().int().describe('Orders in the workspace currency, cancelled ones left out'),
    totalSpent: z.number().int().describe('Spend to date less refunds, minor units'),
    averageOrder: z
      .number()
      .int()
      .nullable()
      .describe('totalSpent / orderCount, rounded; null without orders'),
    firstPurchaseAt: z.string().nullable(),
    lastPurchaseAt: z.string().nullable(),
    firstContactAt: z.string().nullable().describe('The earliest touch on the timeline'),
    customerSince: z
      .string()
      .describe(
        'The earliest known contact or order; the date the record was added only when there is neither',
      ),
  })
  .meta({ id: 'CustomerTotals' });
export type CustomerTotals = z.infer<typeof customerTotalsSchema>;
