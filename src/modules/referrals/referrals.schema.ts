import { z } from 'zod';
import { minorOut } from '../../platform/values.ts';

const money = z.object({ amount: minorOut.describe('Minor units'), currency: z.string() });

export const referralSourceSchema = z
  .enum(['created', 'link', 'later'])
  .describe(
    'created: given when the customer was added; link: signed up through the referral link; later: set on the customer page',
  );

export const setReferrerInput = z.object({
  referrer: z
    .string()
    .trim()
    .min(1, { message: 'Choose who referred them' })
    .max(100)
    .describe("The referrer's customer id or referral code"),
});

export const customerReferralsSchema = z.object({
  customerId: z.string(),
  code: z.string().describe('Their referral code, to print or read out'),
  link: z.string().describe('The public link that records whoever signs up through it as referred by them'),
  referredBy: z
    .object({ id: z.string(), name: z.string(), source: referralSourceSchema, at: z.string() })
    .nullable(),
  referred: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      source: referralSourceSchema,
      at: z.string(),
      orders: z.number().int(),
      revenue: minorOut,
      rewardedAt: z.string().nullable(),
    }),
  ),
  revenue: money.describe(
    'What the customers they referred brought: orders net of refunds, cancelled left out',
  ),
});
export type CustomerReferrals = z.infer<typeof customerReferralsSchema>;

export const leaderboardQuery = z.object({
  from: z.iso.date().optional().describe('First local day of referrals counted (inclusive)'),
  to: z.iso.date().optional().describe('Last local day (inclusive); revenue counts orders up to its end'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const leaderboardSchema = z.object({
  currency: z.string(),
  items: z.array(
    z.object({
      rank: z.number().int(),
      customerId: z.string(),
      name: z.string(),
      code: z.string().nullable(),
      referred: z.number().int().describe('Customers they referred in the period'),
      revenue: minorOut.describe('Net revenue those customers brought (minor units)'),
    }),
  ),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;

export const referralSettingsInput = z.object({
  rewardPoints: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .describe("Loyalty points the referrer earns for each referred customer's first purchase (0: no reward)"),
});
export const referralSettingsSchema = referralSettingsInput.extend({
  rewardsAvailable: z.boolean().describe('Whether loyalty points are there to give'),
});
