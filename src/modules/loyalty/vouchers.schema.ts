import { z } from 'zod';
import { minorAmount, minorOut } from '../../platform/values.ts';

export const createVoucherSchema = z
  .object({
    value: minorAmount.min(1).optional().describe('Minor units of the workspace currency'),
    percent: z.number().int().min(1).max(100).optional().describe('Percent off one sale'),
    mode: z
      .enum(['once', 'balance'])
      .default('once')
      .describe('once: used up by its first redemption; balance: spent a part at a time'),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    customerId: z
      .string()
      .max(100)
      .optional()
      .describe('Given to this customer (anyone may still use the code)'),
    source: z.enum(['manual', 'campaign', 'reward']).default('manual'),
    note: z.string().trim().max(500).optional(),
  })
  .refine((v) => (v.value === undefined) !== (v.percent === undefined), {
    message: 'A voucher is worth a value or a percentage',
    path: ['value'],
  })
  .refine((v) => v.percent === undefined || v.mode === 'once', {
    message: 'A percentage voucher is used once',
    path: ['mode'],
  });

const code = z.string().trim().min(4).max(40).describe('Case, spaces and dashes do not matter');
export const redeemVoucherSchema = z.object({
  code,
  amount: minorAmount
    .min(1)
    .optional()
    .describe('Balance vouchers: how much to use (default: all that is left)'),
  customerId: z.string().max(100).optional(),
  orderId: z.string().max(100).optional(),
});
export const lookupVoucherSchema = z.object({ code });

export const voucherSchema = z.object({
  id: z.string(),
  codeHint: z.string().describe('The last four characters of the code (the code itself is not kept)'),
  kind: z.enum(['amount', 'percent']),
  value: minorOut.nullable(),
  percent: z.number().nullable(),
  currency: z.string(),
  mode: z.enum(['once', 'balance']),
  remaining: minorOut.nullable().describe('What is left to spend (amount vouchers)'),
  status: z.enum(['active', 'used', 'void', 'expired']),
  expiresAt: z.string().nullable(),
  customerId: z.string().nullable(),
  source: z.enum(['manual', 'campaign', 'reward']),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type Voucher = z.output<typeof voucherSchema>;
export const issuedVoucherSchema = voucherSchema.extend({
  code: z.string().describe('Shown once: print it or read it out now'),
});
export const redemptionSchema = z.object({
  voucher: voucherSchema,
  amount: minorOut.nullable().describe('Minor units used (null for a percentage voucher)'),
});
export const listVouchersQuery = z.object({
  status: z.enum(['active', 'used', 'void']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
