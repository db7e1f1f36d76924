import fs from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Migrator } from 'kysely';
import pg from 'pg';
import { connect } from '../../src/platform/db/connect.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../../src/platform/db/migrations/index.ts';

/**
 * The second reference of bench/import: the database's own rate for the rows an import must write. After each
 * step of an import (the workspace, then each file), the rows that step added or changed are copied, table by
 * table, from the import's database into an empty copy of Rapport's schema (migrated by Rapport: every index,
 * foreign key and constraint in place) in pure SQL, and the copy is timed. No parsing, no matching, no
 * JavaScript per row: an upper bound for any importer of this schema.
 *
 * - What a step wrote is found first, untimed: the rows of each table that the copy does not hold yet (or holds
 *   with other values), in the import's own order (SQLite rowid order, PostgreSQL heap order), into a scratch
 *   table. Rows whose key the copy already holds are updates (an order's buyer, for instance), the others inserts.
 * - Timed: per table, parents before children, one transaction of `INSERT INTO copy.t (cols) SELECT cols FROM
 *   scratch` and `UPDATE copy.t SET … FROM scratch WHERE key = key`.
 * - SQLite: the copy is a fresh database file (WAL, synchronous=FULL, foreign keys on, Rapport's cache size),
 *   opened with the import's database ATTACHed as `src`. CPU time is this process's (SQLite runs in it).
 * - PostgreSQL: the copy is a schema `ceiling` of the import's database, migrated by Rapport; the statements run
 *   on one server connection, whose CPU time is read from /proc (the server runs on this machine).
 */

export type StepResult = {
  seconds: number;
  cpuSeconds: number;
  tables: { table: string; inserted: number; updated: number; seconds: number }[];
};
export type Ceiling = {
  /** Copy what the import wrote since the last step (the first step copies the workspace: setup, not a rate). */
  step(): Promise<StepResult>;
  close(): Promise<void>;
};

/** A table: its columns, primary key, the tables it references, and whether rowid order is its insertion order. */
type Shape = { table: string; cols: string[]; key: string[]; parents: string[]; rowid?: boolean };

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
const SKIP = /^(rapport_migrations|sqlite_)/;

/** Tables in an order where every table comes after the tables it references. */
function parentsFirst(shapes: Shape[]): Shape[] {
  const byName = new Map(shapes.map((s) => [s.table, s]));
  const out: Shape[] = [];
  const seen = new Set<string>();
  const visit = (s: Shape) => {
    if (seen.has(s.table)) return;
    seen.add(s.table);
    for (const p of s.parents) {
      const ps = byName.get(p);
      if (ps && p !== s.table) visit(ps);
    }
    out.push(s);
  };
  for (const s of shapes) visit(s);
  return out;
}

