import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export type Db = {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The Postgres URL (for LISTEN/NOTIFY), when on Postgres. */
  url: string | undefined;
  close: () => Promise<void>;
};

/** SQLite runs DDL inside transactions, so a migration is all-or-nothing there too. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
class RapportSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

export type ConnectOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  sqliteFile?: string;
};

/**
 * Open the database: PostgreSQL when a URL is given, else the SQLite file `<dataDir>/rapport.db`
 * (WAL, synchronous=FULL, foreign keys on, a busy timeout so the CLI can write beside the server).
 */
export function connect(opts: ConnectOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    pool.on('error', () => {
      /* an idle client died (server restart); the pool replaces it */
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', url: opts.databaseUrl, close: () => db.destroy() };
  }
  const file = opts.sqliteFile ?? path.join(opts.dataDir ?? './data', 'rapport.db');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -32000');
  // Let SQLite gather the statistics its planner needs (it otherwise guesses, and can pick a whole-table index).
  sqlite.pragma('optimize = 0x10002');
  const db = new Kysely<Database>({ dialect: new RapportSqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', url: undefined, close: () => db.destroy() };
}
