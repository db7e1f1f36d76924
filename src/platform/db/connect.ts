import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
  type SelectQueryNode,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { withStatementCache } from './statement-cache.ts';

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
/**
 * Every SQLite transaction takes the write lock up front (`BEGIN IMMEDIATE`): a deferred transaction that reads
 * and then writes fails at once with SQLITE_BUSY_SNAPSHOT when another connection (the CLI, a worker) committed
 * in between, without waiting for the busy timeout; an immediate one waits its turn and then runs alone.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
/** Row locks (`.forUpdate()`) are for PostgreSQL: SQLite write transactions run one at a time anyway. */
const ROW_LOCKS = new Set(['ForUpdate', 'ForShare', 'ForKeyShare', 'ForNoKeyUpdate', 'NoWait', 'SkipLocked']);
class RapportSqliteQueryCompiler extends SqliteQueryCompiler {
  protected override visitSelectQuery(node: SelectQueryNode): void {
    const { endModifiers, ...rest } = node;
    const kept = endModifiers?.filter((m) => !m.modifier || !ROW_LOCKS.has(m.modifier));
    super.visitSelectQuery(kept?.length ? { ...rest, endModifiers: kept } : rest);
  }
}
class RapportSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createQueryCompiler(): QueryCompiler {
    return new RapportSqliteQueryCompiler();
  }
}

/**
 * The driver under a connection's Kysely instance, for the few bulk paths where Kysely's per-query work would
 * dominate (a refit reads millions of orders and writes a million predictions). On SQLite, use the handle only
 * inside `db.connection().execute(…)`: Kysely's single connection is then held, so no Kysely query (or open
 * Kysely transaction) interleaves with the raw statements.
 */
export type RawDriver =
  | {
      dialect: 'sqlite';
      sqlite: SqliteDatabase.Database;
      /**
       * A second, read-only connection to the same file, opened on first use (none for `:memory:`): for hot
       * reads that must not wait behind Kysely's one connection, and that see only committed data.
       */
      reader: () => SqliteDatabase.Database | undefined;
    }
  | { dialect: 'postgres'; pool: pg.Pool };
const rawDrivers = new WeakMap<Kysely<Database>, RawDriver>();

/** The driver of a Kysely instance made by `connect` (not of a transaction), or undefined. */
export const rawDriver = (db: Kysely<Database>): RawDriver | undefined => rawDrivers.get(db);

export type ConnectOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  sqliteFile?: string;
  /** Told about every connection error of the PostgreSQL pool (for the log); they never crash the process. */
  onConnectionError?: ((err: Error) => void) | undefined;
};

/**
 * Keep a pool's connection errors from crashing the process. A client that loses its connection (the server
 * terminated it: 57P01, a restart, a failover) emits 'error'; while idle the pool listens for it, but while
 * checked out (a transaction between two statements, a COPY, LISTEN) nobody does, and an 'error' event without
 * a listener throws. Every client gets a listener as it is made: the query in flight rejects (its request
 * answers 503) and the pool drops the client and opens a new one on the next checkout.
 */
export function watchPool(pool: pg.Pool, onError?: (err: Error) => void) {
  const report = (err: Error) => onError?.(err);
  pool.on('error', report); // an idle client died
  pool.on('connect', (client) => client.on('error', report));
}

/** The read-only connection's page cache (KiB): the caller card's pages, not whole tables. */
const READER_CACHE_KB = 16_000;

/**
 * Open the database: PostgreSQL when a URL is given, else the SQLite file `<dataDir>/rapport.db`
 * (WAL, synchronous=FULL, foreign keys on, a busy timeout so the CLI can write beside the server).
 */
export function connect(opts: ConnectOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      // a dead server must not hold requests for long: they answer 503 while it is away
      connectionTimeoutMillis: 5_000,
    });
    watchPool(pool, opts.onConnectionError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    rawDrivers.set(db, { dialect: 'postgres', pool });
    return { db, dialect: 'postgres', url: opts.databaseUrl, close: () => db.destroy() };
  }
  const file = opts.sqliteFile ?? path.join(opts.dataDir ?? './data', 'rapport.db');
  if (file !== ':memory:') createPrivately(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  if (file !== ':memory:') restrictToOwner(file);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -32000');
  // Statistics without STAT4 samples (every ANALYZE on this connection is approximate): with samples, SQLite
  // re-plans a statement each time a value it sampled is bound again, and a caller lookup's query cost 5× more
  // to plan than to run. Samples left by earlier versions are dropped.
  sqlite.pragma('analysis_limit = 1000');
  dropStat4Samples(sqlite);
  // Let SQLite gather the statistics its planner needs (it otherwise guesses, and can pick a whole-table index).
  // (an optimisation only: when other connections keep the database busy past the timeout, skip it this time)
  try {
    sqlite.pragma('optimize = 0x10002');
  } catch (err) {
    if (!/^SQLITE_BUSY/.test(String((err as { code?: unknown }).code))) throw err;
  }
  const db = new Kysely<Database>({
    dialect: new RapportSqliteDialect({ database: withStatementCache(sqlite) }),
  });
  let reader: SqliteDatabase.Database | undefined;
  const openReader = () => {
    if (file === ':memory:') return undefined;
    if (!reader) {
      reader = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
      reader.pragma('busy_timeout = 5000');
      reader.pragma(`cache_size = -${READER_CACHE_KB}`);
    }
    return reader;
  };
  rawDrivers.set(db, { dialect: 'sqlite', sqlite, reader: openReader });
  return {
    db,
    dialect: 'sqlite',
    url: undefined,
    close: async () => {
      reader?.close();
      await db.destroy();
    },
  };
}

/**
 * The database holds every customer's phone and history: its folder is created 0700 and the file 0600 before
 * SQLite opens it (SQLite gives the -wal and -shm files the database file's mode).
 */
function createPrivately(file: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
}

/** Files made by an earlier version (or another umask) are narrowed to their owner too. */
function restrictToOwner(file: string) {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
    } catch {
      /* absent, or not ours to change */
    }
  }
}

function dropStat4Samples(sqlite: SqliteDatabase.Database) {
  const exists = sqlite.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'").get();
  if (!exists || !sqlite.prepare('SELECT 1 FROM sqlite_stat4 LIMIT 1').get()) return;
  sqlite.exec('DELETE FROM sqlite_stat4; ANALYZE sqlite_schema;');
}
