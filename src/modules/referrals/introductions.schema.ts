import { z } from 'zod';
import { minorAmount, minorOut } from '../../platform/values.ts';

const keywordList = z
  .array(z.string().trim().max(100))
  .max(50)
  .describe('Keywords or short phrases (tags or free text; commas split one item into several)');

export const businessInput = z.object({
  offers: keywordList.default([]),
  needs: keywordList.default([]),
  note: z.string().trim().max(2000).nullable().optional(),
});

const party = z.object({ id: z.string(), name: z.string() });
export const consentSchema = z.enum(['asked', 'yes', 'no']);

export const introductionSchema = z.object({
  id: z.string(),
  a: party.extend({ consent: consentSchema }).describe('The party who needs'),
  b: party.extend({ consent: consentSchema }).describe('The party who offers'),
  providerId: z.string().nullable().describe('Who the business is passed to (their ledger counts the value)'),
  reason: z.string(),
  status: z
    .enum(['asked', 'made', 'declined'])
    .describe('made only once both said yes; declined when one said no'),
  value: minorOut.nullable().describe('Value of the business passed, minor units of the workspace currency'),
  currency: z.string(),
  madeAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Introduction = z.infer<typeof introductionSchema>;

export const businessSchema = z.object({
  customerId: z.string(),
  offers: z.array(z.string()),
  needs: z.array(z.string()),
  note: z.string().nullable(),
  updatedAt: z.string().nullable(),
  ledger: z.object({
    introductionsMade: z.number().int(),
    valuePassed: minorOut.describe('Business passed to them through introductions, minor units'),
    currency: z.string(),
    items: z.array(introductionSchema),
  }),
});
export type Business = z.infer<typeof businessSchema>;

export const createIntroductionInput = z.object({
  needsId: z.string().max(100).describe('The customer who needs'),
  offersId: z.string().max(100).describe('The customer who offers (the business is passed to them)'),
  reason: z.string().trim().min(1, { message: 'Say why they should meet' }).max(1000),
});

export const consentInput = z.object({
  customerId: z.string().max(100).describe('The party answering'),
  answer: z.enum(['yes', 'no']),
});

export const valueInput = z.object({ value: minorAmount.nullable() });

export const suggestionsSchema = z.object({
  items: z.array(
    z.object({
      a: party.describe('Who needs'),
      b: party.describe('Who offers'),
      score: z.number().describe('2 per exact need/offer match, 1 per partial one, both directions'),
      reasons: z.array(z.string()),
    }),
  ),
});

export const ledgerSchema = z.object({
  currency: z.string(),
  items: z.array(
    z.object({
      customerId: z.string(),
      name: z.string(),
      offers: z.array(z.string()),
      needs: z.array(z.string()),
      introductionsMade: z.number().int(),
      valuePassed: minorOut,
    }),
  ),
});

export const listIntroductionsQuery = z.object({
  customerId: z.string().max(100).optional(),
  status: z.enum(['asked', 'made', 'declined']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
