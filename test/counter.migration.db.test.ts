import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/platform/db/migrations/index.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { DIALECTS, freshDb } from './kit.ts';

/** Migration 0015 on a database with orders: nothing lost, walk-ins allowed, last digits of old phones searchable. */
for (const dialect of DIALECTS) {
  describe(`migration 0015: the counter (${dialect})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    it('keeps orders, lines and refunds (and their cascade), makes customer optional, backfills phone digits', async () => {
      const conn = await freshDb(dialect);
      cleanups.push(conn.close);
      const db = conn.db;
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => MIGRATIONS },
        migrationTableName: 'rapport_migrations',
        migrationLockTableName: 'rapport_migrations_lock',
      });
      expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
      expect((await migrator.migrateTo('0010_name_postings_sorted')).error).toBeUndefined();
      await sql`INSERT INTO workspaces (id, name, timezone, currency, region, created_at, updated_at)
        VALUES ('w1', 'Shop', 'Africa/Lagos', 'NGN', 'NG', '2025-01-01', '2025-01-01')`.execute(db);
      for (const id of ['c1', 'c2'])
        await sql`INSERT INTO customers (workspace_id, id, kind, name, sort_name, custom_fields, consent_marketing,
          created_at, updated_at) VALUES ('w1', ${id}, 'person', ${id}, ${id}, '{}', 0, '2025-01-01', '2025-01-01')`.execute(
          db,
        );
      await sql`INSERT INTO customer_phones (workspace_id, id, customer_id, position, raw, e164, label, valid)
        VALUES ('w1', 'p1', 'c1', 0, '0803 225 5373', '+2348032255373', null, 1)`.execute(db);
      for (const [o, c] of [
        ['o1', 'c1'],
        ['o2', 'c2'],
      ] as const) {
        await sql`INSERT INTO orders (workspace_id, id, customer_id, status, currency, placed_at, subtotal, discount,
          tax, shipping, total, refunded, created_at, updated_at)
          VALUES ('w1', ${o}, ${c}, 'paid', 'NGN', '2025-02-01T00:00:00.000Z', 500, 0, 0, 0, 500, 100, '2025-02-01', '2025-02-01')`.execute(
          db,
        );
        await sql`INSERT INTO order_lines (workspace_id, id, order_id, position, name, quantity, unit_price, discount, total)
          VALUES ('w1', ${`${o}-l`}, ${o}, 0, 'Bread', 1, 500, 0, 500)`.execute(db);
        await sql`INSERT INTO order_refunds (workspace_id, id, order_id, amount, kind, reason, at)
          VALUES ('w1', ${`${o}-r`}, ${o}, 100, 'refund', 'stale', '2025-02-02')`.execute(db);
      }

      expect(await migrateToLatest(db)).toContain('0015_counter_sales');
      const count = async (t: 'orders' | 'order_lines' | 'order_refunds') =>
        Number(
          (
            await db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect([await count('orders'), await count('order_lines'), await count('order_refunds')]).toEqual([
        2, 2, 2,
      ]);
      expect(
        await db
          .selectFrom('customer_phones')
          .select('digits_reversed')
          .where('id', '=', 'p1')
          .executeTakeFirst(),
      ).toEqual({ digits_reversed: '3735522308432' });
      // a walk-in sale: no customer
      await sql`INSERT INTO orders (workspace_id, id, customer_id, status, currency, placed_at, subtotal, discount,
        tax, shipping, total, refunded, payment_method, created_at, updated_at)
        VALUES ('w1', 'o3', null, 'paid', 'NGN', '2025-03-01T00:00:00.000Z', 1, 0, 0, 0, 1, 0, 'cash', '2025-03-01', '2025-03-01')`.execute(
        db,
      );
      // the foreign keys survived the rebuild: a deleted customer takes their orders, lines and refunds along
      await sql`DELETE FROM customers WHERE id = 'c2'`.execute(db);
      expect([await count('orders'), await count('order_lines'), await count('order_refunds')]).toEqual([
        2, 1, 1,
      ]);
      await expect(
        sql`INSERT INTO order_lines (workspace_id, id, order_id, position, name, quantity, unit_price, discount, total)
          VALUES ('w1', 'x', 'no-such-order', 0, 'Bread', 1, 500, 0, 500)`.execute(db),
      ).rejects.toThrow();
      // down and up again (to 0014: further down, 0014's own down removes walk-in sales)
      expect((await migrator.migrateTo('0014_walk_in_orders')).error).toBeUndefined();
      expect(await migrateToLatest(db)).toContain('0015_counter_sales');
      expect(await count('orders')).toBe(2);
    });
  });
}
