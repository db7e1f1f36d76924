import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Saved column mappings for generic CSV files (issue 4): each of a file's columns, by name, to a Rapport field
 * or "ignore". `header_key` identifies the set of column names (case and spacing ignored), so the next file with
 * the same header is read with the mapping automatically. Names are unique per workspace.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_mappings')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('header_key', 'text', (c) => c.notNull())
    .addColumn('columns', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_mappings_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('import_mappings_name', ['workspace_id', 'name'])
    .execute();
  await db.schema
    .createIndex('import_mappings_header')
    .on('import_mappings')
    .columns(['workspace_id', 'header_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_mappings').execute();
}
