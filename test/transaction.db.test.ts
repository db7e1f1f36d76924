import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../src/platform/errors.ts';
import { connect, rawDriver, type Db } from '../src/platform/db/connect.ts';
import { WRITE_ATTEMPTS, writeTransaction } from '../src/platform/db/transaction.ts';
import { DIALECTS, freshDb, tmpDir } from './kit.ts';

/**
 * The one write API: a read-then-write never fails because another connection committed in between (SQLite),
 * a busy database, a serialization failure or a deadlock runs the unit again, and a unit runs at most
 * WRITE_ATTEMPTS times before a clean 503.
 */
const open: Db[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

/** Another connection to the file, in its own thread (as the CLI or a worker would be): one committed insert. */
function insertFromAnotherConnection(file: string, value: number): Promise<void> {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const Database = require(workerData.module);
     const db = new Database(workerData.file);
     db.pragma('busy_timeout = 5000');
     parentPort.postMessage('started');
     db.prepare('INSERT INTO t (x) VALUES (?)').run(workerData.value);
     db.close();`,
    {
      eval: true,
      workerData: { file, value, module: createRequire(import.meta.url).resolve('better-sqlite3') },
    },
  );
  const started = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const done = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exit ${code}`))));
  });
  return started.then(() => done);
}

describe('SQLite: a read-then-write beside another connection', () => {
  const setup = async () => {
    const dataDir = tmpDir();
    const conn = connect({ dataDir });
    open.push(conn);
    await sql`CREATE TABLE t (x INTEGER)`.execute(conn.db);
    await sql`INSERT INTO t (x) VALUES (1)`.execute(conn.db);
    return { conn, file: path.join(dataDir, 'rapport.db') };
  };
  const count = async (c: Db) =>
    Number((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(c.db)).rows[0]?.n);

  it('a deferred transaction fails with SQLITE_BUSY_SNAPSHOT when another connection commits in between (the hazard)', async () => {
    const { file } = await setup();
    const plain = new SqliteDatabase(file);
    plain.pragma('busy_timeout = 5000');
    try {
      plain.exec('BEGIN'); // deferred, as a plain transaction was
      plain.prepare('SELECT count(*) FROM t').get();
      await insertFromAnotherConnection(file, 2); // commits: a reader does not block a writer in WAL
      expect(() => plain.prepare('INSERT INTO t (x) VALUES (3)').run()).toThrow(
        expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }),
      );
    } finally {
      plain.exec('ROLLBACK');
      plain.close();
    }
  });

  it('writeTransaction reads, lets the other connection wait, writes, and both commit', async () => {
    const { conn, file } = await setup();
    let other: Promise<void> | undefined;
    const seen = await writeTransaction(conn.db, async (trx) => {
      const before = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(trx)).rows[0]?.n);
      other = insertFromAnotherConnection(file, 2); // waits for our write lock
      await new Promise((r) => setTimeout(r, 150));
      await sql`INSERT INTO t (x) VALUES (${before + 10})`.execute(trx);
      return before;
    });
    await other;
    expect(seen).toBe(1);
    expect(await count(conn)).toBe(3);
    const rows = (await sql<{ x: number }>`SELECT x FROM t ORDER BY rowid`.execute(conn.db)).rows;
    expect(rows.map((r) => r.x)).toEqual([1, 11, 2]); // ours first: the other connection waited
  });

  it('runs a unit again after SQLITE_BUSY, then gives up with a clean 503', async () => {
    const { conn, file } = await setup();
    const driver = rawDriver(conn.db);
    if (driver?.dialect !== 'sqlite') throw new Error('expected SQLite');
    driver.sqlite.pragma('busy_timeout = 20');
    const holder = new SqliteDatabase(file);
    try {
      holder.exec('BEGIN IMMEDIATE'); // another connection holds the write lock past our busy timeout
      let attempts = 0;
      const write = writeTransaction(conn.db, async (trx) => {
        attempts++;
        await sql`INSERT INTO t (x) VALUES (5)`.execute(trx);
      });
      await expect(write).rejects.toMatchObject({ code: 'DATABASE_BUSY', status: 503 });
      await expect(write).rejects.toBeInstanceOf(AppError);
      expect(attempts).toBe(0); // BEGIN IMMEDIATE itself waited: the work never ran on a stale read
      holder.exec('ROLLBACK');
      // released: the next unit runs
      let runs = 0;
      const first = writeTransaction(conn.db, async (trx) => {
        runs++;
        await sql`INSERT INTO t (x) VALUES (6)`.execute(trx);
      });
      await first;
      expect(runs).toBe(1);
      expect(await count(conn)).toBe(2);
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    }
  });
});

