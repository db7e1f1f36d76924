import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/modules/orders/index.ts';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

/** #13: Rapport's own customers.csv and orders.csv import back into an empty workspace to the same orders. */
for (const dialect of DIALECTS) {
  describe(`export → import round trip (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    const actor = { kind: 'cli', id: 'test', scopes: new Set(['write']) } as never;

    async function ordersOf(ws: string) {
      const names = new Map<string, string>();
      const list: Order[] = [];
      for await (const page of t.services.orders.allOrders(ws)) list.push(...page);
      for (const o of list)
        if (o.customerId && !names.has(o.customerId))
          names.set(o.customerId, (await t.services.customers.getCustomerOrThrow(ws, o.customerId)).name);
      return list
        .map((o) => ({
          number: o.number,
          customer: o.customerId ? names.get(o.customerId) : null,
          status: o.status,
          currency: o.currency,
          placedAt: o.placedAt,
          channel: o.channel,
          location: o.location,
          note: o.note,
          subtotal: o.subtotal,
          discount: o.discount,
          tax: o.tax,
          shipping: o.shipping,
          total: o.total,
          refunded: o.refunded,
          cost: o.cost,
          lines: o.lines.map(({ id: _id, ...l }) => l),
        }))
        .sort((a, b) => String(a.number).localeCompare(String(b.number)));
    }

    it('orders (walk-in sales, returns, refunds, discounts, tax, shipping) come back the same', async () => {
      const a = await t.newWorkspace();
      const s = t.services;
      const ada = await s.customers.createCustomer(
        a.workspaceId,
        { name: 'Ada Obi', phones: [{ number: '08031234567' }], emails: [{ address: 'ada@example.com' }] },
        'test',
      );
      const bayo = await s.customers.createCustomer(a.workspaceId, { name: 'Bayo Ade' }, 'test');
      const at = (d: string) => `${d}T10:00:00.000Z`;
      await s.orders.createOrder(
        a.workspaceId,
        {
          customerId: ada.id,
          number: 'A-1',
          placedAt: at('2024-05-01'),
          channel: 'online',
          location: 'Ikeja',
          note: 'Gift wrap',
          discount: 500,
          tax: 750,
          shipping: 1000,
          lines: [
            { name: 'Rice 5kg', sku: 'R5', category: 'Grains', quantity: 2, unitPrice: 7500, unitCost: 5000 },
            { name: 'Palm oil', quantity: 1.5, unitPrice: 2000, discount: 100, unitCost: 1200 },
          ],
        },
        actor,
      );
      const b1 = await s.orders.createOrder(
        a.workspaceId,
        {
          customerId: bayo.id,
          number: 'B-1',
          placedAt: at('2024-05-02'),
          lines: [{ name: 'Sugar', quantity: 3, unitPrice: 1200 }],
        },
        actor,
      );
      await s.orders.refundOrder(
        a.workspaceId,
        b1.order.id,
        { amount: 1200, kind: 'return', reason: 'torn bag' },
        actor,
      );
      await s.orders.createOrder(
        a.workspaceId,
        {
          customerId: null,
          number: 'W-1',
          placedAt: at('2024-05-03'),
          channel: 'counter',
          lines: [{ name: 'Bread', quantity: 1, unitPrice: 800 }],
        },
        actor,
      );
      await s.orders.createOrder(
        a.workspaceId,
        {
          customerId: ada.id,
          number: 'R-1',
          kind: 'return',
          placedAt: at('2024-05-04'),
          lines: [{ name: 'Rice 5kg', quantity: 1, unitPrice: 7500 }],
        },
        actor,
      );
      const before = await ordersOf(a.workspaceId);
      expect(before.map((o) => [o.number, o.status, o.total])).toEqual([
        ['A-1', 'paid', 19150],
        ['B-1', 'partially_refunded', 3600],
        ['R-1', 'returned', -7500],
        ['W-1', 'paid', 800],
      ]);

      const dir = tmpDir();
      await s.exports.exportCsv(a.workspaceId, dir);
      const b = await t.newWorkspace();
      const customers = await s.imports.runImport({
        workspaceId: b.workspaceId,
        file: path.join(dir, 'customers.csv'),
      });
      expect(customers.preset).toBe('rapport-customers');
      const orders = await s.imports.runImport({
        workspaceId: b.workspaceId,
        file: path.join(dir, 'orders.csv'),
      });
      expect(orders.preset).toBe('rapport-orders');
      expect(orders.rejections).toEqual([]);
      expect(orders.counts).toMatchObject({ customers: { created: 0 }, orders: { created: 4, walkIn: 1 } });
      expect(await ordersOf(b.workspaceId)).toEqual(before);
      // and again: nothing new
      const again = await s.imports.runImport({
        workspaceId: b.workspaceId,
        file: path.join(dir, 'orders.csv'),
      });
      expect(again.counts.orders).toMatchObject({ created: 0, unchanged: 4 });
    });

    it('property: random workspaces (people, walk-in sales, returns, refunds) export and import back the same', async () => {
      const s = t.services;
      const line = fc.record({
        name: fc.constantFrom('Rice', 'Beans', 'Palm oil', 'Yam, big', 'Bread "fresh"', '=SUM(A1)'),
        quantity: fc.integer({ min: 1, max: 20 }),
        unitPrice: fc.integer({ min: 1, max: 500_000 }),
        unitCost: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
      });
      const order = fc.record({
        who: fc.integer({ min: -1, max: 2 }), // -1: a walk-in sale
        kind: fc.constantFrom('sale', 'sale', 'return'),
        day: fc.integer({ min: 1, max: 28 }),
        lines: fc.array(line, { minLength: 1, maxLength: 3 }),
        tax: fc.integer({ min: 0, max: 5000 }),
        shipping: fc.integer({ min: 0, max: 5000 }),
        refundShare: fc.constantFrom(0, 0, 0.5, 1),
        // the importer trims cells: a note is compared as people write it (no blank or padded notes)
        note: fc.option(
          fc.string({ minLength: 1, maxLength: 30 }).filter((x) => x.trim() === x && x !== ''),
          { nil: undefined },
        ),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.string({ minLength: 1, maxLength: 20 }).filter((x) => x.trim().length > 0),
            {
              minLength: 3,
              maxLength: 3,
            },
          ),
          fc.array(order, { minLength: 1, maxLength: 6 }),
          async (people, orders) => {
            const a = await t.newWorkspace();
            const ids: string[] = [];
            for (const [i, name] of people.entries())
              ids.push(
                (await s.customers.createCustomer(a.workspaceId, { name: `${name.trim()} ${i}` }, 'test')).id,
              );
            for (const [i, o] of orders.entries()) {
              const created = await s.orders.createOrder(
                a.workspaceId,
                {
                  customerId: o.who < 0 ? null : (ids[o.who] ?? null),
                  number: `N-${String(i).padStart(2, '0')}`,
                  kind: o.kind,
                  placedAt: `2024-03-${String(o.day).padStart(2, '0')}T09:30:00.000Z`,
                  tax: o.tax,
                  shipping: o.shipping,
                  ...(o.note !== undefined && { note: o.note }),
                  lines: o.lines,
                },
                actor,
              );
              const refund = Math.floor(created.order.total * o.refundShare);
              if (o.kind === 'sale' && refund > 0)
                await s.orders.refundOrder(
                  a.workspaceId,
                  created.order.id,
                  { amount: refund, reason: 'test' },
                  actor,
                );
            }
            const before = await ordersOf(a.workspaceId);
            const dir = tmpDir();
            await s.exports.exportCsv(a.workspaceId, dir);
            const b = await t.newWorkspace();
            await s.imports.runImport({ workspaceId: b.workspaceId, file: path.join(dir, 'customers.csv') });
            const r = await s.imports.runImport({
              workspaceId: b.workspaceId,
              file: path.join(dir, 'orders.csv'),
            });
            expect(r.rejections).toEqual([]);
            expect(await ordersOf(b.workspaceId)).toEqual(before);
          },
        ),
        { numRuns: 8 },
      );
    });
  });
}
