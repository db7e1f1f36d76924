import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/** Imports (A6): customers' ids in other systems, import runs with checkpoints, and every rejected row. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_external_ids')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_external_ids_pk', ['workspace_id', 'source', 'external_id'])
    .addForeignKeyConstraint(
      'customer_external_ids_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('customer_external_ids_customer')
    .on('customer_external_ids')
    .columns(['workspace_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('import_runs')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('file_bytes', 'bigint', (c) => c.notNull())
    .addColumn('preset', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('records_done', 'integer', (c) => c.notNull())
    .addColumn('bytes_done', 'bigint', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addPrimaryKeyConstraint('import_runs_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('import_runs_hash')
    .on('import_runs')
    .columns(['workspace_id', 'file_hash', 'status'])
    .execute();

  await db.schema
    .createTable('import_rejections')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_rejections_pk', ['workspace_id', 'run_id', 'line', 'kind'])
    .addForeignKeyConstraint(
      'import_rejections_run_fk',
      ['workspace_id', 'run_id'],
      'import_runs',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['import_rejections', 'import_runs', 'customer_external_ids'])
    await db.schema.dropTable(t).execute();
}
