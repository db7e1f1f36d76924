import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import SqliteDatabase from 'better-sqlite3';
import { parse } from 'csv-parse';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { processCpuSeconds } from './ceiling.ts';

/** Rows loaded, wall seconds, and CPU seconds: SQLite's (this process, CSV parsing included); PostgreSQL's server. */
export type RawResult = { rows: number; seconds: number; cpuSeconds: number };

/**
 * The ceiling an import is measured against: the database's own bulk-load rate for the same rows, into a
 * plain table with one text column per CSV column and no indexes. SQLite: prepared inserts, one transaction
 * per 500 rows (the importer's batch); PostgreSQL: COPY.
 */
export async function rawSqlite(file: string, dbFile: string): Promise<RawResult> {
  const db = new SqliteDatabase(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let insert: SqliteDatabase.Statement | undefined;
  let batch: string[][] = [];
  let rows = 0;
  const flush = db.transaction((b: string[][]) => {
    for (const r of b) insert?.run(r);
  });
  for await (const rec of fs
    .createReadStream(file)
    .pipe(parse({ relax_column_count: true })) as AsyncIterable<string[]>) {
    if (!insert) {
      const cols = rec.map((_, i) => `c${i}`);
      db.exec(`DROP TABLE IF EXISTS raw; CREATE TABLE raw (${cols.map((c) => `${c} TEXT`).join(', ')})`);
      insert = db.prepare(`INSERT INTO raw VALUES (${cols.map(() => '?').join(', ')})`);
      continue;
    }
    batch.push(rec);
    if (batch.length === 500) {
      flush(batch);
      rows += batch.length;
      batch = [];
    }
  }
  flush(batch);
  rows += batch.length;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  db.close();
  return { rows, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export async function rawPostgres(file: string, url: string): Promise<RawResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
    const header = (await fs.promises.readFile(file, 'utf8')).slice(0, 4096).split('\n')[0] ?? '';
    const n = header.split(',').length;
    await client.query(
      `DROP TABLE IF EXISTS raw; CREATE UNLOGGED TABLE raw (${Array.from({ length: n }, (_, i) => `c${i} text`).join(', ')})`,
    );
    await client.query('ALTER TABLE raw SET LOGGED');
    const t0 = performance.now();
    const cpu0 = processCpuSeconds(pid);
    await pipeline(
      fs.createReadStream(file),
      client.query(copyFrom('COPY raw FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = processCpuSeconds(pid) - cpu0;
    const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM raw');
    await client.query('DROP TABLE raw');
    return { rows: Number(r.rows[0]?.n ?? 0), seconds, cpuSeconds };
  } finally {
    await client.end();
  }
}
