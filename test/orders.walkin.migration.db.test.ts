import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/platform/db/migrations/index.ts';
import { DIALECTS, freshDb } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`migration 0014: walk-in orders (${dialect})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    it('keeps every order, line and refund, then accepts an order without a customer; down and up again', async () => {
      const conn = await freshDb(dialect);
      cleanups.push(conn.close);
      const db = conn.db;
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => MIGRATIONS },
        migrationTableName: 'rapport_migrations',
        migrationLockTableName: 'rapport_migrations_lock',
      });
      expect((await migrator.migrateTo('0010_name_postings_sorted')).error).toBeUndefined();
      const at = '2025-01-01T00:00:00.000Z';
      await sql`insert into workspaces (id, name, currency, timezone, region, created_at, updated_at)
        values ('w1', 'Shop', 'NGN', 'Africa/Lagos', 'NG', ${at}, ${at})`.execute(db);
      await sql`insert into customers (workspace_id, id, kind, name, sort_name, custom_fields, consent_marketing,
        created_at, updated_at) values ('w1', 'c1', 'person', 'Ada', 'ada', '{}', 0, ${at}, ${at})`.execute(
        db,
      );
      const order = (id: string, customer: string | null) =>
        sql`insert into orders (workspace_id, id, customer_id, status, currency, placed_at, subtotal, discount, tax,
          shipping, total, refunded, created_at, updated_at)
          values ('w1', ${id}, ${customer}, 'paid', 'NGN', ${at}, 500, 0, 0, 0, 500, 100, ${at}, ${at})`.execute(
          db,
        );
      await order('o1', 'c1');
      await expect(order('o0', null)).rejects.toThrow();
      await sql`insert into order_lines (workspace_id, id, order_id, position, name, quantity, unit_price, discount, total)
        values ('w1', 'l1', 'o1', 0, 'Rice', 1, 500, 0, 500)`.execute(db);
      await sql`insert into order_refunds (workspace_id, id, order_id, amount, kind, reason, at)
        values ('w1', 'r1', 'o1', 100, 'return', 'torn bag', ${at})`.execute(db);

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await order('o2', null);
      const count = async (t: string) =>
        Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db)).rows[0]?.n);
      expect([await count('orders'), await count('order_lines'), await count('order_refunds')]).toEqual([
        2, 1, 1,
      ]);
      // the foreign keys still hold: a line of an unknown order is refused, and deleting an order cascades
      await expect(
        sql`insert into order_lines (workspace_id, id, order_id, position, name, quantity, unit_price, discount, total)
          values ('w1', 'l2', 'nope', 0, 'Beans', 1, 500, 0, 500)`.execute(db),
      ).rejects.toThrow();
      await expect(order('o3', 'no-such-customer')).rejects.toThrow();
      await sql`delete from customers where id = 'c1'`.execute(db);
      expect([await count('orders'), await count('order_lines'), await count('order_refunds')]).toEqual([
        1, 0, 0,
      ]);

      expect((await migrator.migrateTo('0010_name_postings_sorted')).error).toBeUndefined();
      expect(await count('orders')).toBe(0); // the walk-in order had no customer to keep it
      await expect(order('o4', null)).rejects.toThrow();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await order('o5', null);
    });
  });
}
