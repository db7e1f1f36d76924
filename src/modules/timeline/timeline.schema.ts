import { z } from 'zod';
import { minorOut, pastInstant } from '../../platform/values.ts';
import { customerSchema, phoneSchema } from '../customers/index.ts';

/** Touches staff log by hand; other modules (orders, complaints, …) add their own kinds to the timeline. */
export const INTERACTION_KINDS = [
  'call',
  'visit',
  'message',
  'email',
  'sms',
  'whatsapp',
  'note',
  'meeting',
] as const;
export const interactionKindSchema = z.enum(INTERACTION_KINDS);
export const directionSchema = z.enum(['inbound', 'outbound']);

export const createInteractionSchema = z.object({
  kind: interactionKindSchema,
  direction: directionSchema.optional(),
  body: z.string().trim().max(20_000).optional().describe('What was said or done'),
  occurredAt: pastInstant.optional().describe('When it happened (default: now)'),
  authorId: z.string().max(100).optional().describe('Staff member (default: the signed-in user)'),
});

/** A correction to a logged touch: what was said, when, or what kind of touch it was. */
export const updateInteractionSchema = z
  .object({
    kind: interactionKindSchema.optional(),
    direction: directionSchema.nullable().optional(),
    body: z
      .string()
      .trim()
      .min(1, { message: 'Say what was said or done (or delete the entry)' })
      .max(20_000)
      .optional(),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });

export const interactionSchema = z
  .object({
    id: z.string(),
    customerId: z.string().nullable(),
    kind: z.string(),
    direction: directionSchema.nullable(),
    body: z.string().nullable(),
    phone: z.string().nullable(),
    authorId: z.string().nullable(),
    authorName: z.string().nullable(),
    occurredAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Interaction' });
export type Interaction = z.infer<typeof interactionSchema>;

export const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(200).optional(),
});

export const callSchema = z.object({
  from: z.string().trim().min(1).max(50).describe('Caller number, any format'),
  to: z.string().trim().max(50).optional(),
  direction: directionSchema.default('inbound'),
  at: pastInstant.optional(),
  note: z.string().trim().max(5000).optional(),
});

/** What a customer has bought (filled by the orders module): the card's value section. */
export const purchaseSummarySchema = z
  .object({
    currency: z.string(),
    orderCount: z.number().int(),
    totalSpent: minorOut.describe('Sum of order totals less refunds, minor units'),
    firstPurchaseAt: z.string().nullable(),
    lastPurchaseAt: z.string().nullable(),
  })
  .meta({ id: 'PurchaseSummary' });
export type PurchaseSummary = z.infer<typeof purchaseSummarySchema>;

/** The customer's predicted future for the card (filled by the analytics module after a refit). */
export const predictionBriefSchema = z
  .object({
    pAlive: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .describe('Probability they are still a customer; null: too little data'),
    segment: z.string().describe('RFM segment, e.g. "champions", "at risk"'),
    lifecycleStage: z.string(),
    explanation: z.string().describe('e.g. "Buys about every 3 weeks; 5 weeks overdue"'),
    clv12m: minorOut.nullable().describe('Discounted value of the next 12 months, minor units'),
    currency: z.string(),
  })
  .meta({ id: 'PredictionBrief' });
export type PredictionBrief = z.infer<typeof predictionBriefSchema>;

/** What a staff screen shows the moment a customer calls. */
export const callerCardSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: customerSchema.shape.kind,
    tags: z.array(z.string()),
    phones: z.array(phoneSchema),
    business: customerSchema.shape.business,
    needs: z.string().nullable(),
    lastInteraction: z.object({ kind: z.string(), at: z.string(), body: z.string().nullable() }).nullable(),
    openItems: z
      .record(z.string(), z.number())
      .describe('Counts of open items by kind (complaints, promises, …, as those modules exist)'),
    interactionCount: z.number().int(),
    purchases: purchaseSummarySchema.nullable().describe('Orders, spend to date and last purchase'),
    prediction: predictionBriefSchema
      .nullable()
      .optional()
      .describe('P(alive), segment, rhythm and CLV from the last refit; null before one'),
  })
  .meta({ id: 'CallerCard' });
export type CallerCard = z.infer<typeof callerCardSchema>;

export const callEventSchema = z
  .object({
    interaction: interactionSchema,
    phone: z.string().describe('The number as received'),
    e164: z.string().nullable(),
    customer: callerCardSchema.nullable().describe('null: an unknown number'),
    erased: z
      .string()
      .nullable()
      .describe('Why an unknown number is not new: it belonged to a customer erased at their request'),
  })
  .meta({ id: 'CallEvent' });
export type CallEvent = z.infer<typeof callEventSchema>;
