import { z } from 'zod';

const evaluatedSchema = z
  .object({
    hitRate5: z.number().nullable(),
    baselineHitRate5: z.number().nullable(),
    beatsBaseline: z.boolean(),
    customers: z.number(),
    pValue: z.number().nullable(),
    cutDate: z.string(),
    testDays: z.number(),
    seed: z.number(),
    asOf: z.string(),
  })
  .nullable()
  .describe(
    'The time split: fitted on lines up to cutDate, scored on what customers bought in the testDays after',
  );

export const suggestionsSchema = z
  .object({
    customerId: z.string(),
    oftenBuys: z
      .array(z.string())
      .describe('What the customer buys on two days or more (their regulars), most often first'),
    suggestions: z.array(
      z.object({
        productKey: z.string().describe('The product name, trimmed and lower-cased'),
        name: z.string(),
        why: z.string(),
        score: z
          .number()
          .describe(
            'Σ (the customer’s decayed weight for an item they bought × its cosine similarity); 0 for a popularity fill',
          ),
        basis: z.enum(['co-purchase', 'popular']),
      }),
    ),
    hidden: z
      .string()
      .nullable()
      .describe('Why there are no suggestions (no refit yet, or they do not beat the most popular items)'),
    evaluated: evaluatedSchema,
  })
  .meta({ id: 'CustomerSuggestions' });

export const evaluationSchema = z
  .object({ hidden: z.string().nullable(), evaluated: evaluatedSchema })
  .meta({ id: 'SuggestionEvaluation' });

const gap = z.object({
  customerId: z.string(),
  name: z.string(),
  segment: z.string(),
  tenure: z.string(),
  peers: z.number(),
  buys: z.array(z.string()),
  category: z.string(),
  ownMonthly: z.number(),
  peerMonthly: z.number(),
  gapMonthly: z.number(),
  sentence: z.string(),
});
export const walletGapsSchema = z
  .object({
    currency: z.string(),
    windowDays: z.number(),
    minPeers: z.number(),
    hidden: z.string().nullable(),
    gaps: z.array(gap),
  })
  .meta({ id: 'WalletGaps' });
export const walletGapsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  customerId: z.string().max(100).optional().describe('Only this customer’s gap'),
});

export const marginSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  revenue: z.number(),
  discounts: z.number(),
  refunds: z.number(),
  costOfGoods: z.number(),
  estimatedCost: z.number(),
  linesWithoutCost: z.number(),
  lines: z.number(),
  complaints: z.number(),
  costToServe: z.number(),
  profit: z.number(),
});
export const settingsSchema = z
  .object({
    defaultMargin: z.number().describe('Gross margin assumed for a line with no cost, 0 … 0.95'),
    complaintMinutes: z.number().describe('Staff minutes one complaint takes'),
    hourlyRate: z.number().describe('Cost of an hour of staff time, minor units'),
    currency: z.string(),
  })
  .meta({ id: 'GrowSettings' });
export const settingsInput = z.object({
  defaultMargin: z.number().min(0).max(0.95).optional(),
  complaintMinutes: z.number().int().min(0).max(10_000).optional(),
  hourlyRate: z.number().int().min(0).max(100_000_000).optional(),
});
export const profitabilitySchema = z
  .object({
    currency: z.string(),
    windowDays: z.number(),
    settings: settingsSchema,
    customers: z.number(),
    totalProfit: z.number(),
    lines: z.number(),
    linesWithoutCost: z.number(),
    topShare: z
      .object({ customerShare: z.number(), profitShare: z.number() })
      .nullable()
      .describe('The most profitable 20 % of customers and the share of the profit they bring'),
    pareto: z.array(z.object({ customerShare: z.number(), profitShare: z.number() })).nullable(),
    most: z.array(marginSchema),
    least: z.array(marginSchema),
    lossMakers: z.number().describe('Customers who cost more than they bring'),
    customer: marginSchema.nullable().describe('The asked customer’s figures (customerId)'),
    notCounted: z.array(z.string()).describe('Costs not in the figures, and why'),
  })
  .meta({ id: 'Profitability' });
export const profitabilityQuery = z.object({
  customerId: z.string().max(100).optional(),
});
