import { z } from 'zod';

export const channelSchema = z.enum(['email', 'sms', 'whatsapp']).meta({ id: 'MessageChannel' });
export const purposeSchema = z
  .enum(['marketing', 'service'])
  .describe("marketing needs the customer's consent; service (a complaint follow-up, a reminder) does not")
  .meta({ id: 'MessagePurpose' });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'A time as HH:MM (24 h)' });
const email = z.email().max(254);
const text = (max: number) => z.string().trim().max(max);

// --- settings ---
export const smsSettingsInput = z.object({
  provider: z.literal('twilio'),
  accountSid: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, { message: 'A Twilio Account SID: AC and 32 hex digits' }),
  authToken: z.string().min(8).max(200).describe('Stored encrypted; never shown again'),
  from: z.string().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, {
    message: 'A number in E.164 (+234…) or a Messaging Service SID (MG…)',
  }),
});
export const whatsappSettingsInput = z.object({
  phoneNumberId: z.string().regex(/^\d{5,30}$/, { message: 'The WhatsApp phone number ID (digits)' }),
  accessToken: z.string().min(8).max(1000).describe('Stored encrypted; never shown again'),
  appSecret: z.string().min(8).max(200).describe('Verifies the webhook signatures; stored encrypted'),
  verifyToken: z.string().min(8).max(200).describe('Your webhook verify token; stored encrypted'),
});
export const updateOutreachSettingsSchema = z.object({
  fromEmail: email.nullable().optional(),
  fromName: text(100).nullable().optional(),
  replyTo: email.nullable().optional(),
  quietHours: z
    .object({ start: hhmm, end: hhmm })
    .optional()
    .describe('In the workspace zone; equal times = none'),
  ratePerMinute: z.number().int().min(1).max(10_000).optional(),
  sms: smsSettingsInput.nullable().optional().describe('null removes the SMS provider'),
  whatsapp: whatsappSettingsInput.nullable().optional().describe('null removes WhatsApp'),
});
export const outreachSettingsSchema = z
  .object({
    fromEmail: z.string().nullable(),
    fromName: z.string().nullable(),
    replyTo: z.string().nullable(),
    quietHours: z.object({ start: z.string(), end: z.string() }),
    ratePerMinute: z.number(),
    email: z.object({
      configured: z.boolean().describe('RAPPORT_SMTP_URL is set and a From address exists'),
      smtp: z.boolean().describe('The server has a mail server (RAPPORT_SMTP_URL is set)'),
      inbound: z
        .object({
          enabled: z
            .boolean()
            .describe(
              'Rapport reads returned mail itself (RAPPORT_INBOUND_SMTP and RAPPORT_INBOUND_DOMAIN are set)',
            ),
          domain: z.string().nullable().describe('RAPPORT_INBOUND_DOMAIN'),
          listen: z.string().nullable().describe('RAPPORT_INBOUND_SMTP (address:port of the listener)'),
          bounceAddress: z.string().nullable().describe('The address to point bounces and feedback loops at'),
          returnPath: z.string().nullable().describe('The envelope sender each email goes out with (VERP)'),
        })
        .describe(
          'Returned mail (bounces, spam complaints, unsubscribe emails); read-only, from the configuration',
        ),
    }),
    sms: z
      .object({
        provider: z.string(),
        accountSid: z.string(),
        from: z.string(),
        statusCallbackUrl: z.string(),
        inboundUrl: z.string(),
      })
      .nullable(),
    whatsapp: z.object({ phoneNumberId: z.string(), webhookUrl: z.string() }).nullable(),
    publicUrl: z.string().describe('The base of every link in a message'),
  })
  .meta({ id: 'OutreachSettings' });
export type OutreachSettings = z.infer<typeof outreachSettingsSchema>;

// --- consent and suppression ---
export const consentInputSchema = z.object({
  channel: channelSchema,
  purpose: purposeSchema,
  granted: z.boolean(),
  source: text(200)
    .min(1)
    .describe('Where it was given or withdrawn: "counter", "web form", "phone call", …'),
  textShown: text(2000).optional().describe('The words the customer agreed to'),
  proof: text(2000).optional().describe('A reference: a signed form, a call id, an IP address and time'),
});
export const consentSchema = z
  .object({
    channel: channelSchema,
    purpose: purposeSchema,
    granted: z.boolean(),
    source: z.string().nullable(),
    textShown: z.string().nullable(),
    proof: z.string().nullable(),
    at: z.string().nullable(),
  })
  .meta({ id: 'Consent' });
