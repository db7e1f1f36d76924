import { z } from 'zod';
import { minorAmount, minorOut } from '../../platform/values.ts';

const points = z.number().int().min(0).max(1_000_000_000);

export const tierSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    minVisits: z.number().int().min(1).max(100_000).nullable().default(null).describe('Orders in the window'),
    minSpend: minorAmount
      .nullable()
      .default(null)
      .describe('Spend in the window, minor units (net of refunds)'),
  })
  .refine((t) => t.minVisits !== null || t.minSpend !== null, {
    message: 'A tier needs a number of visits or a spend (or both: either one reaches it)',
  });

/** The earn rules and tiers of a workspace. Defaults: 1 point per 100 minor units spent, no tiers. */
export const loyaltyRulesSchema = z.object({
  spendUnit: z
    .number()
    .int()
    .min(1)
    .max(1e9)
    .default(100)
    .describe('Minor units of spend that earn pointsPerUnit'),
  pointsPerUnit: points.default(1),
  pointsPerVisit: points.default(0).describe('Points for every order, whatever it comes to'),
  bonusCategories: z
    .array(z.object({ category: z.string().trim().min(1).max(100), pointsPerUnit: points }))
    .max(50)
    .default([])
    .describe('Extra points per spendUnit on lines of these categories'),
  signupBonus: points.default(0).describe('Points once for each customer added after it was switched on'),
  expiryMonths: z
    .number()
    .int()
    .min(1)
    .max(120)
    .nullable()
    .default(null)
    .describe('Points expire after this many months without earning or redeeming (null: never)'),
  pointValue: z.number().int().min(0).max(1e6).default(1).describe('Minor units one point takes off a sale'),
  tierWindowMonths: z.number().int().min(1).max(60).default(12),
  tiers: z.array(tierSchema).max(10).default([]).describe('Lowest first; the highest one reached applies'),
});
export type LoyaltyRules = z.output<typeof loyaltyRulesSchema>;
export const loyaltySettingsSchema = loyaltyRulesSchema.extend({
  signupSince: z.string().nullable().describe('When the sign-up bonus was switched on'),
});
export type LoyaltySettings = z.output<typeof loyaltySettingsSchema>;

export const entrySchema = z.object({
  id: z.string(),
  points: z.number().describe('Signed: positive when the customer gained points'),
  debit: z.string().describe('The account the points left'),
  credit: z.string().describe('The account the points reached'),
  reason: z.enum(['earn', 'refund', 'return', 'redeem', 'expire', 'signup']),
  orderId: z.string().nullable(),
  note: z.string().nullable(),
  at: z.string(),
});
export type LoyaltyEntry = z.output<typeof entrySchema>;

export const customerLoyaltySchema = z.object({
  points: z.number(),
  pointValue: minorOut.describe('Minor units one point takes off a sale'),
  tier: z.string().nullable(),
  tierSince: z.string().nullable(),
  visits: z.number().describe('Orders in the tier window'),
  spend: minorOut.describe('Spend in the tier window, minor units'),
  nextTier: z
    .object({ name: z.string(), visitsToGo: z.number().nullable(), spendToGo: minorOut.nullable() })
    .nullable(),
  entries: z.array(entrySchema),
  nextCursor: z.string().nullable(),
});
export const ledgerQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const redeemPointsSchema = z.object({
  points: points.min(1),
  note: z.string().trim().max(500).optional(),
  key: z.string().trim().min(8).max(100).optional().describe('The same key again redeems nothing more'),
});

export const syncResultSchema = z.object({
  earned: z.number(),
  takenBack: z.number(),
  signups: z.number(),
  expired: z.number(),
  tierMoves: z.number(),
});
export type SyncResult = z.output<typeof syncResultSchema>;
