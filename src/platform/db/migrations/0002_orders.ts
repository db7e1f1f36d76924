import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/** Orders (B1): money in integer minor units (bigint) with an ISO 4217 code; quantities may be fractional. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('number', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('location', 'text')
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addColumn('shipping', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('refunded', 'bigint', (c) => c.notNull())
    .addColumn('cost', 'bigint')
    .addColumn('note', 'text')
    .addColumn('external_source', 'text')
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('orders_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('orders_external_uq', ['workspace_id', 'external_source', 'external_id'])
    .addForeignKeyConstraint(
      'orders_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('orders_customer')
    .on('orders')
    .columns(['workspace_id', 'customer_id', 'placed_at'])
    .execute();
  await db.schema
    .createIndex('orders_placed')
    .on('orders')
    .columns(['workspace_id', 'placed_at', 'id'])
    .execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('sku', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('quantity', 'double precision', (c) => c.notNull())
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('unit_cost', 'bigint')
    .addPrimaryKeyConstraint('order_lines_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'order_lines_order_fk',
      ['workspace_id', 'order_id'],
      'orders',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('order_lines_order')
    .on('order_lines')
    .columns(['workspace_id', 'order_id', 'position'])
    .execute();

  await db.schema
    .createTable('order_refunds')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_refunds_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'order_refunds_order_fk',
      ['workspace_id', 'order_id'],
      'orders',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('order_refunds_order')
    .on('order_refunds')
    .columns(['workspace_id', 'order_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['order_refunds', 'order_lines', 'orders']) await db.schema.dropTable(t).execute();
}
