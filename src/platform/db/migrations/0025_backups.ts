import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Scheduled backups (issue 19, J5): a workspace's schedule (on/off, local hour, how many to keep, folder under
 * the data dir) and every backup run (scheduled or "back up now"), with its outcome, file, size and verification.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('backup_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('keep', 'integer', (c) => c.notNull())
    .addColumn('folder', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('backup_runs')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull()) // 'schedule' | 'manual'
    .addColumn('status', 'text', (c) => c.notNull()) // 'running' | 'ok' | 'failed' | 'pruned'
    .addColumn('folder', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint')
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('rows', 'text')
    .addColumn('reason', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addPrimaryKeyConstraint('backup_runs_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('backup_runs_file_uq', ['workspace_id', 'file_name'])
    .execute();
  await db.schema
    .createIndex('backup_runs_started_idx')
    .on('backup_runs')
    .columns(['workspace_id', 'started_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('backup_runs').execute();
  await db.schema.dropTable('backup_settings').execute();
}