export async function sqliteCeiling(srcFile: string, copyFile: string): Promise<Ceiling> {
  const conn = connect({ sqliteFile: copyFile });
  await migrateToLatest(conn.db);
  await conn.close();
  const db = new SqliteDatabase(copyFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32000');
  db.prepare('ATTACH ? AS src').run(srcFile);
  const names = db
    .prepare<[], { name: string }>("SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY rowid")
    .all()
    .map((r) => r.name)
    .filter((n) => !SKIP.test(n));
  const shapes = parentsFirst(
    names.map((table) => {
      const info = db
        .prepare<[string], { name: string; pk: number }>("SELECT name, pk FROM pragma_table_info(?, 'main')")
        .all(table);
      const withoutRowid = db
        .prepare<[string], { wr: number }>(
          "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?",
        )
        .all(table)
        .some((r) => r.wr);
      return {
        table,
        cols: info.map((c) => c.name),
        key: info
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        parents: db
          .prepare<[string], { table: string }>(
            `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?, 'main')`,
          )
          .all(table)
          .map((r) => r.table),
        rowid: !withoutRowid,
      };
    }),
  );

  return {
    async step() {
      // untimed: what this step wrote, per table, into temp scratch tables (inserts d_*, updates u_*)
      const work: { s: Shape; inserted: number; updated: number }[] = [];
      for (const s of shapes) {
        const same = s.cols.map((c) => `m.${q(c)} IS s.${q(c)}`).join(' AND ');
        const d = q(`d_${s.table}`);
        const u = q(`u_${s.table}`);
        db.exec(`DROP TABLE IF EXISTS temp.${d}; DROP TABLE IF EXISTS temp.${u};`);
        db.exec(
          `CREATE TEMP TABLE ${d} AS SELECT ${s.cols.map((c) => `s.${q(c)}`).join(', ')} FROM src.${q(s.table)} s
           WHERE NOT EXISTS (SELECT 1 FROM main.${q(s.table)} m WHERE ${same})
           ${s.rowid ? 'ORDER BY s.rowid' : ''}`,
        );
        let updated = 0;
        if (s.key.length) {
          const keyMatch = s.key.map((c) => `m.${q(c)} = d.${q(c)}`).join(' AND ');
          db.exec(
            `CREATE TEMP TABLE ${u} AS SELECT d.* FROM temp.${d} d WHERE EXISTS (SELECT 1 FROM main.${q(s.table)} m WHERE ${keyMatch});
             DELETE FROM temp.${d} WHERE rowid IN (SELECT d.rowid FROM temp.${d} d WHERE EXISTS (SELECT 1 FROM main.${q(s.table)} m WHERE ${keyMatch}))`,
          );
          updated = (db.prepare(`SELECT count(*) AS n FROM temp.${u}`).get() as { n: number }).n;
        }
        const inserted = (db.prepare(`SELECT count(*) AS n FROM temp.${d}`).get() as { n: number }).n;
        if (inserted || updated) work.push({ s, inserted, updated });
      }
      // timed: one transaction per table, parents first
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const took: number[] = [];
      for (const { s, inserted, updated } of work) {
        const t1 = performance.now();
        const cols = s.cols.map(q).join(', ');
        db.exec('BEGIN');
        if (inserted)
          db.exec(`INSERT INTO main.${q(s.table)} (${cols}) SELECT ${cols} FROM temp.${q(`d_${s.table}`)}`);
        if (updated) {
          const set = s.cols
            .filter((c) => !s.key.includes(c))
            .map((c) => `${q(c)} = u.${q(c)}`)
            .join(', ');
          const keyMatch = s.key.map((c) => `m.${q(c)} = u.${q(c)}`).join(' AND ');
          db.exec(
            `UPDATE main.${q(s.table)} AS m SET ${set} FROM temp.${q(`u_${s.table}`)} AS u WHERE ${keyMatch}`,
          );
        }
        db.exec('COMMIT');
        took.push((performance.now() - t1) / 1000);
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      for (const { s } of work)
        db.exec(
          `DROP TABLE IF EXISTS temp.${q(`d_${s.table}`)}; DROP TABLE IF EXISTS temp.${q(`u_${s.table}`)};`,
        );
      return {
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        tables: work.map((w, i) => ({
          table: w.s.table,
          inserted: w.inserted,
          updated: w.updated,
          seconds: took[i] ?? NaN,
        })),
      };
    },
    async close() {
      db.close();
    },
  };
}

/** CPU seconds (user + system) of a process on this machine, from /proc. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100;

export async function postgresCeiling(url: string): Promise<Ceiling> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // the database is dropped (with its connections) after the bench
  await client.connect();
  try {
    return await postgresCeilingOn(client, url);
  } catch (err) {
    await client.end();
    throw err;
  }
}

async function postgresCeilingOn(client: pg.Client, url: string): Promise<Ceiling> {
  await client.query('DROP SCHEMA IF EXISTS ceiling CASCADE; CREATE SCHEMA ceiling');
  const migrateUrl = new URL(url);
  migrateUrl.searchParams.set('options', '-c search_path=ceiling');
  const conn = connect({ databaseUrl: migrateUrl.toString(), poolSize: 1 });
  try {
    // Rapport's migrations, as migrateToLatest runs them, with their bookkeeping in the schema too (Kysely
    // otherwise finds the import's rapport_migrations in public and takes the schema for migrated)
    const { error } = await new Migrator({
      db: conn.db,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: 'rapport_migrations',
      migrationLockTableName: 'rapport_migrations_lock',
      migrationTableSchema: 'ceiling',
    }).migrateToLatest();
    if (error) throw error;
  } finally {
    await conn.close();
  }
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
  const tables = (
    await client.query<{ table: string }>(
      `SELECT table_name AS table FROM information_schema.tables
       WHERE table_schema = 'ceiling' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows
    .map((r) => r.table)
    .filter((n) => !SKIP.test(n));
  const shapes: Shape[] = [];
  for (const table of tables) {
    const rel = `ceiling.${q(table)}`;
    const cols = (
      await client.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
         ORDER BY attnum`,
        [rel],
      )
    ).rows.map((r) => r.name);
    const key = (
      await client.query<{ name: string }>(
        `SELECT a.attname AS name FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.n`,
        [rel],
      )
    ).rows.map((r) => r.name);
    const parents = (
      await client.query<{ table: string }>(
        `SELECT DISTINCT confrelid::regclass::text AS table FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`,
        [rel],
      )
    ).rows.map((r) => r.table.replace(/^ceiling\./, '').replace(/^"(.*)"$/, '$1'));
    shapes.push({ table, cols, key, parents });
  }
  const ordered = parentsFirst(shapes);

  return {
    async step() {
      const work: { s: Shape; inserted: number; updated: number }[] = [];
      for (const s of ordered) {
        const d = q(`d_${s.table}`);
        const u = q(`u_${s.table}`);
        const list = s.cols.map((c) => `s.${q(c)}`).join(', ');
        await client.query(`DROP TABLE IF EXISTS ${d}; DROP TABLE IF EXISTS ${u}`);
        // rows of the import not in the copy with the same values, in the import's (heap) order
        const missing = s.key.length
          ? `NOT EXISTS (SELECT 1 FROM ceiling.${q(s.table)} m WHERE ${s.key
              .map((c) => `m.${q(c)} = s.${q(c)}`)
              .join(' AND ')} AND m::text = s::text)`
          : `s::text NOT IN (SELECT m::text FROM ceiling.${q(s.table)} m)`;
        await client.query(
          `CREATE TEMP TABLE ${d} AS SELECT ${list} FROM public.${q(s.table)} s WHERE ${missing} ORDER BY s.ctid`,
        );
        let updated = 0;
        if (s.key.length) {
          const keyMatch = s.key.map((c) => `m.${q(c)} = d.${q(c)}`).join(' AND ');
          const exists = `EXISTS (SELECT 1 FROM ceiling.${q(s.table)} m WHERE ${keyMatch})`;
          await client.query(`CREATE TEMP TABLE ${u} AS SELECT d.* FROM ${d} d WHERE ${exists}`);
          await client.query(`DELETE FROM ${d} d WHERE ${exists}`);
          updated = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${u}`)).rows[0]?.n);
        }
        const inserted = Number(
          (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${d}`)).rows[0]?.n,
        );
        if (inserted || updated) {
          await client.query(`ANALYZE ${d}${updated ? `, ${u}` : ''}`);
          work.push({ s, inserted, updated });
        }
      }
      const cpu0 = processCpuSeconds(pid);
      const t0 = performance.now();
      const took: number[] = [];
      for (const { s, inserted, updated } of work) {
        const t1 = performance.now();
        const cols = s.cols.map(q).join(', ');
        await client.query('BEGIN');
        if (inserted)
          await client.query(
            `INSERT INTO ceiling.${q(s.table)} (${cols}) SELECT ${cols} FROM ${q(`d_${s.table}`)}`,
          );
        if (updated) {
          const set = s.cols
            .filter((c) => !s.key.includes(c))
            .map((c) => `${q(c)} = u.${q(c)}`)
            .join(', ');
          const keyMatch = s.key.map((c) => `m.${q(c)} = u.${q(c)}`).join(' AND ');
          await client.query(
            `UPDATE ceiling.${q(s.table)} AS m SET ${set} FROM ${q(`u_${s.table}`)} AS u WHERE ${keyMatch}`,
          );
        }
        await client.query('COMMIT');
        took.push((performance.now() - t1) / 1000);
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = processCpuSeconds(pid) - cpu0;
      // untimed: statistics for the next step's lookups and foreign-key checks (the import refreshes its own)
      for (const { s } of work) await client.query(`ANALYZE ceiling.${q(s.table)}`);
      return {
        seconds,
        cpuSeconds,
        tables: work.map((w, i) => ({
          table: w.s.table,
          inserted: w.inserted,
          updated: w.updated,
          seconds: took[i] ?? NaN,
        })),
      };
    },
    async close() {
      await client.end();
    },
  };
}
