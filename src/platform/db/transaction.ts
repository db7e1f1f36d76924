import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresAdapter, type Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { Database } from './schema.ts';

/** How many times a unit of work runs at most when the database says "try again". */
export const WRITE_ATTEMPTS = 5;

/**
 * Errors after which the whole transaction can simply run again: SQLite's lock waits that outlasted the busy
 * timeout (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`, `SQLITE_LOCKED`), PostgreSQL's serialization failure (40001)
 * and deadlock (40P01). Nothing of a failed attempt was committed.
 */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code === '40001' || code === '40P01' || code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED')
  );
}

/** Postgres-only SQL (row and table locks) in a repository: is this connection or transaction PostgreSQL? */
export const isPostgres = (db: Kysely<Database>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * A unique key refused a row that a parallel unit of work inserted first (PostgreSQL 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY).
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The answer when every attempt met a busy database: 503, so a client may try again; nothing was written. */
export const databaseBusy = () =>
  new AppError('DATABASE_BUSY', 'The database is busy; nothing was saved. Try again.', 503);

export type WriteOptions = {
  /**
   * For a check-then-insert ("refuse if it exists, else create") guarded by a unique key: a parallel unit that
   * inserted first makes this one fail on the key; run it again, and its check now sees the row (a clean 409).
   */
  rerunOnUniqueViolation?: boolean;
};

/**
 * THE way a module writes: one unit of work, all or nothing, exactly once.
 *
 * - On SQLite every transaction takes the write lock up front (`BEGIN IMMEDIATE`, see connect.ts), so every
 *   unit of work runs alone: a read then a write never meets `SQLITE_BUSY_SNAPSHOT` because another connection
 *   (the CLI, a worker) committed in between, and a state checked inside the unit cannot change before it commits.
 * - On PostgreSQL an ordinary (read committed) transaction: state that decides a one-time change is read with
 *   `.forUpdate()` (a row lock; ignored on SQLite, where the immediate transaction serialises) or checked and
 *   changed in one conditional `UPDATE … WHERE … RETURNING`.
 * - On both, a busy database, a serialization failure or a deadlock runs the whole unit again, up to
 *   `WRITE_ATTEMPTS` times with jittered backoff, then answers 503 `DATABASE_BUSY`. So `work` must be safe to
 *   run again: it only touches the database through `trx` and keeps no state of its own across attempts.
 * - Inside another unit of work (`db` is already a transaction), `work` simply joins it.
 *
 * @example
 * const refunded = await writeTransaction(db, async (trx) => {
 *   const order = await repo.get(ws, id, trx, true); // locked until commit (PostgreSQL)
 *   if (!order) throw notFound('ORDER_NOT_FOUND', 'Order');
 *   if (order.refunded + amount > order.total) throw conflict('REFUND_EXCEEDS_TOTAL', '…');
 *   await repo.addRefund(trx, …);
 *   return order.refunded + amount;
 * });
 */
export async function writeTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
  opts: WriteOptions = {},
): Promise<T> {
  if (db.isTransaction) return work(db);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (!isRetryable(err) && !(opts.rerunOnUniqueViolation && isUniqueViolation(err))) throw err;
      if (attempt >= WRITE_ATTEMPTS) throw databaseBusy();
      // full jitter over an exponential ceiling: 10, 20, 40, 80 ms
      await sleep(Math.random() * 10 * 2 ** (attempt - 1));
    }
  }
}
