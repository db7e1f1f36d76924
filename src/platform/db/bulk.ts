import type SqliteDatabase from 'better-sqlite3';
import { sql, type Insertable, type Kysely } from 'kysely';
import { rawDriver } from './connect.ts';
import type { Database } from './schema.ts';

type Table = keyof Database;
type Value = string | number | bigint | null;

/**
 * Bulk inserts for the paths that write many rows per transaction (imports): Kysely's building and compiling
 * of a 500-row `values` list costs more than the database's work for it.
 *
 * - SQLite: one prepared single-row `INSERT` per table and column list, kept for the connection's life and run
 *   once per row on the driver's handle — the same statement the raw bulk-load baseline uses. Only valid inside
 *   a transaction of `db` (Kysely then holds its single connection, so nothing interleaves; checked).
 * - PostgreSQL: one `INSERT … SELECT … FROM json_populate_recordset(NULL::table, $1)` per 5,000 rows on the
 *   transaction: a short statement whatever the row count, typed by the table itself.
 *
 * Every row of one call must have the first row's columns. Values: string, number, bigint or null.
 */
export function createBulkWriter(db: Kysely<Database>) {
  const driver = rawDriver(db);
  const statements = new Map<string, SqliteDatabase.Statement>();

  function sqliteInsert(
    handle: SqliteDatabase.Database,
    table: string,
    cols: string[],
    doNothing: boolean,
  ): SqliteDatabase.Statement {
    const key = `${table}|${cols.join(',')}|${doNothing ? 1 : 0}`;
    let st = statements.get(key);
    if (!st) {
      const list = cols.map((c) => `"${c}"`).join(', ');
      st = handle.prepare(
        `INSERT INTO "${table}" (${list}) VALUES (${cols.map(() => '?').join(', ')})${doNothing ? ' ON CONFLICT DO NOTHING' : ''}`,
      );
      statements.set(key, st);
    }
    return st;
  }

  return {
    /** Insert rows inside the open transaction `trx` of `db`; `onConflict: 'nothing'` skips rows that collide. */
    async insert<T extends Table>(
      trx: Kysely<Database>,
      table: T,
      rows: readonly Insertable<Database[T]>[],
      opts: { onConflict?: 'nothing' } = {},
    ): Promise<void> {
      const first = rows[0];
      if (!first) return;
      const cols = Object.keys(first);
      const doNothing = opts.onConflict === 'nothing';
      if (driver?.dialect === 'sqlite') {
        const handle = driver.sqlite;
        if (!handle.inTransaction) throw new Error(`bulk insert into ${table} outside a transaction`);
        const st = sqliteInsert(handle, table, cols, doNothing);
        const values: Value[] = new Array<Value>(cols.length);
        for (const row of rows) {
          const r = row as Record<string, Value | undefined>;
          for (let i = 0; i < cols.length; i++) values[i] = r[cols[i] as string] ?? null;
          st.run(values);
        }
        return;
      }
      if (!driver) {
        // A Kysely instance not made by `connect` (no driver known): plain multi-row statements.
        for (let i = 0; i < rows.length; i += 200) {
          const q = trx.insertInto(table).values(rows.slice(i, i + 200) as never);
          await (doNothing ? q.onConflict((oc) => oc.doNothing()) : q).execute();
        }
        return;
      }
      const ref = sql.join(cols.map((c) => sql.ref(c)));
      for (let i = 0; i < rows.length; i += 5000) {
        const json = JSON.stringify(rows.slice(i, i + 5000), (_, v: unknown) =>
          typeof v === 'bigint' ? v.toString() : v,
        );
        await sql`INSERT INTO ${sql.table(table)} (${ref}) SELECT ${ref} FROM json_populate_recordset(NULL::${sql.table(table)}, ${json}::json)${doNothing ? sql` ON CONFLICT DO NOTHING` : sql``}`.execute(
          trx,
        );
      }
    },
  };
}
export type BulkWriter = ReturnType<typeof createBulkWriter>;
