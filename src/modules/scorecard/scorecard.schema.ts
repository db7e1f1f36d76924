import { z } from 'zod';
import { METRICS } from './figures.ts';

export const metricSchema = z.enum(METRICS).meta({ id: 'ScorecardMetric' });

export const scorecardQuery = z.object({
  period: z
    .enum(['week', 'month'])
    .default('week')
    .describe('Weeks (Monday–Sunday) or calendar months, in the workspace zone'),
  from: z.iso.date().optional().describe('First local date (default: 8 weeks or 6 months before `to`)'),
  to: z.iso.date().optional().describe('Last local date (default: today)'),
  userId: z
    .string()
    .max(100)
    .optional()
    .describe('One staff member: the figures that belong to people are theirs'),
});

const fig = { value: z.number().nullable(), numerator: z.number(), denominator: z.number() };
export const scorecardSchema = z
  .object({
    period: z.enum(['week', 'month']),
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    activeDays: z
      .number()
      .describe('An active customer bought in this many days before the end of the period'),
    periods: z.array(z.object({ key: z.string(), label: z.string(), start: z.string(), end: z.string() })),
    staff: z.array(z.object({ userId: z.string(), name: z.string() })),
    metrics: z.array(
      z.object({
        metric: metricSchema,
        label: z.string(),
        unit: z.enum(['percent', 'minutes', 'hours', 'per100', 'score']),
        better: z.enum(['higher', 'lower']),
        perPerson: z.boolean().describe('False: a figure about the customer base, the same for everyone'),
        ...fig,
        target: z.number().nullable(),
        met: z.boolean().nullable(),
        trend: z.array(z.object({ period: z.string(), ...fig })),
        staff: z.array(z.object({ userId: z.string(), ...fig })),
      }),
    ),
  })
  .meta({ id: 'Scorecard' });

export const scorecardCustomersQuery = scorecardQuery.extend({
  cursor: z
    .string()
    .regex(/^\d{1,9}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const scorecardCustomersSchema = z
  .object({
    metric: metricSchema,
    title: z.string().describe('Who is listed, in plain words'),
    items: z.array(
      z.object({
        customerId: z.string(),
        name: z.string(),
        detail: z.string().nullable(),
        at: z.string().nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ScorecardCustomers' });

export const targetsInput = z
  .object({
    targets: z
      .partialRecord(metricSchema, z.number().finite().nullable())
      .describe('A target per figure (percent, minutes, hours, contacts per 100, NPS); null removes it'),
  })
  .meta({ id: 'ScorecardTargetsChange' });
export const targetsSchema = z
  .object({ targets: z.partialRecord(metricSchema, z.number()) })
  .meta({ id: 'ScorecardTargets' });
