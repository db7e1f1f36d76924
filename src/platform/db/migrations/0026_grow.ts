import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Grow (issue 20): the co-purchase table each refit stores (one row per item: its top neighbours as JSON; the
 * run's evaluation and popularity list on the run row), and the owner's rates for profitability.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('suggestion_runs')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('evaluation', 'text', (c) => c.notNull())
    .addColumn('popular', 'text', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('timings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('suggestion_runs_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createTable('suggestion_neighbours')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('neighbours', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('suggestion_neighbours_pk', ['workspace_id', 'run_id', 'item_key'])
    .addForeignKeyConstraint(
      'suggestion_neighbours_run_fk',
      ['workspace_id', 'run_id'],
      'suggestion_runs',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('grow_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('default_margin', 'double precision', (c) => c.notNull())
    .addColumn('complaint_minutes', 'integer', (c) => c.notNull())
    .addColumn('hourly_rate', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('grow_settings').execute();
  await db.schema.dropTable('suggestion_neighbours').execute();
  await db.schema.dropTable('suggestion_runs').execute();
}
