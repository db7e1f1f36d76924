import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/**
 * A better-sqlite3 handle for Kysely that keeps the statements it prepared, keyed by their SQL text.
 *
 * Kysely's SQLite driver prepares every query afresh; for the short indexed reads of a request (a caller
 * lookup runs a dozen) preparing costs as much as running them. Statements are reused, least recently
 * used dropped beyond `max`; one still being iterated (a streamed query) is never handed out twice.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, max = 500): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        // Refresh its place in the recency order.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit as unknown as SqliteStatement;
      }
      const stmt = sqlite.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > max) cache.delete(cache.keys().next().value as string);
      }
      return stmt as unknown as SqliteStatement;
    },
  };
}
