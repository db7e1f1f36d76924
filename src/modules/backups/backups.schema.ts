import { z } from 'zod';

export const backupSettingsSchema = z
  .object({
    enabled: z.boolean().describe('Back up once a day'),
    hour: z.number().int().min(0).max(23).describe('Local hour (workspace time zone) of the daily backup'),
    keep: z.number().int().min(1).max(365).describe('How many backups to keep; older ones are deleted'),
    folder: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a folder name under the data dir, like "backups"')
      .describe('Folder under the data dir where backups are written'),
    database: z
      .enum(['sqlite', 'postgres'])
      .describe('The database in use: scheduled backups are for SQLite; PostgreSQL uses pg_dump'),
    postgresHelp: z.string().nullable().describe('On PostgreSQL: the pg_dump / pg_restore commands to use'),
  })
  .meta({ id: 'BackupSettings' });
export type BackupSettings = z.infer<typeof backupSettingsSchema>;

export const backupSettingsInput = z.object({
  enabled: z.boolean().optional(),
  hour: z.number().int().min(0).max(23).optional(),
  keep: z.number().int().min(1).max(365).optional(),
  folder: backupSettingsSchema.shape.folder.optional(),
});

export const backupSchema = z
  .object({
    id: z.string(),
    name: z.string().describe('The file name (download it with GET /backups/{name})'),
    trigger: z.enum(['schedule', 'manual']),
    status: z.enum(['running', 'ok', 'failed', 'pruned']),
    sizeBytes: z.number().int().nullable(),
    verified: z.boolean().describe('The copy was opened and passed the integrity check and row counts'),
    rows: z.record(z.string(), z.number()).nullable().describe('Rows per main table in the copy'),
    reason: z.string().nullable().describe('Why it failed'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Backup' });
export type Backup = z.infer<typeof backupSchema>;

export const backupJobSchema = z
  .object({
    jobId: z.string(),
    status: z.string().describe('queued, running, done or failed'),
  })
  .meta({ id: 'BackupJob' });
