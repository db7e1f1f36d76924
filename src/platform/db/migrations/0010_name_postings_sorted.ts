import { sql, SqliteAdapter, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Name-token postings carry their customer's sort key and are kept in (workspace, token, sort key, customer)
 * order, so that search reads the customers having a word in name order straight from them and intersects
 * several words by jumping through those lists (instead of walking every customer in name order). The table is
 * rebuilt from the old one joined to customers, in one pass (at 1M customers, 3M postings: ~20 s on either
 * database; adding a column and updating every row took 150 s on PostgreSQL):
 * - SQLite: a WITHOUT ROWID table clustered on that key (the postings are the index), plus
 *   (workspace, customer, token) for a customer's words and the cascade from customers.
 * - PostgreSQL: the same keys; the customer, token and sort key columns compare by code point (COLLATE "C"),
 *   the order search compares them in, whatever the database's default collation.
 * The sort key must equal customers.sort_name: whatever changes a name rewrites its postings.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await rebuild(db, true);
}

export async function down(db: Kysely<any>): Promise<void> {
  await rebuild(db, false);
}

async function rebuild(db: Kysely<any>, sorted: boolean) {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const byCodePoint = sorted && !sqlite ? sql` COLLATE "C"` : sql``;
  const pk = sql`CONSTRAINT customer_tokens_pk PRIMARY KEY (workspace_id, token, ${
    sorted ? sql`sort_name, ` : sql``
  }customer_id)`;
  const fk = sql`CONSTRAINT customer_tokens_customer_fk FOREIGN KEY (workspace_id, customer_id)
    REFERENCES customers (workspace_id, id) ON DELETE CASCADE`;
  if (!sqlite)
    // PostgreSQL names a primary key's index per schema: the old table's must give the name up first
    await sql`ALTER TABLE customer_tokens RENAME CONSTRAINT customer_tokens_pk TO customer_tokens_pk_old`.execute(
      db,
    );
  // SQLite: keys declared up front (a WITHOUT ROWID table needs its key), rows inserted in key order.
  // PostgreSQL: keys added after the rows (one index build and one foreign-key check, not 3 per row).
  await sql`CREATE TABLE customer_tokens_next (
      workspace_id text NOT NULL,
      customer_id text${byCodePoint} NOT NULL,
      token text${byCodePoint} NOT NULL
      ${sorted ? sql`, sort_name text${byCodePoint} NOT NULL` : sql``}
      ${sqlite ? sql`, ${pk}, ${fk}` : sql``}
    )${sorted && sqlite ? sql` WITHOUT ROWID` : sql``}`.execute(db);
  if (sorted)
    await sql`INSERT INTO customer_tokens_next (workspace_id, customer_id, token, sort_name)
      SELECT k.workspace_id, k.customer_id, k.token, c.sort_name
      FROM customer_tokens k JOIN customers c ON c.workspace_id = k.workspace_id AND c.id = k.customer_id
      ${sqlite ? sql`ORDER BY k.workspace_id, k.token, c.sort_name, k.customer_id` : sql``}`.execute(db);
  else
    await sql`INSERT INTO customer_tokens_next (workspace_id, customer_id, token)
      SELECT workspace_id, customer_id, token FROM customer_tokens`.execute(db);
  await sql`DROP TABLE customer_tokens`.execute(db);
  await sql`ALTER TABLE customer_tokens_next RENAME TO customer_tokens`.execute(db);
  if (!sqlite) await sql`ALTER TABLE customer_tokens ADD ${pk}, ADD ${fk}`.execute(db);
  await db.schema
    .createIndex('customer_tokens_customer')
    .on('customer_tokens')
    .columns(sorted ? ['workspace_id', 'customer_id', 'token'] : ['workspace_id', 'customer_id'])
    .execute();
  // planner statistics for the new table now, not when autovacuum or SQLite's optimize gets to it
  await sql`ANALYZE customer_tokens`.execute(db);
}
