import { sql, type Kysely } from 'kysely';
import { rawDriver } from './connect.ts';
import type { Database } from './schema.ts';

/**
 * A transaction that will write. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`): a deferred
 * transaction that reads first and then writes fails at once with SQLITE_BUSY when another connection wrote in
 * between, without waiting for the busy timeout. On PostgreSQL an ordinary transaction.
 */
export async function writeTransaction(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  if (rawDriver(db)?.dialect !== 'sqlite') return db.transaction().execute(work);
  await db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      await work(conn);
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw err;
    }
    await sql`COMMIT`.execute(conn);
  });
}