for (const dialect of DIALECTS)
  describe(`writeTransaction (${dialect})`, () => {
    it('runs the whole unit again after a retryable failure, committing once', async () => {
      const c = await freshDb(dialect);
      open.push(c);
      await sql`CREATE TABLE t (x INTEGER)`.execute(c.db);
      let attempts = 0;
      await writeTransaction(c.db, async (trx) => {
        attempts++;
        await sql`INSERT INTO t (x) VALUES (${attempts})`.execute(trx);
        if (attempts < 3)
          throw Object.assign(new Error('busy'), { code: dialect === 'sqlite' ? 'SQLITE_BUSY' : '40001' });
      });
      expect(attempts).toBe(3);
      const rows = (await sql<{ x: number }>`SELECT x FROM t`.execute(c.db)).rows;
      expect(rows.map((r) => Number(r.x))).toEqual([3]); // the failed attempts left nothing
      // at most WRITE_ATTEMPTS runs; other errors are not retried
      let runs = 0;
      await expect(
        writeTransaction(c.db, async () => {
          runs++;
          throw Object.assign(new Error('deadlock'), { code: '40P01' });
        }),
      ).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
      expect(runs).toBe(WRITE_ATTEMPTS);
      runs = 0;
      await expect(
        writeTransaction(c.db, async () => {
          runs++;
          throw new AppError('USER_EMAIL_TAKEN', 'no', 409);
        }),
      ).rejects.toMatchObject({ code: 'USER_EMAIL_TAKEN' });
      expect(runs).toBe(1);
    });

    it('keeps row locks on PostgreSQL and leaves them out on SQLite (whose write transactions run alone)', async () => {
      const c = await freshDb(dialect);
      open.push(c);
      const q = c.db.selectFrom('customers').select('id').where('id', '=', 'x').forUpdate().compile().sql;
      if (dialect === 'postgres') expect(q).toMatch(/ for update$/);
      else expect(q).not.toMatch(/for update/i);
      await writeTransaction(c.db, (trx) =>
        trx.selectFrom('customers').select('id').where('id', '=', 'x').forUpdate().execute(),
      );
    });

    it('joins an outer unit of work instead of nesting', async () => {
      const c = await freshDb(dialect);
      open.push(c);
      await sql`CREATE TABLE t (x INTEGER)`.execute(c.db);
      await expect(
        writeTransaction(c.db, async (trx) => {
          await writeTransaction(trx, (inner) => sql`INSERT INTO t (x) VALUES (1)`.execute(inner));
          throw new Error('roll back both');
        }),
      ).rejects.toThrow('roll back both');
      expect((await sql`SELECT x FROM t`.execute(c.db)).rows).toEqual([]);
    });

    if (dialect === 'postgres')
      it('a real deadlock (two units locking two rows crosswise) is run again: both commit', async () => {
        const c = await freshDb(dialect);
        open.push(c);
        await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)`.execute(c.db);
        await sql`INSERT INTO t VALUES (1, 0), (2, 0)`.execute(c.db);
        let attempts = 0;
        let bothIn!: () => void;
        const barrier = new Promise<void>((r) => {
          let n = 0;
          bothIn = () => ++n === 2 && r();
        });
        const unit = (first: number, second: number) =>
          writeTransaction(c.db, async (trx) => {
            attempts++;
            await sql`UPDATE t SET x = x + 1 WHERE id = ${first}`.execute(trx);
            if (attempts <= 2) {
              bothIn();
              await barrier;
            }
            await sql`UPDATE t SET x = x + 1 WHERE id = ${second}`.execute(trx);
          });
        await Promise.all([unit(1, 2), unit(2, 1)]);
        expect(attempts).toBe(3); // the deadlock's victim ran again
        const rows = (await sql<{ x: number }>`SELECT x FROM t ORDER BY id`.execute(c.db)).rows;
        expect(rows.map((r) => Number(r.x))).toEqual([2, 2]);
      });
  });
