import { createHash } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { rawDriver } from './connect.ts';
import type { Database } from './schema.ts';

const MARK = '\u0000rapport-value:';
const nameOf = (sql: string) => 'rapport_' + createHash('sha1').update(sql).digest('hex').slice(0, 20);

/**
 * Queries built and compiled once, then run with new values: for hot paths where Kysely's building and
 * compiling of a large query costs more than running it (the caller card).
 *
 * `build` receives `value(name)`, a placeholder to use wherever that value goes in the query; it must be
 * passed through untouched (compared, not transformed). Queries are kept per `shape` — a key that must
 * change whenever the built SQL would (e.g. the number of items in an `in` list). On PostgreSQL they run as
 * named statements on the pool, outside any transaction; on SQLite as statements of the read-only second
 * connection (Kysely's one connection is shared with transactions, which must not interleave; an in-memory
 * database has no second connection and runs them through Kysely). Either way they read committed data only.
 */
export function preparedQueries(db: Kysely<Database>) {
  const compiled = new Map<
    string,
    { q: CompiledQuery; name: string; statement?: SqliteDatabase.Statement }
  >();
  return async function run<R>(
    shape: string,
    build: (value: (name: string) => string) => Compilable<R>,
    values: Record<string, unknown>,
  ): Promise<R[]> {
    let entry = compiled.get(shape);
    if (!entry) {
      const q = build((name) => MARK + name).compile();
      entry = { q, name: nameOf(q.sql) };
      compiled.set(shape, entry);
    }
    const { q, name } = entry;
    const parameters = q.parameters.map((p) => {
      if (typeof p !== 'string' || !p.startsWith(MARK)) return p;
      const key = p.slice(MARK.length);
      if (!(key in values)) throw new Error(`prepared query ${shape}: no value for "${key}"`);
      return values[key];
    });
    const driver = rawDriver(db);
    if (driver?.dialect === 'postgres') {
      // A named statement: each connection parses and plans it once (a generic plan after a few runs);
      // planning the caller card took 10× longer than running it.
      const result = await driver.pool.query({ name, text: q.sql, values: parameters });
      return result.rows as R[];
    }
    const reader = driver?.dialect === 'sqlite' ? driver.reader() : undefined;
    if (reader) {
      // Synchronous, on the read-only connection: no queueing behind Kysely's connection, no promises.
      entry.statement ??= reader.prepare(q.sql);
      return entry.statement.all(parameters) as R[];
    }
    const result = await db.executeQuery<R>(CompiledQuery.raw(q.sql, parameters));
    return result.rows;
  };
}
