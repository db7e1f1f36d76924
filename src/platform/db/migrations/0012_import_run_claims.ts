import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Imports run exactly once per file (issue 11): `active_key` identifies what a run imports (file hash, preset,
 * column mapping) while it runs, and is unique per workspace, so a second import of the same file joins the
 * first instead of writing a second set of rows; it is cleared when the run ends. `owner` is the process that
 * runs it (host:pid:boot), so a run left "running" by a crashed process is told from one still in progress.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('import_runs').addColumn('active_key', 'text').execute();
  await db.schema.alterTable('import_runs').addColumn('owner', 'text').execute();
  await db.schema
    .createIndex('import_runs_active')
    .on('import_runs')
    .columns(['workspace_id', 'active_key'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('import_runs_active').execute();
  await db.schema.alterTable('import_runs').dropColumn('owner').execute();
  await db.schema.alterTable('import_runs').dropColumn('active_key').execute();
}
