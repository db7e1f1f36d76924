import fs from 'node:fs';
import path from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { backupSqlite } from '../../platform/db/backup.ts';
import type { DialectName } from '../../platform/db/connect.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import type { BackupRunTable, Database } from '../../platform/db/schema.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import type { createJobQueue } from '../../platform/jobs/queue.ts';
import { recordAudit } from '../audit/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { backupSettingsInput, type Backup, type BackupSettings } from './backups.schema.ts';

export const BACKUP_JOB = 'backup';

export const PG_BACKUP_HELP =
  'This Rapport runs on PostgreSQL: back it up with pg_dump, e.g. `pg_dump -Fc --no-owner -f rapport.dump "$DATABASE_URL"` (also while the server runs), and restore into an empty database with `pg_restore --no-owner --exit-on-error -d <database> rapport.dump`. See the README, "Backups".';

const DEFAULTS = { enabled: false, hour: 2, keep: 7, folder: 'backups' };

export type BackupService = ReturnType<typeof createBackupService>;

/**
 * Scheduled and on-demand backups of the SQLite database into a folder under the data dir: one job per run
 * (the daily one keyed by the workspace's local date, so two schedulers queue it once), each recorded with its
 * outcome, and pruned to the number to keep.
 */
export function createBackupService(deps: {
  db: Kysely<Database>;
  dialect: DialectName;
  workspaces: WorkspaceService;
  queue: ReturnType<typeof createJobQueue>;
  dataDir: string;
  clock?: () => Date;
}) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());
  const dbFile = path.join(deps.dataDir, 'rapport.db');
  const onPostgres = () => {
    if (deps.dialect === 'postgres') throw conflict('BACKUP_POSTGRES', PG_BACKUP_HELP);
  };

  async function getSettings(ws: string): Promise<BackupSettings> {
    const r = await db
      .selectFrom('backup_settings')
      .selectAll()
      .where('workspace_id', '=', ws)
      .executeTakeFirst();
    const s = r
      ? { enabled: Number(r.enabled) === 1, hour: Number(r.hour), keep: Number(r.keep), folder: r.folder }
      : { ...DEFAULTS };
    return {
      ...s,
      database: deps.dialect,
      postgresHelp: deps.dialect === 'postgres' ? PG_BACKUP_HELP : null,
    };
  }

  const toBackup = (r: Selectable<BackupRunTable>): Backup => ({
    id: r.id,
    name: r.file_name,
    trigger: r.trigger,
    status: r.status,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    verified: Number(r.verified) === 1,
    rows: r.rows ? (JSON.parse(r.rows) as Record<string, number>) : null,
    reason: r.reason,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  });

  /** Delete the oldest good backups beyond the number to keep (files first, then their rows marked pruned). */
  async function prune(ws: string, keep: number): Promise<number> {
    const old = await db
      .selectFrom('backup_runs')
      .select(['id', 'folder', 'file_name'])
      .where('workspace_id', '=', ws)
      .where('status', '=', 'ok')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(10_000)
      .execute();
    for (const r of old) {
      fs.rmSync(path.join(deps.dataDir, r.folder, r.file_name), { force: true });
      await db
        .updateTable('backup_runs')
        .set({ status: 'pruned' })
        .where('workspace_id', '=', ws)
        .where('id', '=', r.id)
        .execute();
    }
    return old.length;
  }

  return {
    getSettings,

    async updateSettings(ws: string, input: unknown, actor: Actor): Promise<BackupSettings> {
      const v = backupSettingsInput.parse(input);
      if (v.enabled) onPostgres();
      const cur = await getSettings(ws);
      const next = {
        enabled: v.enabled ?? cur.enabled,
        hour: v.hour ?? cur.hour,
        keep: v.keep ?? cur.keep,
        folder: v.folder ?? cur.folder,
      };
      const row = { ...next, enabled: next.enabled ? 1 : 0, updated_at: clock().toISOString() };
      await writeTransaction(db, async (trx) => {
        await trx
          .insertInto('backup_settings')
          .values({ workspace_id: ws, ...row })
          .onConflict((oc) => oc.column('workspace_id').doUpdateSet(row))
          .execute();
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'backups.settings',
          entity: 'workspace',
          entityId: ws,
          data: v,
        });
      });
      return getSettings(ws);
    },

    async list(ws: string): Promise<{ items: Backup[] }> {
      const rows = await db
        .selectFrom('backup_runs')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('status', '!=', 'pruned')
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(200)
        .execute();
      return { items: rows.map(toBackup) };
    },

    /** Queue a backup now ("Back up now"): pressed twice in the same minute, it is one backup. */
    async backUpNow(ws: string) {
      onPostgres();
      const minute = clock().toISOString().slice(0, 16);
      const job = await deps.queue.enqueue({
        workspaceId: ws,
        kind: BACKUP_JOB,
        payload: { trigger: 'manual' },
        idempotencyKey: `now:${minute}`,
        maxAttempts: 1,
      });
      return { jobId: job.id, status: job.status };
    },

    /** Workspaces whose daily backup is due (their local hour has come): one job each, keyed by the local date. */
    async scheduleDue(): Promise<number> {
      if (deps.dialect === 'postgres') return 0;
      const on = await db.selectFrom('backup_settings').selectAll().where('enabled', '=', 1).execute();
      let n = 0;
      for (const s of on) {
        const zone = (await deps.workspaces.getWorkspaceCached(s.workspace_id)).timezone;
        const local = DateTime.fromJSDate(clock(), { zone });
        if (local.hour < Number(s.hour)) continue;
        await deps.queue.enqueue({
          workspaceId: s.workspace_id,
          kind: BACKUP_JOB,
          payload: { trigger: 'schedule' },
          idempotencyKey: `daily:${local.toISODate()}`,
          maxAttempts: 1,
        });
        n++;
      }
      return n;
    },

    /** Take one backup (the job's work): recorded as running, then ok (verified) or failed with the reason. */
    async runBackup(ws: string, trigger: 'schedule' | 'manual'): Promise<Backup> {
      onPostgres();
      const settings = await getSettings(ws);
      const id = newId();
      const startedAt = clock().toISOString();
      const name = `rapport-${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${id.slice(-6).toLowerCase()}.db.gz`;
      await db
        .insertInto('backup_runs')
        .values({
          workspace_id: ws,
          id,
          trigger,
          status: 'running',
          folder: settings.folder,
          file_name: name,
          size_bytes: null,
          verified: 0,
          rows: null,
          reason: null,
          started_at: startedAt,
          finished_at: null,
        })
        .execute();
      const done = (set: Partial<Selectable<BackupRunTable>>) =>
        db
          .updateTable('backup_runs')
          .set({ ...set, finished_at: clock().toISOString() })
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .execute();
      try {
        const v = await backupSqlite(dbFile, path.join(deps.dataDir, settings.folder, name));
        await done({ status: 'ok', size_bytes: v.bytes, verified: 1, rows: JSON.stringify(v.rows) });
      } catch (err) {
        await done({ status: 'failed', reason: err instanceof Error ? err.message : String(err) });
      }
      await prune(ws, settings.keep);
      const row = await db
        .selectFrom('backup_runs')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return toBackup(row);
    },

    /**
     * The file of a good backup, to download. A backup holds the whole database, so it is refused while the
     * database holds other workspaces too (their data is not this owner's to take): use `rapport backup`.
     */
    async file(ws: string, name: string): Promise<{ path: string; size: number }> {
      const r = await db
        .selectFrom('backup_runs')
        .select(['folder', 'file_name'])
        .where('workspace_id', '=', ws)
        .where('file_name', '=', name)
        .where('status', '=', 'ok')
        .executeTakeFirst();
      const file = r && path.join(deps.dataDir, r.folder, r.file_name);
      if (!file || !fs.existsSync(file)) throw notFound('BACKUP_NOT_FOUND', 'Backup');
      if ((await deps.workspaces.countWorkspaces()) > 1)
        throw new AppError(
          'BACKUP_SHARED_DATABASE',
          'This database holds other workspaces too, so a backup of it cannot be downloaded from here. The server’s operator can copy it from the data dir or run `rapport backup`.',
          409,
        );
      return { path: file, size: fs.statSync(file).size };
    },
  };
}
