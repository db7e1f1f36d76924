import { z } from 'zod';
import { NINE_TO_FIVE, WEEKDAYS, type BusinessHours } from '../../platform/time/business-hours.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** 1 = critical … 4 = low: ascending is most severe first, so the queue walks one ascending index. */
export const severityRank = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s);

const hhmm = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { message: 'A local time HH:MM (24:00 = midnight)' });
const dayHours = z
  .object({ open: hhmm, close: hhmm })
  .refine((d) => d.close > d.open, { message: 'Closing time must be after opening time' })
  .nullable()
  .describe('null = closed that day');
const minutes = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 365);
const target = z
  .object({
    firstResponseMinutes: minutes.describe('Business minutes from receipt to the first response'),
    resolutionMinutes: minutes.describe('Business minutes from receipt to resolution'),
  })
  .refine((t) => t.resolutionMinutes >= t.firstResponseMinutes, {
    message: 'Resolution cannot be due before the first response',
  });

export const complaintSettingsSchema = z
  .object({
    targets: z.object({ critical: target, high: target, medium: target, low: target }),
    businessHours: z
      .object(
        Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours])) as Record<
          (typeof WEEKDAYS)[number],
          typeof dayHours
        >,
      )
      .refine((w) => Object.values(w).some((d) => d !== null), { message: 'Open at least one day a week' })
      .describe('Opening hours per weekday, local time of the workspace time zone'),
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'YYYY-MM-DD' }))
      .max(500)
      .describe('Local dates the business is closed: SLA clocks do not run'),
    dueSoonPercent: z
      .number()
      .int()
      .min(1)
      .max(99)
      .describe('Warn ("due_soon") once this share of a target has elapsed'),
    followUpDays: z.number().int().min(1).max(60).describe('Days after resolution to check back'),
    enquiryFirstResponseMinutes: minutes.describe('Business minutes to answer an enquiry'),
  })
  .meta({ id: 'ComplaintSettings' });
export type ComplaintSettings = z.infer<typeof complaintSettingsSchema>;

export const updateComplaintSettingsSchema = complaintSettingsSchema.partial();

export const complaintSettingsOutSchema = complaintSettingsSchema
  .extend({ timezone: z.string().describe("The workspace's time zone (change it on the workspace)") })
  .meta({ id: 'ComplaintSettingsView' });

const h = 60;
/**
 * Defaults: Monday–Friday 09:00–17:00 (8 business hours a day). Critical: answer within 1 h, fix within the
 * day; high: 4 h / 2 days; medium: 1 day / 1 week; low: 2 days / 2 weeks.
 */
export const DEFAULT_SETTINGS: ComplaintSettings = {
  targets: {
    critical: { firstResponseMinutes: 1 * h, resolutionMinutes: 8 * h },
    high: { firstResponseMinutes: 4 * h, resolutionMinutes: 16 * h },
    medium: { firstResponseMinutes: 8 * h, resolutionMinutes: 40 * h },
    low: { firstResponseMinutes: 16 * h, resolutionMinutes: 80 * h },
  },
  businessHours: NINE_TO_FIVE,
  holidays: [],
  dueSoonPercent: 75,
  followUpDays: 3,
  enquiryFirstResponseMinutes: 1 * h,
};

export const businessHoursOf = (s: ComplaintSettings, timezone: string): BusinessHours => ({
  timezone,
  week: s.businessHours,
  holidays: s.holidays,
});
