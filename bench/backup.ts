/**
 * `rapport backup` against a plain file copy, on a demo database (issue 19, J5).
 *
 *   RAPPORT_DATA_DIR=/tmp/demo npx rapport demo --customers 10000
 *   node --import tsx bench/backup.ts /tmp/demo [runs]
 *
 * Times, median of `runs` (default 3): the online backup to a plain file and to .gz (each including its
 * verification: integrity check, foreign keys, row counts), the verification alone, and `cp` of the same file
 * (which, on a live WAL database, is not a consistent copy: shown only as the floor of copying the bytes).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupSqlite, verifySqliteFile } from '../src/platform/db/backup.ts';

const dataDir = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!dataDir) throw new Error('usage: node --import tsx bench/backup.ts <data dir> [runs]');
const db = path.join(dataDir, 'rapport.db');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-backup-'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
async function time(label: string, fn: () => unknown | Promise<unknown>) {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    xs.push((performance.now() - t0) / 1000);
  }
  return { label, s: median(xs) };
}

const size = fs.statSync(db).size;
const rows = verifySqliteFile(db).rows;
const results = [
  await time('cp rapport.db (not consistent while the server writes)', () =>
    execFileSync('cp', [db, path.join(out, 'cp.db')]),
  ),
  await time('rapport backup --out x.db (verified)', () => backupSqlite(db, path.join(out, 'b.db'))),
  await time('rapport backup --out x.db.gz (verified)', () => backupSqlite(db, path.join(out, 'b.db.gz'))),
  await time('verification alone (integrity, foreign keys, counts)', () =>
    verifySqliteFile(path.join(out, 'b.db')),
  ),
];
const gz = fs.statSync(path.join(out, 'b.db.gz')).size;
console.log(
  `database: ${(size / 1e6).toFixed(1)} MB, rows ${JSON.stringify(rows)}; .gz ${(gz / 1e6).toFixed(1)} MB`,
);
console.log('| what | median s |\n| --- | --- |');
for (const r of results) console.log(`| ${r.label} | ${r.s.toFixed(2)} |`);
fs.rmSync(out, { recursive: true, force: true });
