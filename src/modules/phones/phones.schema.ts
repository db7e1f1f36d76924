import { z } from 'zod';

export const phoneSourceSchema = z.enum(['twilio', '3cx', 'asterisk']);
export type PhoneSource = z.infer<typeof phoneSourceSchema>;

const number = z.string().trim().min(1).max(50);

export const updatePhoneSettingsSchema = z.object({
  twilio: z
    .object({
      accountSid: z
        .string()
        .trim()
        .regex(/^AC[0-9a-fA-F]{32}$/, 'An Account SID is AC followed by 32 hex digits'),
      authToken: z.string().trim().min(8).max(200),
    })
    .nullable()
    .optional()
    .describe('Twilio Voice credentials (null: remove); the auth token is never answered'),
  forwardTo: z
    .string()
    .trim()
    .max(50)
    .nullable()
    .optional()
    .describe("The shop's phone: Twilio calls are forwarded here (null: say a message and hang up)"),
});

export const phoneSettingsSchema = z
  .object({
    twilio: z.object({ accountSid: z.string() }).nullable(),
    forwardTo: z.string().nullable(),
    urls: z.object({
      twilioVoice: z.string().describe('Twilio number → Voice → "A call comes in" (HTTP POST)'),
      twilioStatus: z.string().describe('Twilio number → Voice → "Call status changes" (HTTP POST)'),
      asteriskLookup: z
        .string()
        .describe('CallerID Superfecta / Lookup Sources: the number goes in [NUMBER]'),
      asteriskEvents: z.string().describe('POST start/end/missed call events (JSON or form)'),
      threecxTemplate: z.string().describe('Download, then upload in 3CX → Settings → CRM Integration'),
    }),
  })
  .meta({ id: 'PhoneSettings' });
export type PhoneSettings = z.infer<typeof phoneSettingsSchema>;

export const phoneCallSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    from: z.string(),
    to: z.string().nullable(),
    direction: z.enum(['inbound', 'outbound']),
    status: z.enum(['ringing', 'answered', 'missed']),
    durationSeconds: z.number().int().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    interactionId: z.string().nullable(),
    followUp: z.enum(['open', 'called_back', 'dismissed']).nullable(),
  })
  .meta({ id: 'PhoneCall' });
export type PhoneCall = z.infer<typeof phoneCallSchema>;

export const testCallSchema = z.object({
  system: phoneSourceSchema.describe('Which path to drive'),
  from: number.describe("The caller's number (e.g. one of your customers')"),
});

/** An Asterisk / FreePBX call event (JSON or form). */
export const pbxEventSchema = z.object({
  event: z.enum(['start', 'end', 'missed']),
  uniqueid: z.string().trim().min(1).max(100).describe('Asterisk ${UNIQUEID}'),
  caller: number.optional().describe('${CALLERID(num)}'),
  called: z.string().trim().max(50).optional().describe('${EXTEN} / the DID'),
  duration: z.coerce.number().int().min(0).max(86_400).optional().describe('Seconds (${CDR(billsec)})'),
  direction: z.enum(['inbound', 'outbound']).optional(),
});

/** 3CX "ReportCall" (call journaling) as our template posts it. */
export const threecxJournalSchema = z.object({
  number: number,
  callType: z.string().trim().max(30).describe('3CX [CallType]: Inbound, Outbound, Missed, Notanswered'),
  direction: z.string().trim().max(30).optional().describe('3CX [CallDirection]: Inbound or Outbound'),
  duration: z.string().trim().max(20).optional().describe('3CX [Duration], hh:mm:ss'),
  entityId: z.string().trim().max(100).optional(),
  agent: z.string().trim().max(200).optional(),
  dateTime: z.string().trim().max(50).optional(),
});
export const threecxCreateSchema = z.object({
  number: number,
  firstName: z.string().trim().max(200).optional(),
  lastName: z.string().trim().max(200).optional(),
});
export const threecxContactSchema = z
  .object({
    contact: z
      .object({
        id: z.string(),
        firstName: z.string(),
        lastName: z.string(),
        name: z.string(),
        email: z.string(),
        phone: z.string(),
        url: z.string(),
      })
      .optional()
      .describe('Absent: nobody has this number'),
  })
  .meta({ id: 'ThreeCxContact' });
export type ThreeCxContact = z.infer<typeof threecxContactSchema>;

export const followUpSchema = z.object({
  note: z.string().trim().max(5000).optional().describe('What was said on the call-back'),
});
