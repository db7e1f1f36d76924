import { sql, SqliteAdapter, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Walk-in sales (#13): an order may have no customer (`orders.customer_id` NULL): guest checkouts, counter and
 * gift-card sales. The composite foreign key to customers is not checked when customer_id is NULL (MATCH
 * SIMPLE on both databases).
 * - PostgreSQL: the NOT NULL constraint is dropped in place.
 * - SQLite cannot drop a NOT NULL, so `orders` is rebuilt from its own CREATE statement (whatever columns later
 *   migrations added) without it. Dropping the old table would cascade to the tables that reference it (foreign
 *   keys are on and cannot be turned off inside the migration's transaction), so their rows are set aside in
 *   temporary tables first and put back after; the orders' indexes are re-created from their stored SQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL`.execute(db);
    return;
  }
  await rebuildOrders(db, (create) => {
    const next = create.replace(/("customer_id"\s+text)\s+not\s+null/i, '$1');
    if (next === create) throw new Error('0014: orders.customer_id is not declared as expected');
    return next;
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`DELETE FROM orders WHERE customer_id IS NULL`.execute(db);
    await sql`ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL`.execute(db);
    return;
  }
  await sql`DELETE FROM orders WHERE customer_id IS NULL`.execute(db);
  await rebuildOrders(db, (create) =>
    create.replace(/("customer_id"\s+text)(?!\s+not null)/i, '$1 not null'),
  );
}

type Named = { name: string; sql: string };

async function rebuildOrders(db: Kysely<any>, rewrite: (create: string) => string) {
  const table =
    await sql<Named>`SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = 'orders'`.execute(
      db,
    );
  const create = table.rows[0]?.sql;
  if (!create) throw new Error('0014: no orders table');
  const indexes = await sql<Named>`SELECT name, sql FROM sqlite_schema
    WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL`.execute(db);
  // every table whose foreign keys reference orders (the children a DROP would cascade to)
  const children = await sql<{ name: string }>`SELECT DISTINCT m.name AS name FROM sqlite_schema m,
    pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = 'orders' AND m.name != 'orders'`.execute(
    db,
  );
  for (const c of children.rows) {
    await sql`CREATE TEMP TABLE ${sql.id(`keep_${c.name}`)} AS SELECT * FROM ${sql.id(c.name)}`.execute(db);
    await sql`DELETE FROM ${sql.id(c.name)}`.execute(db);
  }
  const renamed = rewrite(create).replace(/^create table\s+("orders"|orders)/i, 'CREATE TABLE "orders_next"');
  if (!/^CREATE TABLE "orders_next"/.test(renamed)) throw new Error('0014: unexpected orders statement');
  await sql.raw(renamed).execute(db);
  await sql`INSERT INTO orders_next SELECT * FROM orders`.execute(db);
  await sql`DROP TABLE orders`.execute(db);
  await sql`ALTER TABLE orders_next RENAME TO orders`.execute(db);
  for (const i of indexes.rows) await sql.raw(i.sql).execute(db);
  for (const c of children.rows) {
    await sql`INSERT INTO ${sql.id(c.name)} SELECT * FROM ${sql.id(`keep_${c.name}`)}`.execute(db);
    await sql`DROP TABLE ${sql.id('temp')}.${sql.id(`keep_${c.name}`)}`.execute(db);
  }
}