export type Consent = z.infer<typeof consentSchema>;

export const suppressionReasonSchema = z.enum([
  'unsubscribe',
  'hard_bounce',
  'complaint',
  'stop',
  'invalid_address',
  'opted_out',
  'manual',
]);
export const suppressionSchema = z
  .object({
    channel: channelSchema,
    address: z.string(),
    scope: z.enum(['marketing', 'all']),
    reason: suppressionReasonSchema,
    source: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Suppression' });
export const addSuppressionSchema = z.object({
  channel: channelSchema,
  address: z.string().trim().min(3).max(254).describe('An email address, or a phone number in any format'),
  reason: z.enum(['complaint', 'manual', 'hard_bounce']).default('manual'),
});
export const listSuppressionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional(),
});

// --- templates ---
const whatsappTemplate = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9_]{1,512}$/, { message: 'The approved template name (lower case, digits, _)' }),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'A language code such as en or en_US' }),
    parameters: z
      .array(text(1000))
      .max(20)
      .default([])
      .describe('Body parameters {{1}}…, each may use merge fields'),
  })
  .describe('WhatsApp: the approved template sent when the customer has not written in the last 24 hours');
const content = {
  channel: channelSchema,
  purpose: purposeSchema,
  subject: text(300).nullable().optional().describe('Email only; merge fields allowed'),
  body: z
    .string()
    .max(20_000)
    .refine((s) => s.trim().length > 0, { message: 'Say something' }),
  whatsappTemplate: whatsappTemplate.nullable().optional(),
};
export const createTemplateSchema = z.object({ name: text(100).min(1), ...content });
export const updateTemplateSchema = createTemplateSchema
  .partial()
  .extend({ archived: z.boolean().optional() });
export const templateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    channel: channelSchema,
    purpose: purposeSchema,
    subject: z.string().nullable(),
    body: z.string(),
    whatsappTemplate: whatsappTemplate.nullable(),
    archived: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'MessageTemplate' });
export type Template = z.infer<typeof templateSchema>;
export const previewSchema = z.object({
  customerId: z.string().max(100).describe('Whose details fill the merge fields'),
  ...content,
});
export const renderedSchema = z
  .object({
    to: z.string().nullable(),
    subject: z.string().nullable(),
    text: z.string(),
    html: z.string().nullable(),
    sendable: z.boolean(),
    reason: z.string().nullable().describe('Why it would not be sent to this customer now'),
  })
  .meta({ id: 'RenderedMessage' });

// --- messages ---
export const sendMessageSchema = z.object({
  ...content,
  key: z.string().min(1).max(200).optional().describe('Idempotency key: the same key sends one message'),
});
export const testMessageSchema = z.object({
  ...content,
  to: z.string().trim().max(254).optional().describe('Default: your own email (signed in)'),
  customerId: z.string().max(100).optional().describe('Fill the merge fields with this customer'),
});
export const messageStatusSchema = z.enum([
  'queued',
  'claimed',
  'sending',
  'sent',
  'delivered',
  'read',
  'bounced',
  'failed',
  'skipped',
  'uncertain',
  'cancelled',
]);
export const messageSchema = z
  .object({
    id: z.string(),
    customerId: z.string().nullable(),
    customerName: z
      .string()
      .nullable()
      .optional()
      .describe("The customer's name (in a campaign's list of messages)"),
    campaignId: z.string().nullable(),
    channel: channelSchema,
    purpose: purposeSchema,
    to: z.string().nullable(),
    subject: z.string().nullable(),
    body: z.string().nullable().describe('What was said (null for a campaign message not rendered yet)'),
    status: messageStatusSchema,
    reason: z.string().nullable().describe('Why it failed, was skipped or waits'),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    clickedAt: z.string().nullable(),
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof messageSchema>;
export const listMessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional(),
  status: messageStatusSchema.optional(),
});

