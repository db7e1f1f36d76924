import { z } from 'zod';
import { instant, minorAmount as minor, minorOut } from '../../platform/values.ts';
import { SEVERITIES } from './settings.ts';

export const COMPLAINT_CHANNELS = [
  'phone',
  'visit',
  'email',
  'message',
  'sms',
  'whatsapp',
  'social',
  'review',
  'web_form',
  'letter',
  'other',
] as const;
export const channelSchema = z.enum(COMPLAINT_CHANNELS);
export const severitySchema = z.enum(SEVERITIES);
export const OFFER_KINDS = [
  'repair',
  'replace',
  'redo',
  'discount',
  'credit',
  'apology',
  'refund',
  'other',
] as const;
export const offerKindSchema = z.enum(OFFER_KINDS);
export const complaintStatusSchema = z.enum(['open', 'in_progress', 'resolved', 'closed']);
export const slaStateSchema = z.enum(['ok', 'due_soon', 'breached', 'met']);

const text = (max: number) => z.string().trim().min(1).max(max);

export const createComplaintSchema = z.object({
  customerId: z.string().max(100),
  channel: channelSchema,
  words: text(20_000).describe("The customer's own words, verbatim"),
  severity: severitySchema,
  paraphrase: text(5000).optional().describe("Staff's paraphrase of the concern: the problem statement"),
  category: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(100)
    .optional()
    .describe('e.g. quality, delivery, billing'),
  product: z.string().trim().min(1).max(300).optional(),
  orderId: z.string().max(100).optional().describe("One of this customer's orders"),
  ownerId: z.string().max(100).optional().describe('Default: the signed-in user, else the workspace owner'),
  receivedAt: instant
    .optional()
    .describe('When the customer complained (default: now); the SLA clocks start here'),
});
export type CreateComplaintInput = z.output<typeof createComplaintSchema>;

export const updateComplaintSchema = z.object({
  paraphrase: createComplaintSchema.shape.paraphrase,
  category: createComplaintSchema.shape.category,
  product: createComplaintSchema.shape.product,
  orderId: createComplaintSchema.shape.orderId,
  severity: severitySchema.optional().describe('Re-grading recomputes the pending SLA deadlines'),
  rootCause: text(2000).optional(),
});

export const transferSchema = z.object({
  toUserId: z.string().max(100),
  reason: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .describe('Required: refused with COMPLAINT_TRANSFER_NO_REASON'),
});

export const respondSchema = z.object({
  note: text(20_000).describe('What was said or sent'),
  channel: channelSchema.optional(),
  reached: z
    .boolean()
    .default(true)
    .describe('false: a documented attempt to reach the customer that did not get through'),
});

export const offerSchema = z.object({
  options: z
    .array(
      z.object({
        kind: offerKindSchema,
        detail: z.string().trim().max(2000).optional(),
        amount: minor.optional().describe('Money involved (discount, credit, refund), minor units'),
      }),
    )
    .min(1, { message: 'Offer at least one option' })
    .max(8),
  choice: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Index of the option the customer chose, when they chose on the spot'),
  refused: z.boolean().default(false).describe('The customer refused every option offered'),
  refundReason: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .describe('Required when a refund is among the options (refund is the last resort)'),
  note: z.string().trim().max(5000).optional(),
});

export const resolveSchema = z.object({
  offerId: z
    .string()
    .max(100)
    .optional()
    .describe('The offer the customer accepted (default: the one they chose)'),
  choice: z.number().int().min(0).optional().describe('Index of the chosen option within that offer'),
  summary: text(5000).describe('What was done'),
  apologized: z.boolean().default(false).describe('Apology for the inconvenience made (required)'),
  rootCause: text(2000).optional(),
});

export const closeSchema = z.object({
  customerConfirmed: z
    .boolean()
    .default(false)
    .describe(
      'The customer confirmed they are satisfied; otherwise two documented attempts to reach them are needed',
    ),
  note: z.string().trim().max(5000).optional(),
});

export const reopenSchema = z.object({ reason: text(2000) });

export const followUpSchema = z.object({
  outcome: z.enum(['satisfied', 'unhappy', 'unreachable']).describe('unhappy reopens the complaint'),
  note: z.string().trim().max(5000).optional(),
});

