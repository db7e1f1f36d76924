import { z } from 'zod';

const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { message: 'An ISO 4217 code, e.g. NGN' })
  .transform((v) => v.toUpperCase());

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
  quantity: z.number().positive().max(1e9).default(1),
  unitPrice: minor.describe('Minor units (e.g. kobo, cents)'),
  discount: minor.default(0).describe('Discount on this line, minor units'),
  unitCost: minor.optional().describe('What one unit cost the business, for margin'),
});

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
  placedAt: z.iso.datetime({ offset: true }).optional(),
  channel: z.string().trim().max(50).optional().describe('online, counter, phone, …'),
  location: z.string().trim().max(100).optional(),
  lines: z.array(orderLineInput).min(1, { message: 'An order needs at least one line' }).max(1000),
  discount: minor.default(0).describe('Order-level discount, minor units'),
  tax: minor.default(0),
  shipping: minor.default(0),
  note: z.string().max(5000).optional(),
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
  amount: minor.refine((v) => v > 0, { message: 'A refund is more than zero' }),
  kind: z.enum(['refund', 'return']).default('refund'),
  reason: z.string().trim().min(1, { message: 'Say why' }).max(2000),
  at: z.iso.datetime({ offset: true }).optional(),
});

export const orderLineSchema = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  name: z.string(),
  category: z.string().nullable(),
  quantity: z.number(),
  unitPrice: z.number().int(),
  discount: z.number().int(),
  total: z.number().int(),
  unitCost: z.number().int().nullable(),
});
export const refundOutSchema = z.object({
  id: z.string(),
  amount: z.number().int(),
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
    subtotal: z.number().int(),
    discount: z.number().int(),
    tax: z.number().int(),
    shipping: z.number().int(),
    total: z.number().int(),
    refunded: z.number().int(),
    cost: z.number().int().nullable().describe('Sum of line costs when every line has one'),
    note: z.string().nullable(),
    externalSource: z.string().nullable(),
    externalId: z.string().nullable(),
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
