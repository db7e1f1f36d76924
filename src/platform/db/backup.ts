import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import SqliteDatabase from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.ts';

/** The newest migration this build knows: a backup of this build's database is at this version. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1) as string;
/** Tables whose row counts a verification reports (the ones a shop owner would miss). */
const COUNTED = ['workspaces', 'users', 'customers', 'orders', 'order_lines', 'interactions', 'complaints'];

export type Verification = {
  ok: boolean;
  /** What is wrong, in words (empty when ok). */
  problems: string[];
  integrity: string;
  /** The newest migration recorded in the copy (null: none, not a Rapport database). */
  schemaVersion: string | null;
  rows: Record<string, number>;
};

export type Progress = (copiedPages: number, totalPages: number) => void;

/**
 * Copy a live SQLite database with SQLite's online backup API, as one consistent snapshot: the source connection
 * holds a read transaction from the first page to the last, so every commit made before the call is in the copy
 * and none made during it is half in (WAL: writers go on meanwhile). A name ending in `.gz` is gzip-compressed.
 * The copy is written beside `out` and renamed into place only after it verified.
 */
export async function backupSqlite(
  dbFile: string,
  out: string,
  opts: { onProgress?: Progress; expectVersion?: string } = {},
): Promise<Verification & { bytes: number }> {
  if (!fs.existsSync(dbFile)) throw new Error(`No database at ${dbFile}`);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true, mode: 0o700 });
  const gz = out.endsWith('.gz');
  const tmp = `${out}.partial-${process.pid}`;
  const raw = gz ? `${tmp}.db` : tmp;
  const src = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    src.exec('BEGIN');
    src.prepare('SELECT count(*) FROM sqlite_schema').get(); // the read transaction (the snapshot) starts here
    // what the snapshot holds, read in the same transaction: the copy must match it
    const version = (
      src.prepare('SELECT max(name) AS v FROM rapport_migrations').get() as { v: string | null } | undefined
    )?.v;
    const expected = countRows(src);
    await src.backup(raw, {
      progress: ({ totalPages, remainingPages }) => {
        opts.onProgress?.(totalPages - remainingPages, totalPages);
        return 256;
      },
    });
    src.exec('COMMIT');
    fs.chmodSync(raw, 0o600);
    // the copy carries the source's WAL flag: a plain rollback-journal file opens read-only without side files
    const copy = new SqliteDatabase(raw);
    copy.pragma('journal_mode = DELETE');
    copy.close();
    const v = verifySqliteFile(raw, { expectVersion: opts.expectVersion ?? version ?? LATEST_MIGRATION });
    for (const [t, n] of Object.entries(expected))
      if (v.rows[t] !== n) v.problems.push(`${t}: ${v.rows[t] ?? 0} rows in the copy, ${n} in the database`);
    v.ok = v.problems.length === 0;
    if (!v.ok) throw new Error(`The copy did not verify: ${v.problems.join('; ')}`);
    if (gz) {
      await pipeline(fs.createReadStream(raw), createGzip(), fs.createWriteStream(tmp, { mode: 0o600 }));
      fs.rmSync(raw);
    }
    syncFile(tmp);
    fs.renameSync(tmp, out);
    return { ...v, bytes: fs.statSync(out).size };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(raw, { force: true });
    throw err;
  } finally {
    src.close();
  }
}

