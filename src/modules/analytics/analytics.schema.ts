import { z } from 'zod';
import { minorOut } from '../../platform/values.ts';

const prob = z.number().min(0).max(1);
const money = minorOut.describe('Minor units of `currency`');

/** What the customer page shows about one customer's future (all null until a refit has scored them). */
export const customerPredictionSchema = z
  .object({
    customerId: z.string(),
    status: z
      .enum(['ready', 'descriptive_only', 'no_purchases', 'no_run'])
      .describe(
        'ready: model forecasts; descriptive_only: RFM, lifecycle and rhythm but no forecasts (too little data in the workspace); no_purchases: nothing bought yet (or since the last refit); no_run: no refit has run yet',
      ),
    reason: z.string().nullable().describe('Why forecasts are missing, in plain language'),
    runId: z.string().nullable(),
    asOf: z.string().nullable().describe('The instant the forecasts were computed for'),
    model: z.string().nullable().describe('The model behind P(alive) and the forecasts (paretonbd)'),
    currency: z.string(),
    purchases: z.number().int().nullable().describe('Distinct purchase days'),
    totalSpent: money.nullable(),
    firstPurchaseOn: z.string().nullable(),
    lastPurchaseOn: z.string().nullable(),
    pAlive: prob.nullable().describe('Probability that they are still a customer'),
    expectedPurchases: z
      .object({ days30: z.number(), days90: z.number(), days365: z.number() })
      .nullable()
      .describe('Expected purchase days in the next 30, 90 and 365 days'),
    pBuyWithin: z.object({ days30: prob, days90: prob }).nullable(),
    expectedNextPurchaseOn: z
      .string()
      .nullable()
      .describe('YYYY-MM-DD; null when no purchase is expected (likely gone, or too little to tell)'),
    expectedSpend: money.nullable().describe('Expected spend per purchase'),
    clv12m: money.nullable().describe('Discounted value of the next 12 months'),
    valueAtStake: money.nullable().describe('What a year of this customer is worth at their past pace'),
    rfm: z
      .object({ r: z.number().int(), f: z.number().int(), m: z.number().int(), segment: z.string() })
      .nullable(),
    lifecycleStage: z.enum(['new', 'repeat', 'loyal', 'at risk', 'lapsed', 'won back']).nullable(),
    trend: z.enum(['rising', 'flat', 'falling']).nullable(),
    overdueDays: z.number().int().nullable(),
    explanation: z.string().nullable().describe('e.g. "Buys about every 3 weeks; 5 weeks overdue"'),
  })
  .meta({ id: 'CustomerPrediction' });
export type CustomerPrediction = z.infer<typeof customerPredictionSchema>;

const runRef = z.object({
  runId: z.string().nullable(),
  asOf: z.string().nullable(),
  status: z.enum(['done', 'insufficient_data']).nullable(),
  currency: z.string(),
});

export const predictionRunSchema = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'done', 'insufficient_data', 'failed']),
    trigger: z.string(),
    model: z.string(),
    asOf: z.string(),
    currency: z.string(),
    customers: z.number().int(),
    parameters: z.record(z.string(), z.unknown()).describe('Fitted parameters per model (time unit: days)'),
    logLikelihood: z.number().nullable(),
    diagnostics: z
      .looseObject({
        holdout: z
          .looseObject({
            holdoutDays: z.number(),
            groups: z.array(
              z.object({
                purchases: z.string().describe('Repeat purchases in calibration ("7+" for seven or more)'),
                customers: z.number(),
                actual: z.number().describe('Mean purchases in the holdout'),
                predicted: z.number().describe('Mean purchases the model predicted for the holdout'),
              }),
            ),
          })
          .nullable()
          .optional()
          .describe('null: too little history to hold a period out'),
      })
      .describe(
        'Fit diagnostics: each model’s parameters, log-likelihood, convergence; the holdout check (holdout.groups: actual vs predicted mean purchases by calibration purchases — the holdout chart)',
      ),
    timings: z.record(z.string(), z.number()),
    reason: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'PredictionRun' });
export type PredictionRun = z.infer<typeof predictionRunSchema>;

export const segmentsSchema = runRef
  .extend({
    segments: z.array(
      z.object({
        segment: z.string(),
        customers: z.number().int(),
        totalSpent: money,
        clv12m: money.nullable(),
        averageSpent: money,
      }),
    ),
    grid: z
      .array(
        z.object({
          r: z.number().int(),
          f: z.number().int(),
          customers: z.number().int(),
          totalSpent: money,
        }),
      )
      .describe('25 cells: recency score r (5 = most recent) × frequency score f'),
  })
  .meta({ id: 'RfmSegments' });

