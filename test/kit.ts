import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp, type RunningApp } from '../src/app.ts';
import { loadConfig, testDatabaseUrl } from '../src/platform/config.ts';
import { connect, type DialectName, type Db } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

/** Every database the suites run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (CI sets it). */
export const DIALECTS: DialectName[] = ['sqlite', ...(testDatabaseUrl() ? (['postgres'] as const) : [])];
if (!testDatabaseUrl()) {
  // In CI a missing PostgreSQL is a failure, never a quietly smaller run (as a missing chromium is).
  if (process.env.CI)
    throw new Error(
      'CI is set but TEST_DATABASE_URL is not: the PostgreSQL suites cannot run (.ci/run sets it)',
    );
  console.warn('[rapport tests] TEST_DATABASE_URL is not set: PostgreSQL suites are skipped (CI runs them).');
}

export const tmpDir = (prefix = 'rapport-test-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A fresh, migrated database of the given dialect: a temp SQLite file, or a new Postgres database dropped afterwards. */
export async function freshDb(
  dialect: DialectName,
): Promise<Db & { databaseUrl?: string; dataDir?: string }> {
  if (dialect === 'sqlite') {
    const dataDir = tmpDir();
    const conn = connect({ dataDir });
    await migrateToLatest(conn.db);
    return {
      ...conn,
      dataDir,
      close: async () => {
        await conn.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const admin = testDatabaseUrl() as string;
  const name = `rapport_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const conn = connect({ databaseUrl, poolSize: 5 });
  await migrateToLatest(conn.db);
  return {
    ...conn,
    databaseUrl,
    close: async () => {
      await conn.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export type TestApp = RunningApp & {
  dialect: DialectName;
  /** The SQLite data dir (undefined on Postgres). */
  dataDir: string | undefined;
  /** Create a workspace with an owner user and an admin API key; returns auth headers for it. */
  newWorkspace: (o?: {
    region?: string;
    name?: string;
    scopes?: string[];
  }) => Promise<{ workspaceId: string; key: string; auth: { authorization: string }; ownerId: string }>;
  closeAll: () => Promise<void>;
};

/** A whole Rapport (services + HTTP via app.inject) over a fresh database. */
export async function startTestApp(
  dialect: DialectName,
  o: { env?: Record<string, string>; clock?: () => Date; outbox?: boolean } = {},
): Promise<TestApp> {
  const conn = await freshDb(dialect);
  const config = loadConfig({
    RAPPORT_DATA_DIR: conn.dataDir ?? tmpDir(),
    DATABASE_URL: conn.databaseUrl ?? '',
    LOG_LEVEL: 'silent',
    ...o.env,
  });
  const running = await buildApp(config, {
    conn,
    serveWeb: false,
    ...(o.clock && { clock: o.clock }),
    ...(o.outbox !== undefined && { outbox: o.outbox }),
  });
  let n = 0;
  return {
    ...running,
    dialect,
    dataDir: conn.dataDir,
    async newWorkspace(o = {}) {
      n++;
      const s = running.services;
      const w = await s.workspaces.createWorkspace({
        name: o.name ?? `Shop ${n}`,
        timezone: 'Africa/Lagos',
        currency: 'NGN',
        region: o.region ?? 'NG',
      });
      const owner = await s.access.createUser(
        w.id,
        { email: `owner${n}@example.com`, password: 'correct horse', role: 'owner' },
        'test',
      );
      const { key } = await s.access.createApiKey(
        w.id,
        { name: 'test', scopes: o.scopes ?? ['read', 'write', 'admin'] },
        'test',
      );
      return { workspaceId: w.id, key, auth: { authorization: `Bearer ${key}` }, ownerId: owner.id };
    },
    async closeAll() {
      await running.close();
      await conn.close();
    },
  };
}
