import { DateTime } from 'luxon';
import { z } from 'zod';
import { badInput } from '../../platform/errors.ts';
import {
  businessHoursOf,
  complaintSettingsSchema,
  SEVERITIES,
  updateComplaintSettingsSchema,
  type ComplaintSettings,
  type Severity,
} from './settings.ts';
import { deadlines } from '../../platform/time/sla.ts';

export const settingsPreviewSchema = z.object({
  settings: updateComplaintSettingsSchema
    .optional()
    .describe('Unsaved changes to try (merged over the saved settings, as PATCH would); default: none'),
  receivedAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, {
      message: 'A local date and time YYYY-MM-DDTHH:MM',
    })
    .describe("An example receipt, wall-clock time in the workspace's time zone"),
});

const due = z.object({
  firstResponseDueAt: z.string(),
  resolutionDueAt: z.string(),
});
export const settingsPreviewOutSchema = z
  .object({
    timezone: z.string(),
    receivedAt: z.string().describe('The example receipt as an instant (UTC)'),
    targets: z.object({ critical: due, high: due, medium: due, low: due }),
  })
  .meta({ id: 'ComplaintSettingsPreview' });
export type SettingsPreview = z.infer<typeof settingsPreviewOutSchema>;

/**
 * The deadlines a complaint received at a local wall-clock time would get, per severity: the same arithmetic
 * (`deadlines` over business hours, holidays and the zone) that intake uses, so the settings page can say
 * "a high-severity complaint received Friday 16:00 must get a first answer by Monday 12:00".
 * @example previewSettings(DEFAULT_SETTINGS, 'Africa/Lagos', { receivedAt: '2026-03-06T16:00' })
 */
export function previewSettings(
  saved: ComplaintSettings,
  timezone: string,
  input: z.output<typeof settingsPreviewSchema>,
): SettingsPreview {
  const settings = complaintSettingsSchema.parse({ ...saved, ...input.settings });
  const local = DateTime.fromISO(input.receivedAt, { zone: timezone });
  if (!local.isValid) throw badInput('COMPLAINT_PREVIEW_BAD_TIME', 'Not a date and time', '/body/receivedAt');
  const received = local.toJSDate();
  const hours = businessHoursOf(settings, timezone);
  const targets = Object.fromEntries(
    SEVERITIES.map((s) => {
      const t = settings.targets[s];
      return [
        s,
        {
          firstResponseDueAt: deadlines(received, t.firstResponseMinutes, settings.dueSoonPercent, hours)
            .dueAt,
          resolutionDueAt: deadlines(received, t.resolutionMinutes, settings.dueSoonPercent, hours).dueAt,
        },
      ];
    }),
  ) as Record<Severity, z.infer<typeof due>>;
  return {
    timezone,
    receivedAt: received.toISOString(),
    targets,
  };
}