export const lifecycleSchema = runRef
  .extend({
    stages: z.array(z.object({ stage: z.string(), customers: z.number().int(), totalSpent: money })),
    funnel: z.array(
      z.object({
        step: z.enum(['new', 'repeat', 'loyal']),
        minPurchases: z.number().int(),
        customers: z.number().int(),
      }),
    ),
    winBack: z
      .array(
        z.object({
          from: z.string().describe('First day of the window (YYYY-MM-DD)'),
          to: z.string().describe('Last day of the window (YYYY-MM-DD)'),
          atRiskOrLapsed: z.number().int().describe('Customers at risk or lapsed when the window began'),
          returned: z.number().int().describe('Of those, customers who bought again within the window'),
          rate: z.number().nullable().describe('returned ÷ atRiskOrLapsed; null when nobody was at risk'),
          revenue: money.describe('What the returned customers spent in the window'),
        }),
      )
      .describe(
        'The win-back rate over the last four 90-day windows, oldest first: the at-risk and lapsed rule applied to what was known when each window began. Empty for runs made before it existed.',
      ),
  })
  .meta({ id: 'LifecycleFunnel' });

export const cohortsSchema = runRef
  .extend({
    cohorts: z.array(
      z.object({
        cohort: z.string().describe('YYYY-MM of the first purchase'),
        customers: z.number().int(),
        retention: z
          .array(z.number())
          .describe('Share of the cohort buying in month 0, 1, 2, … after the first'),
      }),
    ),
  })
  .meta({ id: 'CohortRetention' });

export const revenueSplitSchema = runRef
  .extend({
    months: z.array(
      z.object({
        month: z.string(),
        newRevenue: money,
        returningRevenue: money,
        newCustomers: z.number().int(),
        returningCustomers: z.number().int(),
        partial: z.boolean().describe('The current month, still filling in'),
        daysCovered: z.number().int().describe('Days of the month the figures cover'),
        daysInMonth: z.number().int(),
      }),
    ),
    sameDaysLastMonth: z
      .object({ month: z.string(), days: z.number().int(), revenue: money })
      .nullable()
      .describe('The previous month over the same days as the current month so far (fair comparison)'),
  })
  .meta({ id: 'RevenueNewVsReturning' });

export const customerListSchema = runRef
  .extend({
    items: z.array(
      z.object({
        customerId: z.string(),
        name: z.string(),
        lifecycleStage: z.string(),
        segment: z.string(),
        trend: z.string(),
        trendSlope: z.number().describe('Change in spend per 30 days, minor units per 30 days'),
        pAlive: prob.nullable(),
        clv12m: money.nullable(),
        valueAtStake: money,
        totalSpent: money,
        lastPurchaseOn: z.string(),
        overdueDays: z.number().int(),
        expectedPurchases365: z
          .number()
          .nullable()
          .describe('Expected purchases in the next 365 days (null without a model)'),
        explanation: z.string(),
      }),
    ),
    total: z
      .number()
      .int()
      .nullable()
      .describe('Customers in this list at the last refit (the first 10,000 are kept); null before it'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  })
  .meta({ id: 'InsightCustomerList' });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^p[0-9]{1,9}$/, 'Not a cursor from this list')
    .optional()
    .describe('The `nextCursor` of the previous page'),
});

export const refitAcceptedSchema = z
  .object({ jobId: z.string(), status: z.string(), runAt: z.string() })
  .meta({ id: 'RefitAccepted' });

export const analyticsSettingsSchema = z
  .object({
    monthlyDiscountRate: z
      .number()
      .min(0)
      .max(0.5)
      .describe('Monthly discount rate of the 12-month CLV (default 0.01 = 1 % a month)'),
  })
  .meta({ id: 'AnalyticsSettings' });

export const membersQuery = z
  .object({
    segment: z.string().min(1).max(40).optional().describe('An RFM segment, e.g. "champions"'),
    stage: z
      .enum(['new', 'repeat', 'loyal', 'at risk', 'lapsed', 'won back'])
      .optional()
      .describe('A lifecycle stage'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z
      .string()
      .regex(/^-?[0-9]{1,15}~[0-9A-Za-z_-]{1,64}$/, 'Not a cursor from this list')
      .optional()
      .describe('The `nextCursor` of the previous page'),
  })
  .refine((q) => (q.segment === undefined) !== (q.stage === undefined), {
    message: 'Give exactly one of segment or stage',
    path: ['segment'],
  });
