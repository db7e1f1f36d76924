import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupSqlite, holdServerLock, restoreSqlite, runningServer, verifyBackupFile } from './backup.ts';
import { connect } from './connect.ts';
import { migrateToLatest } from './migrate.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-backup-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function database() {
  const dir = tmp();
  const conn = connect({ dataDir: dir });
  await migrateToLatest(conn.db);
  await conn.close();
  return dir;
}

describe('SQLite backup and restore', () => {
  it('refuses a backup made by a newer Rapport, with --check and on restore', async () => {
    const dir = await database();
    const out = path.join(tmp(), 'b.db');
    await backupSqlite(path.join(dir, 'rapport.db'), out);
    const db = new SqliteDatabase(out);
    db.prepare("INSERT INTO rapport_migrations (name, timestamp) VALUES ('9999_from_the_future', 'x')").run();
    db.close();
    const v = await verifyBackupFile(out);
    expect(v.ok).toBe(false);
    expect(v.problems.join()).toMatch(/newer Rapport/);
    const target = tmp();
    await expect(restoreSqlite(out, target)).rejects.toThrow(/did not verify, nothing was changed/);
    expect(fs.existsSync(path.join(target, 'rapport.db'))).toBe(false);
  });

  it('keeps the replaced database beside the restored one', async () => {
    const dir = await database();
    const out = path.join(tmp(), 'b.db.gz');
    await backupSqlite(path.join(dir, 'rapport.db'), out);
    const target = await database();
    const r = await restoreSqlite(out, target, { now: new Date('2026-05-01T10:00:00Z') });
    expect(r.keptAs).toBe(path.join(target, 'rapport.db.before-restore-2026-05-01T10-00-00-000Z'));
    expect(fs.existsSync(r.keptAs as string)).toBe(true);
    const restored = new SqliteDatabase(path.join(target, 'rapport.db'), { readonly: true });
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
    restored.close();
  });

  it('sees a running server by its mark, and not the mark of a process that is gone', () => {
    const dir = tmp();
    expect(runningServer(dir)).toBeUndefined();
    const release = holdServerLock(dir);
    expect(runningServer(dir)?.pid).toBe(process.pid);
    release();
    expect(runningServer(dir)).toBeUndefined();
    fs.mkdirSync(path.join(dir, 'servers'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'servers', 'gone.json'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z' }),
    );
    expect(runningServer(dir)).toBeUndefined();
  });
});
