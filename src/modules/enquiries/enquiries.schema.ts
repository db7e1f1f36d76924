import { z } from 'zod';
import { instant, minorAmount as minor, minorOut } from '../../platform/values.ts';

export const enquiryKindSchema = z.enum(['question', 'quote', 'booking']);
export const enquiryOutcomeSchema = z.enum(['won', 'lost', 'no_answer']);
export const enquiryChannelSchema = z.enum([
  'phone',
  'visit',
  'email',
  'message',
  'sms',
  'whatsapp',
  'social',
  'web_form',
  'other',
]);

const text = (max: number) => z.string().trim().min(1).max(max);

export const createEnquirySchema = z.object({
  customerId: z.string().max(100).optional().describe('An existing customer; or give `contact`'),
  contact: z
    .object({ name: text(200), phone: text(50) })
    .optional()
    .describe('A new contact (matched by phone first, so a known caller is not duplicated)'),
  kind: enquiryKindSchema,
  channel: enquiryChannelSchema,
  body: text(20_000).describe('What they asked, in their words'),
  ownerId: z.string().max(100).optional().describe('Default: the signed-in user, else the workspace owner'),
  receivedAt: instant.optional().describe('Default: now; the first-response timer starts here'),
  value: minor.optional().describe('Estimated value of the quote or booking, minor units'),
});

export const respondEnquirySchema = z.object({
  note: text(20_000),
  channel: enquiryChannelSchema.optional(),
});
export const enquiryOutcomeInput = z.object({
  outcome: enquiryOutcomeSchema,
  note: z.string().trim().max(5000).optional(),
  value: minor.optional().describe('Value won, minor units'),
});
export const transferEnquirySchema = z.object({
  toUserId: z.string().max(100),
  reason: z.string().trim().max(2000).optional(),
});

export const listEnquiriesQuery = z.object({
  state: z
    .enum(['active', 'waiting', 'answered', 'done', 'all'])
    .default('active')
    .describe('active = no outcome yet; waiting = not answered yet'),
  ownerId: z.string().max(100).optional(),
  customerId: z.string().max(100).optional(),
  kind: enquiryKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const enquirySchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    kind: enquiryKindSchema,
    channel: enquiryChannelSchema,
    body: z.string(),
    ownerId: z.string(),
    ownerName: z.string(),
    receivedAt: z.string(),
    status: z.enum(['waiting', 'answered', 'won', 'lost', 'no_answer']),
    slaState: z.enum(['ok', 'due_soon', 'breached', 'met']),
    firstResponse: z.object({
      dueAt: z.string(),
      doneAt: z.string().nullable(),
      state: z.enum(['ok', 'due_soon', 'breached', 'met']),
      remainingBusinessMinutes: z.number().nullable(),
    }),
    outcome: enquiryOutcomeSchema.nullable(),
    outcomeAt: z.string().nullable(),
    outcomeNote: z.string().nullable(),
    value: minorOut.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Enquiry' });
export type Enquiry = z.infer<typeof enquirySchema>;
