import { sql, SqliteAdapter, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * SQLite cannot drop a NOT NULL in place: orders is rebuilt from its own stored definition (so any column a
 * migration before this one added is kept), inside the migration's transaction. Its children (order lines and
 * refunds) are set aside first and put back after, because dropping a parent with foreign keys on would
 * cascade into them.
 */
async function ordersCustomerNullableSqlite(db: Kysely<any>) {
  const tables = ['orders', 'order_lines', 'order_refunds'];
  const defs = new Map<string, string>();
  for (const t of tables) {
    const r = await sql<{
      sql: string;
    }>`select sql from sqlite_master where type = 'table' and name = ${t}`.execute(db);
    const def = r.rows[0]?.sql;
    if (!def) throw new Error(`table ${t} is missing`);
    defs.set(t, def);
  }
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('orders', 'order_lines', 'order_refunds')`.execute(
    db,
  );
  const ordersDef = (defs.get('orders') as string).replace(
    /("customer_id"\s+text)\s+not null/i,
    (_m, col: string) => col,
  );
  if (ordersDef === defs.get('orders')) return; // already nullable (down keeps it so: walk-in sales may exist)
  for (const t of tables)
    await sql`create table ${sql.table(`${t}_0015`)} as select * from ${sql.table(t)}`.execute(db);
  for (const t of [...tables].reverse()) await sql`drop table ${sql.table(t)}`.execute(db);
  for (const t of tables) {
    await sql.raw(t === 'orders' ? ordersDef : (defs.get(t) as string)).execute(db);
    await sql`insert into ${sql.table(t)} select * from ${sql.table(`${t}_0015`)}`.execute(db);
    await sql`drop table ${sql.table(`${t}_0015`)}`.execute(db);
  }
  for (const i of indexes.rows) await sql.raw(i.sql).execute(db);
}

/**
 * The counter (issue 14): sales recorded in the shop.
 * - orders.customer_id becomes nullable: a walk-in sale is an order with no customer.
 * - orders.payment_method: cash, card, transfer or other (null for orders from elsewhere).
 * - products: the shop's small product list (price and cost in minor units), one name per workspace.
 * - customer_phones.digits_reversed: the number's digits last first, indexed, so "5373" (the last digits read
 *   off a caller ID or a receipt) is an index range, not a scan.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  if (sqlite) await ordersCustomerNullableSqlite(db);
  else await sql`alter table orders alter column customer_id drop not null`.execute(db);
  await db.schema.alterTable('orders').addColumn('payment_method', 'text').execute();

  await db.schema
    .createTable('products')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('cost', 'bigint')
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('products_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('products_name_uq', ['workspace_id', 'name_key'])
    .addForeignKeyConstraint('products_workspace_fk', ['workspace_id'], 'workspaces', ['id'], (f) =>
      f.onDelete('cascade'),
    )
    .execute();

  await db.schema.alterTable('customer_phones').addColumn('digits_reversed', 'text').execute();
  // backfill in one statement on both dialects (SQLite has no reverse()): E.164 is "+" and at most 15 digits,
  // read back to front one character at a time (substr past the end is empty)
  const digit = (i: number) => `substr(e164, ${i + 1}, 1)`;
  const reversed = Array.from({ length: 20 }, (_, k) => digit(20 - k)).join(' || ');
  await sql
    .raw(`update customer_phones set digits_reversed = ${reversed} where e164 is not null and e164 like '+%'`)
    .execute(db);
  await db.schema
    .createIndex('customer_phones_suffix')
    .on('customer_phones')
    .columns(['workspace_id', 'digits_reversed', 'customer_id'])
    .execute();
}

/** Back to 0014, except that orders.customer_id stays nullable: walk-in sales may have been recorded. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('customer_phones_suffix').execute();
  await db.schema.alterTable('customer_phones').dropColumn('digits_reversed').execute();
  await db.schema.dropTable('products').execute();
  await db.schema.alterTable('orders').dropColumn('payment_method').execute();
}
