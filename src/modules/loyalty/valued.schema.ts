import { z } from 'zod';
import { minorOut } from '../../platform/values.ts';

export const putValuedSchema = z.object({
  ownerId: z.string().max(100).nullable().optional().describe('The staff user who looks after this customer'),
  perks: z.string().trim().max(2000).nullable().optional().describe('What they get (free text)'),
  alertDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Alert when not contacted for this many days'),
});
export const addFromPredictedSchema = z.object({
  count: z.number().int().min(1).max(500).describe('How many of the highest predicted value'),
  ownerId: z.string().max(100).optional(),
  alertDays: z.number().int().min(1).max(3650).default(30),
});
export const listValuedQuery = z.object({
  ownerId: z.string().max(100).optional(),
  alerting: z
    .enum(['true', 'false'])
    .optional()
    .describe('Only those not contacted for their number of days'),
});
export const valuedCustomerSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  ownerId: z.string().nullable(),
  ownerEmail: z.string().nullable(),
  perks: z.string().nullable(),
  source: z.enum(['predicted', 'chosen']),
  alertDays: z.number(),
  predictedValue: minorOut
    .nullable()
    .describe('Predicted 12-month value, minor units (newest prediction run)'),
  lastContactAt: z.string().nullable(),
  daysSinceContact: z.number().nullable(),
  alert: z.boolean().describe('Not contacted for alertDays or more (or never)'),
  occasions: z.array(
    z.object({ kind: z.enum(['birthday', 'anniversary']), on: z.string(), inDays: z.number() }),
  ),
  addedAt: z.string(),
});
export type ValuedCustomer = z.output<typeof valuedCustomerSchema>;
