import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { DIALECTS, freshDb } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`migrations fail closed (${dialect})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    it('is idempotent: a second run applies nothing', async () => {
      const db = await freshDb(dialect);
      cleanups.push(db.close);
      expect(await migrateToLatest(db.db)).toEqual([]);
    });

    it('refuses to start on a database migrated by a newer Rapport', async () => {
      const db = await freshDb(dialect);
      cleanups.push(db.close);
      await sql`INSERT INTO rapport_migrations (name, timestamp) VALUES ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(
        db.db,
      );
      await expect(migrateToLatest(db.db)).rejects.toThrow(/migration/i);
      const config = loadConfig({
        RAPPORT_DATA_DIR: db.dataDir ?? '/nonexistent',
        DATABASE_URL: db.databaseUrl ?? '',
        LOG_LEVEL: 'silent',
      });
      await expect(buildApp(config, { serveWeb: false })).rejects.toThrow(/will not start/);
    });
  });
}
