import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * "Not duplicates" (issue 4, A4): a pair of customers someone said are different people is never suggested
 * again. One row per pair, the two ids in a canonical order (customer_a < customer_b as JavaScript compares
 * them), so (a, b) and (b, a) are the same row. Deleting (or merging away) either customer deletes the row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('duplicate_dismissals')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('customer_a', 'text', (c) => c.notNull())
    .addColumn('customer_b', 'text', (c) => c.notNull())
    .addColumn('dismissed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('duplicate_dismissals_pk', ['workspace_id', 'customer_a', 'customer_b'])
    .addForeignKeyConstraint(
      'duplicate_dismissals_a_fk',
      ['workspace_id', 'customer_a'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'duplicate_dismissals_b_fk',
      ['workspace_id', 'customer_b'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  // the cascade from customer_b (and "is this pair dismissed" in the other order) use this index
  await db.schema
    .createIndex('duplicate_dismissals_b')
    .on('duplicate_dismissals')
    .columns(['workspace_id', 'customer_b', 'customer_a'])
    .execute();
  // the list of dismissed pairs, newest first
  await db.schema
    .createIndex('duplicate_dismissals_created')
    .on('duplicate_dismissals')
    .columns(['workspace_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('duplicate_dismissals').execute();
}
