import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDriver } from '../src/platform/db/connect.ts';
import { startTestApp, tmpDir, type TestApp } from './kit.ts';

/**
 * SQLite: another connection (the server beside a CLI import, a refit) holding the write lock longer than the
 * busy timeout makes the import wait and redo its batch, not fail.
 */
describe('an import waits out a busy SQLite database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.closeAll());

  it('redoes a batch that found the database locked, and imports every row once', async () => {
    const w = await t.newWorkspace({ region: 'US' });
    const file = path.join(tmpDir(), 'customers.csv');
    const rows = ['Customer ID,First Name,Last Name,Phone,Email'];
    for (let i = 0; i < 3000; i++)
      rows.push(`C${i},Ada,Okafor ${i},+1 415 200 ${String(1000 + i)},c${i}@example.com`);
    fs.writeFileSync(file, rows.join('\n') + '\n');

    const driver = rawDriver(t.conn.db);
    if (driver?.dialect !== 'sqlite') throw new Error('expected SQLite');
    // A short busy timeout on the importer's connection, so the test need not wait 5 s per try.
    driver.sqlite.pragma('busy_timeout = 100');
    const other = new SqliteDatabase(path.join(t.dataDir ?? '', 'rapport.db'));
    try {
      other.exec('BEGIN IMMEDIATE');
      let released = false;
      const release = setTimeout(() => {
        other.exec('COMMIT');
        released = true;
      }, 1200);
      const r = await t.services.imports.runImport({ workspaceId: w.workspaceId, file, currency: 'USD' });
      clearTimeout(release);
      expect(released).toBe(true); // the import could only finish after the other writer let go
      expect(r.run?.status).toBe('done');
      expect(r.counts).toMatchObject({ customers: { created: 3000 }, rejected: 0 });
      const n = await t.conn.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', w.workspaceId)
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(3000);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      driver.sqlite.pragma('busy_timeout = 5000');
    }
  }, 60_000);
});