export const listComplaintsQuery = z.object({
  status: z
    .enum(['active', 'open', 'in_progress', 'resolved', 'closed', 'all'])
    .optional()
    .describe('Default: active (not closed); all when filtering by customerId or followUpDue'),
  ownerId: z.string().max(100).optional(),
  customerId: z.string().max(100).optional(),
  severity: severitySchema.optional(),
  sla: z.enum(['breached', 'due_soon']).optional(),
  // A boolean too: the route's validation has already turned the query string into one when the service
  // parses the query again.
  followUpDue: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .optional()
    .describe('Only complaints whose follow-up check is due'),
  order: z.enum(['due', 'valueAtStake', 'severity', 'received']).default('due'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListComplaintsQuery = z.output<typeof listComplaintsQuery>;

export const learnQuery = z.object({
  from: instant.optional().describe('Default: 90 days ago'),
  to: instant.optional().describe('Default: now'),
});

const timerSchema = z.object({
  dueAt: z.string(),
  doneAt: z.string().nullable(),
  state: slaStateSchema,
  remainingBusinessMinutes: z.number().nullable().describe('Negative when overdue; null once done'),
});

const optionOut = z.object({
  kind: offerKindSchema,
  detail: z.string().nullable(),
  amount: z.number().nullable(),
});
export const offerOutSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    options: z.array(optionOut),
    response: z.enum(['pending', 'accepted', 'refused']),
    choice: z.number().nullable(),
    refundReason: z.string().nullable(),
    alternativeTo: z.string().nullable().describe('The refused offer this one replaces'),
    note: z.string().nullable(),
  })
  .meta({ id: 'ComplaintOffer' });
export type Offer = z.infer<typeof offerOutSchema>;

export const complaintEventSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    actorId: z.string().nullable(),
    at: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ComplaintEvent' });

export const complaintSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    orderId: z.string().nullable(),
    product: z.string().nullable(),
    channel: channelSchema,
    category: z.string().nullable(),
    severity: severitySchema,
    words: z.string(),
    paraphrase: z.string().nullable(),
    status: complaintStatusSchema,
    ownerId: z.string(),
    ownerName: z.string(),
    receivedAt: z.string(),
    slaState: slaStateSchema,
    sla: z.object({ firstResponse: timerSchema, resolution: timerSchema }),
    valueAtStake: minorOut.describe("The customer's lifetime value at risk, minor units"),
    currency: z.string(),
    value: z.object({
      source: z.enum(['spend_to_date', 'predicted_clv']),
      customerSince: z.string().nullable(),
      tenureDays: z.number().int().nullable(),
      orderCount: z.number().int(),
      lastPurchaseAt: z.string().nullable(),
    }),
    resolution: z.string().nullable().describe('The option the customer chose'),
    resolutionSummary: z.string().nullable(),
    apologized: z.boolean(),
    refunded: z.boolean(),
    refundReason: z.string().nullable(),
    rootCause: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    closedHow: z.enum(['confirmed', 'unreachable']).nullable(),
    followUp: z.object({
      dueAt: z.string().nullable(),
      doneAt: z.string().nullable(),
      outcome: z.enum(['satisfied', 'unhappy', 'unreachable']).nullable(),
      due: z.boolean().describe("Due now and not done: it is in the owner's queue"),
    }),
    reopenCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Complaint' });
export type Complaint = z.infer<typeof complaintSchema>;

export const complaintDetailSchema = complaintSchema
  .extend({
    offers: z.array(offerOutSchema),
    contactAttemptsSinceResolved: z.number().int(),
    history: z.array(complaintEventSchema),
  })
  .meta({ id: 'ComplaintDetail' });
export type ComplaintDetail = z.infer<typeof complaintDetailSchema>;

const surgeSchema = z.object({
  last24h: z.number().int(),
  dailyMedian: z.number(),
  ratio: z.number().nullable(),
  surging: z.boolean(),
});

export const complaintSummarySchema = z
  .object({
    active: z.number().int(),
    breached: z.number().int(),
    dueSoon: z.number().int(),
    dueToday: z
      .number()
      .int()
      .describe('Not yet breached, but will be before the end of today (workspace time zone) unless handled'),
    followUpsDue: z.number().int(),
    surge: surgeSchema,
  })
  .meta({ id: 'ComplaintSummary' });

const spread = z.object({
  count: z.number().int(),
  median: z.number().nullable(),
  p90: z.number().nullable(),
});
export const learnSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    received: z.number().int(),
    resolved: z.number().int(),
    firstResponseMinutes: spread.describe('Business minutes from receipt to first response'),
    resolutionMinutes: spread.describe('Business minutes from receipt to resolution'),
    breaches: z.object({
      firstResponse: z.number().int(),
      resolution: z.number().int(),
      complaints: z.number().int(),
    }),
    refunds: z.number().int(),
    refundRate: z.number().nullable().describe('Refunds / resolved complaints'),
    resolutions: z.array(z.object({ kind: z.string(), count: z.number().int() })),
    recurrence: z.object({
      customers: z.array(z.object({ customerId: z.string(), name: z.string(), count: z.number().int() })),
      products: z.array(z.object({ product: z.string(), count: z.number().int() })),
      reopened: z.number().int(),
    }),
    categories: z.array(
      z.object({
        category: z.string(),
        count: z.number().int(),
        refunds: z.number().int(),
        medianResolutionMinutes: z.number().nullable(),
        rootCauses: z.array(z.object({ rootCause: z.string(), count: z.number().int() })),
      }),
    ),
    surge: surgeSchema,
  })
  .meta({ id: 'ComplaintLearning' });
export type Learning = z.infer<typeof learnSchema>;
