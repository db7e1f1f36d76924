import { z } from 'zod';
import { calendarDateSchema } from '../customers/index.ts';

export const OCCASION_KINDS = ['birthday', 'anniversary', 'custom'] as const;
export type OccasionKind = (typeof OCCASION_KINDS)[number];

const greetingSchema = z.object({
  enabled: z.boolean().describe('Greet customers on this occasion'),
  templateId: z
    .string()
    .max(100)
    .nullable()
    .describe('The message template to send (Liquid); none: a short built-in greeting'),
  channel: z.enum(['email', 'sms', 'whatsapp']),
  hour: z
    .number()
    .int()
    .min(6)
    .max(20)
    .describe('Local hour from which the day’s greetings go out (quiet hours still apply)'),
});
export const occasionSettingsSchema = z
  .object({ birthday: greetingSchema, anniversary: greetingSchema, custom: greetingSchema })
  .meta({ id: 'OccasionSettings' });
export type OccasionSettings = z.infer<typeof occasionSettingsSchema>;
export const occasionSettingsInput = z.object({
  birthday: greetingSchema.partial().optional(),
  anniversary: greetingSchema.partial().optional(),
  custom: greetingSchema.partial().optional(),
});

export const customOccasionInput = z
  .object({
    label: z.string().trim().min(1).max(100).describe('What it is: "Shop anniversary", "Graduation", …'),
    date: calendarDateSchema.describe('YYYY-MM-DD, or --MM-DD when the year is unknown (yearly only)'),
    yearly: z.boolean().default(true).describe('Every year (true) or once (false)'),
  })
  .refine((v) => v.yearly || !v.date.startsWith('--'), {
    message: 'A one-time date needs its year',
    path: ['date'],
  });
export const customOccasionSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    label: z.string(),
    date: z.string(),
    yearly: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'CustomOccasion' });
export type CustomOccasion = z.infer<typeof customOccasionSchema>;

export const upcomingQuery = z.object({
  days: z.coerce.number().int().min(1).max(60).default(30),
});
export const upcomingSchema = z
  .object({
    from: z.string().describe('Today in the workspace zone'),
    days: z.number(),
    items: z.array(
      z.object({
        date: z.string().describe('The local date it falls on this time'),
        kind: z.enum(OCCASION_KINDS),
        label: z.string(),
        customerId: z.string(),
        name: z.string(),
        years: z.number().nullable().describe('Years since the date, when its year is known (an age, …)'),
      }),
    ),
  })
  .meta({ id: 'UpcomingOccasions' });
export type Upcoming = z.infer<typeof upcomingSchema>;