function countRows(db: SqliteDatabase.Database): Record<string, number> {
  const rows: Record<string, number> = {};
  for (const t of COUNTED)
    if (db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(t))
      rows[t] = Number((db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n);
  return rows;
}

/**
 * Open a copy read-only and check it: SQLite's integrity check, foreign keys, Rapport's migrations table (at
 * `expectVersion` when given, else not newer than this build), and the row counts of the main tables.
 */
export function verifySqliteFile(file: string, opts: { expectVersion?: string } = {}): Verification {
  const problems: string[] = [];
  const rows: Record<string, number> = {};
  let integrity = 'not checked';
  let schemaVersion: string | null = null;
  let db: SqliteDatabase.Database | undefined;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const checks = db.pragma('integrity_check') as { integrity_check: string }[];
    integrity = checks.map((c) => c.integrity_check).join('; ');
    if (integrity !== 'ok') problems.push(`integrity check: ${integrity.slice(0, 300)}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) problems.push(`${fk.length} rows point at rows that are not there (foreign keys)`);
    const hasTable = (t: string) =>
      !!db?.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(t);
    if (!hasTable('rapport_migrations')) problems.push('not a Rapport database (no migrations table)');
    else {
      const names = (db.prepare('SELECT name FROM rapport_migrations').all() as { name: string }[])
        .map((r) => r.name)
        .sort();
      schemaVersion = names.at(-1) ?? null;
      const unknown = names.filter((n) => !(n in MIGRATIONS));
      if (unknown.length)
        problems.push(
          `made by a newer Rapport (schema ${unknown.at(-1)}; this build knows up to ${LATEST_MIGRATION})`,
        );
      else if (opts.expectVersion && schemaVersion !== opts.expectVersion)
        problems.push(`schema is at ${schemaVersion ?? 'nothing'}, expected ${opts.expectVersion}`);
    }
    Object.assign(rows, countRows(db));
  } catch (err) {
    problems.push(`cannot be read as a database: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db?.close();
  }
  return { ok: problems.length === 0, problems, integrity, schemaVersion, rows };
}

/** Verify a backup file (plain or `.gz`): it is unpacked into a temporary file first. */
export async function verifyBackupFile(file: string): Promise<Verification> {
  if (!fs.existsSync(file))
    return {
      ok: false,
      problems: [`no file at ${file}`],
      integrity: 'not checked',
      schemaVersion: null,
      rows: {},
    };
  const { plain, cleanup } = await unpacked(file);
  try {
    return verifySqliteFile(plain);
  } finally {
    cleanup();
  }
}

async function unpacked(file: string): Promise<{ plain: string; cleanup: () => void }> {
  if (!file.endsWith('.gz')) return { plain: file, cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-restore-'));
  const plain = path.join(dir, 'backup.db');
  try {
    await pipeline(fs.createReadStream(file), createGunzip(), fs.createWriteStream(plain, { mode: 0o600 }));
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`not a readable gzip file: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  return { plain, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function syncFile(file: string) {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// --- the running-server marks ---

const SERVERS = 'servers';
type LockInfo = { pid: number; host: string; startedAt: string };

/**
 * A server process marks the data dir as in use with a file of its own (`servers/<host>-<pid>.json`, removed on
 * close), so two processes on one data dir each leave their mark; `rapport restore` reads them.
 */
export function holdServerLock(dataDir: string): () => void {
  const dir = path.join(dataDir, SERVERS);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  const file = path.join(dir, `${info.host}-${info.pid}-${Date.now()}.json`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  return () => fs.rmSync(file, { force: true });
}

/** A server using this data dir, if one runs (a mark left by a process that is gone does not count). */
export function runningServer(dataDir: string): LockInfo | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(dataDir, SERVERS));
  } catch {
    return undefined;
  }
  for (const n of names) {
    let info: LockInfo;
    try {
      info = JSON.parse(fs.readFileSync(path.join(dataDir, SERVERS, n), 'utf8')) as LockInfo;
    } catch {
      continue;
    }
    if (info.host !== os.hostname()) return info; // another machine's process cannot be checked: assume it runs
    try {
      process.kill(info.pid, 0);
      return info;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPERM') return info;
    }
  }
  return undefined;
}

export type RestoreResult = Verification & { keptAs: string | null };

/**
 * Put a verified backup in place of `<dataDir>/rapport.db`: refused while a server uses the data dir; the current
 * database (its WAL folded in) is kept as `rapport.db.before-restore-<time>`; the copy is written beside it and
 * renamed over it, so the file is always either the old database or the whole new one.
 */
export async function restoreSqlite(
  file: string,
  dataDir: string,
  opts: { now?: Date } = {},
): Promise<RestoreResult> {
  const server = runningServer(dataDir);
  if (server)
    throw new Error(
      `A Rapport server (process ${server.pid} on ${server.host}, since ${server.startedAt}) is using ${dataDir}: stop it first, then restore.`,
    );
  const { plain, cleanup } = await unpacked(file);
  try {
    const v = verifySqliteFile(plain);
    if (!v.ok) throw new Error(`The backup did not verify, nothing was changed: ${v.problems.join('; ')}`);
    const target = path.join(dataDir, 'rapport.db');
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const incoming = `${target}.restoring-${process.pid}`;
    fs.copyFileSync(plain, incoming);
    fs.chmodSync(incoming, 0o600);
    syncFile(incoming);
    let keptAs: string | null = null;
    if (fs.existsSync(target)) {
      const cur = new SqliteDatabase(target);
      try {
        cur.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        cur.close();
      }
      const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
      keptAs = `${target}.before-restore-${stamp}`;
      fs.linkSync(target, keptAs);
    }
    fs.renameSync(incoming, target);
    for (const side of ['-wal', '-shm']) fs.rmSync(`${target}${side}`, { force: true });
    return { ...v, keptAs };
  } finally {
    cleanup();
  }
}
