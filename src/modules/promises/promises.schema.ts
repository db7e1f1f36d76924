import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

/** A local date ('2026-03-31': due by the end of that day in the workspace zone) or a date-time. */
export const dueInput = z
  .string()
  .trim()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/,
    'A date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:mm, in the workspace time zone unless it has an offset)',
  )
  .describe(
    'YYYY-MM-DD (by the end of that day, workspace time zone) or a date-time; without an offset it is workspace time',
  );

export const promiseSourceKindSchema = z.enum(['call', 'complaint', 'enquiry', 'note']);
export const promiseStatusSchema = z.enum(['open', 'kept', 'broken', 'cancelled']);

export const createPromiseSchema = z.object({
  customerId: z.string().min(1).max(100),
  what: text(500).describe('What we said we would do, in plain words'),
  dueAt: dueInput,
  ownerId: z.string().max(100).optional().describe('Default: the signed-in user, else the workspace owner'),
  source: z
    .object({ kind: promiseSourceKindSchema, id: z.string().max(100).optional() })
    .optional()
    .describe('The conversation it came from'),
});

export const reschedulePromiseSchema = z.object({
  dueAt: dueInput,
  reason: z.string().trim().max(2000).optional(),
});
export const closePromiseSchema = z.object({ note: z.string().trim().max(2000).optional() });
export const lateNoticeSchema = z.object({
  channel: z
    .enum(['email', 'sms', 'whatsapp'])
    .optional()
    .describe("Default: the customer's preferred one, else email"),
  newDueAt: dueInput.optional().describe('When it will be done now (also reschedules the promise)'),
  body: z.string().trim().min(1).max(2000).optional().describe('Default: a short apology naming the promise'),
});

export const listPromisesQuery = z.object({
  customerId: z.string().max(100).optional(),
  ownerId: z.string().max(100).optional(),
  status: z
    .enum(['open', 'overdue', 'kept', 'broken', 'cancelled', 'all'])
    .default('open')
    .describe('overdue = open and past its due time'),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const promiseSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    ownerId: z.string(),
    ownerName: z.string(),
    what: z.string(),
    dueAt: z.string().describe('UTC instant'),
    allDay: z.boolean(),
    dueDate: z.string().nullable().describe('The local date of an all-day promise'),
    source: z.object({ kind: promiseSourceKindSchema, id: z.string().nullable() }).nullable(),
    status: promiseStatusSchema,
    overdue: z.boolean(),
    keptAt: z.string().nullable(),
    keptOnTime: z.boolean().nullable(),
    brokenAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    reschedules: z.number().int(),
    lateNoticeMessageId: z.string().nullable(),
    remindedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Promise' });
export type PromiseOut = z.infer<typeof promiseSchema>;

export const promiseStatsQuery = z.object({
  from: z.iso.date().optional().describe('Default: 12 weeks (by week) or 12 months (by month) ago'),
  to: z.iso.date().optional().describe('Default: today (workspace time zone)'),
  by: z.enum(['week', 'month']).default('week'),
});
const rate = z.object({
  due: z.number().int().describe('Promises due in the period that are no longer open or are overdue'),
  keptOnTime: z.number().int(),
  keptLate: z.number().int(),
  broken: z.number().int(),
  stillOpen: z.number().int().describe('Overdue and still open (counted as not kept on time)'),
  rate: z.number().nullable().describe('keptOnTime / due, 0–1; null when nothing was due'),
});
export const promiseStatsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    by: z.enum(['week', 'month']),
    overall: rate,
    periods: z.array(rate.extend({ period: z.string().describe('First local date of the week or month') })),
    people: z.array(rate.extend({ userId: z.string(), name: z.string() })),
  })
  .meta({ id: 'PromiseStats' });
export type PromiseStats = z.infer<typeof promiseStatsSchema>;

export const agendaQuery = z.object({
  userId: z.string().max(100).optional().describe('Whose agenda (owners and admin keys); default: yours'),
});
export const agendaItemSchema = z
  .object({
    key: z.string().describe('Stable: the same thing keeps its key from day to day'),
    kind: z.enum([
      'promise_overdue',
      'promise_due',
      'complaint_breach',
      'complaint_follow_up',
      'enquiry_waiting',
      'drifting',
      'birthday',
      'anniversary',
      'missed_call',
    ]),
    title: z.string(),
    why: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    dueAt: z.string().nullable(),
    urgency: z.number().int().describe('0 overdue or breached, 1 due today, 2 today, 3 when you can'),
    value: z.number().nullable().describe("The customer's value, minor units, when known"),
    ref: z.object({ kind: z.enum(['promise', 'complaint', 'enquiry', 'customer', 'call']), id: z.string() }),
    actions: z
      .array(z.enum(['keep', 'late_notice', 'answer', 'open', 'contacted', 'snooze', 'call_back', 'dismiss']))
      .describe(
        'keep: POST /promises/{id}/keep; late_notice: POST /promises/{id}/late-notice; answer: POST /enquiries/{id}/respond; contacted: log a touch on the timeline; snooze: POST /agenda/snoozes; call_back: POST /phone-calls/{id}/call-back; dismiss: POST /phone-calls/{id}/dismiss',
      ),
  })
  .meta({ id: 'AgendaItem' });
export type AgendaItem = z.infer<typeof agendaItemSchema>;
export const agendaSchema = z
  .object({
    userId: z.string(),
    date: z.string().describe('Today in the workspace time zone'),
    timezone: z.string(),
    currency: z.string(),
    items: z.array(agendaItemSchema),
    snoozed: z.number().int().describe('Items hidden by a snooze'),
  })
  .meta({ id: 'Agenda' });

export const snoozeSchema = z.object({
  key: z.string().min(1).max(200),
  until: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .describe('A date (its start, workspace zone) or an instant'),
  reason: text(500),
  userId: z.string().max(100).optional(),
});
export const snoozeOutSchema = z
  .object({ key: z.string(), until: z.string(), reason: z.string() })
  .meta({ id: 'AgendaSnooze' });

export const calendarFeedSchema = z
  .object({
    url: z.string().nullable().describe('Shown once, when made; keep it secret'),
    createdAt: z.string(),
  })
  .meta({ id: 'CalendarFeed' });
export const calendarFeedStatusSchema = z
  .object({ active: z.boolean(), createdAt: z.string().nullable(), lastUsedAt: z.string().nullable() })
  .meta({ id: 'CalendarFeedStatus' });
