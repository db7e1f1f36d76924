import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, rawDriver } from './connect.ts';
import { withStatementCache } from './statement-cache.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-connect-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('SQLite connection', () => {
  it('reuses prepared statements, but never hands out one that is still being iterated', () => {
    const raw = new SqliteDatabase(':memory:');
    const db = withStatementCache(raw, 2);
    const a = db.prepare('SELECT 1 AS x');
    expect(db.prepare('SELECT 1 AS x')).toBe(a);
    const iterating = db.prepare('SELECT 2 AS y') as unknown as SqliteDatabase.Statement;
    const it = iterating.iterate();
    it.next();
    expect(db.prepare('SELECT 2 AS y')).not.toBe(iterating);
    it.return?.();
    // beyond its size the least recently used statement is dropped
    db.prepare('SELECT 3');
    db.prepare('SELECT 4');
    expect(db.prepare('SELECT 1 AS x')).not.toBe(a);
    db.close();
  });

  it('has a read-only second connection that sees committed rows only (none for an in-memory database)', async () => {
    const conn = connect({ dataDir: tmp() });
    try {
      await sql`CREATE TABLE t (x INTEGER)`.execute(conn.db);
      const driver = rawDriver(conn.db);
      if (driver?.dialect !== 'sqlite') throw new Error('expected SQLite');
      const reader = driver.reader();
      if (!reader) throw new Error('expected a reader');
      expect(driver.reader()).toBe(reader);
      const count = () => (reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
      await conn.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO t VALUES (1)`.execute(trx);
        expect(count()).toBe(0); // not yet committed
      });
      expect(count()).toBe(1);
      expect(() => reader.exec('INSERT INTO t VALUES (2)')).toThrow(/readonly/);
    } finally {
      await conn.close();
    }
    const memory = connect({ sqliteFile: ':memory:' });
    const driver = rawDriver(memory.db);
    expect(driver?.dialect === 'sqlite' && driver.reader()).toBeUndefined();
    await memory.close();
  });

  it('keeps planner statistics without STAT4 samples, and drops samples an older version left', async () => {
    const dir = tmp();
    const file = path.join(dir, 'rapport.db');
    const old = new SqliteDatabase(file);
    old.exec('CREATE TABLE t (k TEXT, v INTEGER); CREATE INDEX t_k ON t (k);');
    const insert = old.prepare('INSERT INTO t VALUES (?, ?)');
    old.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`k${i % 50}`, i);
    })();
    old.exec('ANALYZE');
    const samples = (d: SqliteDatabase.Database) =>
      (d.prepare('SELECT count(*) AS n FROM sqlite_stat4').get() as { n: number }).n;
    expect(samples(old)).toBeGreaterThan(0); // this build of SQLite has STAT4
    old.close();

    const conn = connect({ dataDir: dir });
    try {
      const count = async () =>
        Number(
          (await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_stat4`.execute(conn.db)).rows[0]?.n,
        );
      expect(await count()).toBe(0);
      await sql`ANALYZE t`.execute(conn.db);
      expect(await count()).toBe(0);
      const stat1 = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_stat1`.execute(conn.db);
      expect(Number(stat1.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await conn.close();
    }
  });
});
