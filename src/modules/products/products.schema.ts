import { z } from 'zod';
import { minorAmount } from '../../platform/values.ts';
import { paymentMethodSchema } from '../orders/index.ts';

/** Prices, costs and discounts: integer minor units within the bounds every amount keeps. */
const minor = minorAmount;
const name = z
  .string()
  .trim()
  .min(1, { message: 'Give the product a name' })
  .max(200)
  .refine((v) => !v.includes('\u0000'), { message: 'No NUL characters' });
const category = z.string().trim().max(100);

export const productSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price: z.number().int().describe('Minor units of the workspace currency'),
    category: z.string().nullable(),
    cost: z.number().int().nullable().describe('What one costs the business, minor units'),
    archived: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' });
export type Product = z.infer<typeof productSchema>;

export const createProductSchema = z.object({
  name,
  price: minor.describe('Minor units of the workspace currency (kobo, cents)'),
  category: category.optional(),
  cost: minor.optional(),
});
export type CreateProductInput = z.output<typeof createProductSchema>;

export const updateProductSchema = z
  .object({
    name: name.optional(),
    price: minor.optional(),
    category: category.nullable().optional(),
    cost: minor.nullable().optional(),
    archived: z.boolean().optional().describe('Archived products are kept on old sales but not offered'),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });

export const listProductsQuery = z.object({
  q: z.string().trim().max(200).optional().describe('Name or category contains'),
  archived: z.enum(['exclude', 'include', 'only']).default('exclude'),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
  cursor: z.string().max(600).optional(),
});

export const importProductsSchema = z.object({
  csv: z
    .string()
    .min(1, { message: 'The file is empty' })
    .max(2_000_000, { message: 'At most 2 MB of CSV at a time' })
    .describe('name,price,category,cost with a header row; prices in whole units ("1500", "1,500.50")'),
});
export const importProductsResultSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'ProductImport' });
export type ProductImportResult = z.infer<typeof importProductsResultSchema>;

/** One item of a sale: a product on the list, or a new one named and priced as it is sold. */
export const saleItemSchema = z.union([
  z.object({
    productId: z.string().max(100),
    quantity: z.number().positive().max(1e6).default(1),
    unitPrice: minor.optional().describe('Default: the product price'),
  }),
  z.object({
    name,
    unitPrice: minor.describe('Minor units; the new product gets this price'),
    category: category.optional(),
    quantity: z.number().positive().max(1e6).default(1),
  }),
]);

export const saleSchema = z.object({
  customerId: z.string().max(100).nullable().describe('null: a walk-in, nobody on record'),
  items: z.array(saleItemSchema).min(1, { message: 'Add at least one item' }).max(200),
  discount: minor.default(0).describe('Off the whole sale, minor units'),
  paymentMethod: paymentMethodSchema,
  note: z.string().trim().max(2000).optional(),
  redeemPoints: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe("The customer's points to take off this sale (each worth the workspace's pointValue)"),
  voucherCode: z.string().trim().min(4).max(40).optional().describe('A gift voucher to take off this sale'),
  key: z
    .string()
    .trim()
    .min(8)
    .max(100)
    .optional()
    .describe(
      'Chosen by the client once per sale: the same key again answers the stored sale (a double tap)',
    ),
});
export type SaleInput = z.output<typeof saleSchema>;