// --- campaigns ---
export const audienceSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('all') }),
    z.object({ kind: z.literal('list'), list: z.enum(['at_risk', 'lapsed', 'rising']) }),
    z.object({
      kind: z.literal('stage'),
      stage: z.enum(['new', 'repeat', 'loyal', 'at risk', 'lapsed', 'won back']),
    }),
    z.object({ kind: z.literal('segment'), segment: z.string().min(1).max(100) }),
    z.object({ kind: z.literal('tag'), tag: z.string().trim().toLowerCase().min(1).max(50) }),
    z.object({ kind: z.literal('customers'), ids: z.array(z.string().max(100)).min(1).max(10_000) }),
  ])
  .meta({ id: 'Audience' });
export type Audience = z.infer<typeof audienceSchema>;
const holdoutPercent = z
  .number()
  .int()
  .min(0)
  .max(50)
  .describe(
    'Share of the eligible customers kept back at random and never messaged, to measure the effect (win-back: 10)',
  );
export const audiencePreviewInput = z.object({
  audience: audienceSchema,
  channel: channelSchema,
  purpose: purposeSchema,
  holdoutPercent: holdoutPercent.default(0),
});
export const exclusionReasonSchema = z.enum(['no_consent', 'no_address', 'suppressed']);
const window = z.object({
  days: z.number(),
  complete: z.boolean().describe('The window has fully elapsed'),
  treated: z.object({ customers: z.number(), returned: z.number(), rate: z.number() }),
  holdout: z.object({ customers: z.number(), returned: z.number(), rate: z.number() }),
  uplift: z.number().describe('Return rate treated − holdout'),
  ci95: z.tuple([z.number(), z.number()]).nullable().describe("Newcombe's 95 % interval of the uplift"),
});
export const campaignOutcomeSchema = z
  .object({
    campaignId: z.string(),
    startedAt: z.string().nullable(),
    holdoutPercent: z.number(),
    windows: z.array(window).describe('Returned (bought again) within 30, 60 and 90 days of the campaign'),
    revenue90: z
      .object({
        currency: z.string(),
        treatedPerCustomer: z.number(),
        holdoutPerCustomer: z.number(),
        difference: z.number(),
        ci95: z.tuple([z.number(), z.number()]).nullable(),
      })
      .describe('Net revenue per customer within 90 days, minor units'),
    wonBack: z.number().describe('Treated customers who bought again within 90 days'),
    verdict: z.string().describe('In words: did the campaign, rather than chance, bring customers back?'),
  })
  .meta({ id: 'CampaignOutcome' });
export type CampaignOutcome = z.infer<typeof campaignOutcomeSchema>;
export const audiencePreviewSchema = z
  .object({
    total: z.number().describe('Customers in the audience'),
    eligible: z.number().describe('Would be sent'),
    excluded: z.object({ no_consent: z.number(), no_address: z.number(), suppressed: z.number() }),
    holdout: z.number().describe('Of the eligible, about this many kept back (holdout)'),
    examples: z
      .array(
        z.object({ customerId: z.string(), name: z.string(), excluded: exclusionReasonSchema.nullable() }),
      )
      .describe('A few of them, excluded ones first, to check the audience is right'),
  })
  .meta({ id: 'AudiencePreview' });
export type AudiencePreview = z.infer<typeof audiencePreviewSchema>;
export const createCampaignSchema = z.object({
  name: text(200).min(1),
  audience: audienceSchema,
  holdoutPercent: holdoutPercent.default(0),
  survey: z
    .enum(['defection'])
    .nullable()
    .optional()
    .describe(
      '"defection": each message links to the "why did you stop?" survey ({{ survey_url }}, added when the text lacks it)',
    ),
  templateId: z.string().max(100).optional().describe('Take subject and body from a template'),
  ...content,
  body: content.body.optional(),
});
export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    channel: channelSchema,
    purpose: purposeSchema,
    subject: z.string().nullable(),
    body: z.string(),
    audience: audienceSchema,
    holdoutPercent: z.number(),
    survey: z.enum(['defection']).nullable(),
    status: z.enum(['draft', 'queuing', 'sending', 'done', 'cancelled']),
    counts: z
      .record(z.string(), z.number())
      .describe('Messages by status (skipped ones by reason under skipped:…)'),
    createdAt: z.string(),
    queuedAt: z.string().nullable(),
  })
  .meta({ id: 'Campaign' });
export type Campaign = z.infer<typeof campaignSchema>;
