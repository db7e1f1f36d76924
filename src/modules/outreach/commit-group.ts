import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';

type Unit = {
  work: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
};

/**
 * Units of work of concurrent workers, committed together (group commit): a unit waits for the transaction in
 * progress, then runs with every other unit that arrived meanwhile in one transaction — one commit (on SQLite one
 * fsync) for several messages instead of one each. A unit's promise settles only once its transaction committed,
 * so what it wrote is durable before its caller goes on, exactly as with a transaction of its own. When a shared
 * transaction fails, each of its units runs again in a transaction of its own, so a unit's error (a lost lease, a
 * bug) stays its own. Units must be safe to run again, as with `writeTransaction`.
 */
export function createCommitGroup(db: Kysely<Database>) {
  let waiting: Unit[] = [];
  let flushing = false;
  let scheduled = false;

  const alone = (u: Unit) => writeTransaction(db, u.work).then(u.resolve, u.reject);

  async function flush() {
    scheduled = false;
    flushing = true;
    try {
      while (waiting.length) {
        const units = waiting;
        waiting = [];
        if (units.length === 1) {
          await alone(units[0] as Unit);
          continue;
        }
        let results: unknown[];
        try {
          results = await writeTransaction(db, async (trx) => {
            const out: unknown[] = [];
            for (const u of units) out.push(await u.work(trx));
            return out;
          });
        } catch {
          for (const u of units) await alone(u);
          continue;
        }
        units.forEach((u, i) => u.resolve(results[i]));
      }
    } finally {
      flushing = false;
    }
  }

  return function write<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiting.push({ work, resolve: resolve as (v: unknown) => void, reject });
      // after this turn of the event loop: the replies that arrived together (SMTP answers after a blocking
      // SQLite commit) are written together
      if (!flushing && !scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
  };
}
export type CommitGroup = ReturnType<typeof createCommitGroup>;
