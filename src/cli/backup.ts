import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../platform/config.ts';
import { backupSqlite, restoreSqlite, verifyBackupFile, type Verification } from '../platform/db/backup.ts';

/** The exact PostgreSQL commands (also in the README): Rapport's own backup is for the SQLite file. */
export const PG_HELP = [
  'Rapport is on PostgreSQL (DATABASE_URL): back it up with PostgreSQL’s own tools, also while the server runs:',
  '  pg_dump -Fc --no-owner -f rapport.dump "$DATABASE_URL"',
  'Restore into an empty database (stop the servers first):',
  '  createdb rapport_restored',
  '  pg_restore --no-owner --exit-on-error -d rapport_restored rapport.dump',
  'then point DATABASE_URL at it and start Rapport.',
].join('\n');

const printRows = (v: Verification) =>
  Object.entries(v.rows)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');

const printProblems = (v: Verification) => {
  for (const p of v.problems) console.error(`  - ${p}`);
};

export function registerBackupCommands(program: Command) {
  program
    .command('backup')
    .description(
      'Copy the database to a file while the server runs (a consistent snapshot, verified before it says OK; .gz compresses)',
    )
    .requiredOption('--out <file>', 'where to write the backup (ends in .gz: gzip-compressed)')
    .action(async (o: { out: string }) => {
      const config = loadConfig();
      if (config.databaseUrl) {
        const found = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
        if (found.status !== 0) {
          console.log(`pg_dump is not on PATH, so nothing was copied.\n${PG_HELP}`);
          process.exitCode = 1;
          return;
        }
        console.log(`Running pg_dump (${found.stdout.trim()}) in custom format to ${o.out} …`);
        const r = spawnSync('pg_dump', ['-Fc', '--no-owner', '-f', o.out, config.databaseUrl], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        if (r.status !== 0) throw new Error(`pg_dump failed (exit ${r.status ?? r.signal})`);
        const list = spawnSync('pg_restore', ['--list', o.out], { encoding: 'utf8' });
        if (list.status !== 0)
          throw new Error(`pg_restore --list cannot read ${o.out}: ${list.stderr.trim()}`);
        console.log(
          `OK: ${o.out} written by pg_dump and readable by pg_restore (${list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length} entries). Restore with:\n  pg_restore --no-owner --exit-on-error -d <empty database> ${o.out}`,
        );
        return;
      }
      const file = path.join(config.dataDir, 'rapport.db');
      const bar = process.stderr.isTTY
        ? new SingleBar(
            { format: ' {bar} {percentage}% | {value}/{total} pages', hideCursor: true },
            Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const v = await backupSqlite(file, o.out, {
        onProgress: (done, total) => {
          if (!bar) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
      });
      bar?.stop();
      console.log(
        `OK: ${o.out} (${v.bytes} bytes) verified: integrity ok, schema ${v.schemaVersion}, rows: ${printRows(v)}`,
      );
    });

  program
    .command('restore <file>')
    .description(
      'Replace the database with a backup (stop the server first); the current one is kept as rapport.db.before-restore-<time>',
    )
    .option('--check', 'only verify the backup; change nothing')
    .action(async (file: string, o: { check?: boolean }) => {
      const config = loadConfig();
      if (config.databaseUrl) {
        console.log(PG_HELP);
        process.exitCode = 1;
        return;
      }
      if (o.check) {
        const v = await verifyBackupFile(file);
        if (!v.ok) {
          console.error(`error: ${file} is not a usable backup:`);
          printProblems(v);
          process.exitCode = 1;
          return;
        }
        console.log(`OK: ${file} verified: integrity ok, schema ${v.schemaVersion}, rows: ${printRows(v)}`);
        return;
      }
      const r = await restoreSqlite(file, config.dataDir);
      console.log(
        `Restored ${file} into ${path.join(config.dataDir, 'rapport.db')} (schema ${r.schemaVersion}, rows: ${printRows(r)}).`,
      );
      if (r.keptAs) console.log(`The database it replaced is kept as ${r.keptAs}.`);
      console.log('Start the server: it brings an older schema up to date by itself.');
    });
}
