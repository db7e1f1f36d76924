import { z } from 'zod';
import { audienceSchema } from '../outreach/index.ts';

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { message: 'Use YYYY-MM-DDTHH:mm (local time of the shop)' })
  .describe('Local date and time in the workspace time zone, YYYY-MM-DDTHH:mm');

export const createEventSchema = z.object({
  title: z.string().trim().min(1).max(200),
  startsAt: localDateTime,
  durationMinutes: z
    .number()
    .int()
    .min(15)
    .max(7 * 24 * 60)
    .default(120),
  location: z.string().trim().max(500).nullable().optional(),
  description: z.string().trim().max(5000).nullable().optional(),
  capacity: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .nullable()
    .optional()
    .describe('Seats (each yes and its guests); none: no limit'),
});
export const updateEventSchema = createEventSchema.partial();

export const eventSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    startsAt: z.string().describe('Local, YYYY-MM-DDTHH:mm in `timezone`'),
    startsAtUtc: z.string(),
    timezone: z.string(),
    durationMinutes: z.number(),
    location: z.string().nullable(),
    description: z.string().nullable(),
    capacity: z.number().nullable(),
    seatsTaken: z.number().describe('Seats of the yes answers (each yes and its guests)'),
    status: z.enum(['scheduled', 'cancelled']),
    counts: z.object({
      invited: z.number(),
      yes: z.number(),
      no: z.number(),
      pending: z.number(),
      checkedIn: z.number(),
    }),
    publicUrl: z.string().describe('The public event page (what, when, where; calendar file)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Event' });
export type Event = z.infer<typeof eventSchema>;

export const listEventsQuery = z.object({
  when: z.enum(['upcoming', 'past', 'all']).default('upcoming'),
});

export const inviteSchema = z.object({
  audience: audienceSchema,
  channel: z.enum(['email', 'sms', 'whatsapp']).default('email'),
  note: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .describe('A few words of your own, above the event details and the answer link'),
});
export const inviteResultSchema = z
  .object({
    invited: z.number().describe('New invitations queued'),
    already: z.number().describe('Already invited before'),
    skipped: z.record(z.string(), z.number()).describe('Not invited, by reason (no consent, no address, …)'),
  })
  .meta({ id: 'InviteResult' });

export const attendeeSchema = z
  .object({
    invitationId: z.string(),
    customerId: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    answer: z.enum(['pending', 'yes', 'no']),
    guests: z.number(),
    answeredAt: z.string().nullable(),
    checkedInAt: z.string().nullable(),
  })
  .meta({ id: 'Attendee' });
export const attendeesQuery = z.object({
  q: z.string().trim().max(100).optional().describe('Part of the name or phone number'),
  answer: z.enum(['pending', 'yes', 'no']).optional(),
});
export const checkInSchema = z
  .object({
    invitationId: z.string().max(100).optional(),
    token: z.string().max(100).optional().describe('The token of the QR code on the guest’s answer page'),
  })
  .refine((v) => !!v.invitationId !== !!v.token, { message: 'Give invitationId or token' });
