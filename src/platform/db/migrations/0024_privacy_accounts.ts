import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Privacy (issue 19, J4). `erasures`: one row per erased customer (its old id, which is random and says nothing
 * about the person; the primary key makes an erasure happen once). `erased_identities`: the hashed phone numbers
 * and emails of erased customers, so an import row, a call or an API create with one of them is noticed instead
 * of silently bringing the person back. `orders.customer_erased`: an order kept for the books after its customer
 * was erased (customer_id NULL, amounts untouched). `sessions.user_agent/ip/last_seen_at`: sessions listed and
 * revocable by their user.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('erasures')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('erased_by', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('erasures_pk', ['workspace_id', 'customer_id'])
    .execute();
  await db.schema
    .createTable('erased_identities')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // 'phone' | 'email'
    .addColumn('hash', 'text', (c) => c.notNull()) // sha256 of workspace, kind and the E.164 / normalised email
    .addColumn('customer_id', 'text', (c) => c.notNull()) // the erasure it came from
    .addColumn('erased_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('erased_identities_pk', ['workspace_id', 'kind', 'hash'])
    .execute();
  await db.schema
    .alterTable('orders')
    .addColumn('customer_erased', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // sessions listed and revocable (Settings → Account): the device and address they were opened from
  for (const col of ['user_agent', 'ip', 'last_seen_at'])
    await db.schema.alterTable('sessions').addColumn(col, 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const col of ['user_agent', 'ip', 'last_seen_at'])
    await db.schema.alterTable('sessions').dropColumn(col).execute();
  await db.schema.alterTable('orders').dropColumn('customer_erased').execute();
  await db.schema.dropTable('erased_identities').execute();
  await db.schema.dropTable('erasures').execute();
}
