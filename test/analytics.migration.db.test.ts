import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/platform/db/migrations/index.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { DIALECTS, freshDb } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`migration 0007: predictions keyed by run (${dialect})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    it('keeps the predictions of 0006 under the newest finished run and builds its lists; down and up again', async () => {
      const conn = await freshDb(dialect);
      cleanups.push(conn.close);
      const migrator = new Migrator({
        db: conn.db,
        provider: { getMigrations: async () => MIGRATIONS },
        migrationTableName: 'rapport_migrations',
        migrationLockTableName: 'rapport_migrations_lock',
      });
      const down = await migrator.migrateTo('0006_analytics');
      expect(down.error).toBeUndefined();

      const run = (id: string, status: string, created: string) =>
        sql`insert into prediction_runs (workspace_id, id, status, trigger, model, as_of, currency, parameters,
          diagnostics, insights, customers, timings, created_at)
          values ('w1', ${id}, ${status}, 'manual', 'paretonbd', ${created}, 'NGN', '{}', '{}', '{}', 3, '{}', ${created})`.execute(
          conn.db,
        );
      await run('r1', 'done', '2025-01-01T00:00:00.000Z');
      await run('r2', 'done', '2025-01-02T00:00:00.000Z');
      await run('r3', 'failed', '2025-01-03T00:00:00.000Z');
      // one row per customer; the failed run had overwritten c3 before failing
      const row = (
        customer: string,
        runId: string,
        stage: string,
        stake: number,
        trend: string,
        slope: number,
      ) =>
        sql`insert into customer_predictions (workspace_id, customer_id, run_id, purchases, total_spent,
          first_purchase_on, last_purchase_on, value_at_stake, rfm_r, rfm_f, rfm_m, segment, lifecycle_stage,
          trend, trend_slope, overdue_days, explanation)
          values ('w1', ${customer}, ${runId}, 2, 100, '2024-01-01', '2024-06-01', ${stake}, 1, 2, 3, 'hibernating',
          ${stage}, ${trend}, ${slope}, 10, ${`about ${customer}`})`.execute(conn.db);
      await row('c1', 'r2', 'at risk', 50, 'rising', 0.5);
      await row('c2', 'r2', 'at risk', 70, 'steady', 0);
      await row('c3', 'r3', 'lapsed', 20, 'rising', 0.9);

      expect(await migrateToLatest(conn.db)).toContain('0007_prediction_runs_keyed');
      const rows = await conn.db
        .selectFrom('customer_predictions')
        .select(['customer_id', 'run_id', 'explanation'])
        .orderBy('customer_id')
        .execute();
      expect(rows).toEqual([
        { customer_id: 'c1', run_id: 'r2', explanation: 'about c1' },
        { customer_id: 'c2', run_id: 'r2', explanation: 'about c2' },
        { customer_id: 'c3', run_id: 'r2', explanation: 'about c3' },
      ]);
      const lists = await conn.db
        .selectFrom('prediction_lists')
        .select(['run_id', 'list', 'position', 'customer_id'])
        .orderBy('list')
        .orderBy('position')
        .execute();
      expect(lists.map((l) => [l.run_id, l.list, Number(l.position), l.customer_id])).toEqual([
        ['r2', 'at_risk', 1, 'c2'],
        ['r2', 'at_risk', 2, 'c1'],
        ['r2', 'lapsed', 1, 'c3'],
        ['r2', 'rising', 1, 'c3'],
        ['r2', 'rising', 2, 'c1'],
      ]);

      // and back: one row per customer again, then forward once more
      expect((await migrator.migrateTo('0006_analytics')).error).toBeUndefined();
      const back = await sql<{ n: number | string }>`select count(*) as n from customer_predictions`.execute(
        conn.db,
      );
      expect(Number(back.rows[0]?.n)).toBe(3);
      expect(await migrateToLatest(conn.db)).toContain('0007_prediction_runs_keyed');
    });
  });
}
