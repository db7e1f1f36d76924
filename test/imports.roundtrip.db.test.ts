import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../src/modules/customers/index.ts';
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
          refunds: o.refunds.map(({ id: _id, ...r }) => r),
          cost: o.cost,
          paymentMethod: o.paymentMethod,
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

    /** Everything a workspace holds, without its own ids and times: customers, orders and timeline, each sorted. */
    async function snapshot(ws: string) {
      const s = t.services;
      const all: Customer[] = [];
      for await (const page of s.customers.allCustomers(ws)) all.push(...page);
      const nameOf = new Map(all.map((c) => [c.id, c.name]));
      const customers = all
        .map((c) => ({
          kind: c.kind,
          name: c.name,
          business: c.businessId ? (nameOf.get(c.businessId) ?? '?') : null,
          jobTitle: c.jobTitle,
          phones: c.phones.map(({ id: _id, ...p }) => p),
          emails: c.emails.map(({ id: _id, ...e }) => e),
          address: c.address,
          birthday: c.birthday,
          anniversary: c.anniversary,
          preferredChannel: c.preferredChannel,
          needs: c.needs,
          tags: c.tags,
          customFields: c.customFields,
          consent: c.consent,
          lastInteractionAt: c.lastInteractionAt,
        }))
        .sort(byJson);
      const interactions: unknown[] = [];
      for await (const page of s.timeline.allInteractions(ws))
        for (const i of page)
          interactions.push({
            customer: i.customerId ? nameOf.get(i.customerId) : null,
            kind: i.kind,
            direction: i.direction,
            body: i.body,
            phone: i.phone,
            author: i.authorName,
            occurredAt: i.occurredAt,
          });
      return { customers, orders: await ordersOf(ws), interactions: interactions.sort(byJson) };
    }
    const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

    /** A workspace's staff member who logs touches: the same name in the workspace it is imported into. */
    async function staff(ws: string) {
      const u = await t.services.access.createUser(
        ws,
        { email: 'chioma@example.com', name: 'Chioma Eze', password: 'correct horse', role: 'staff' },
        'test',
      );
      return { workspaceId: ws, kind: 'user', id: u.id, scopes: new Set(['write']) } as never;
    }

    // Values that test the files: commas, quotes, line breaks, formulas, apostrophes, other scripts
    const word = fc.constantFrom(
      'Ada',
      'Obi',
      'Ngozi',
      'O’Brien',
      'Zoë',
      '=SUM(A1)',
      '+234',
      '-5',
      '@home',
      "'quoted",
      'Bread "fresh"',
      'a, b',
      'two\nlines',
      '中文',
      '::: x',
    );
    const words = fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    const person = fc.record({
      name: words,
      business: fc.boolean(), // kind business (people may belong to one)
      member: fc.boolean(), // a person: belongs to the first business, if any
      jobTitle: maybe(words),
      phones: fc.array(
        fc.record({
          number: fc.constantFrom(
            '0803 123 4567',
            '+234 805 555 0101',
            '08091234567',
            '+44 20 7946 0958',
            '12345',
            '+1 (415) 555-2671',
          ),
          label: maybe(fc.constantFrom('mobile', 'work', 'Home line')),
        }),
        { maxLength: 3 },
      ),
      emails: fc.array(
        fc.record({
          address: fc.constantFrom(
            'ada@example.com',
            'ADA@Example.com',
            'chidi.obi@example.org',
            'shop@example.ng',
          ),
          label: maybe(fc.constantFrom('work', 'home')),
        }),
        { maxLength: 2 },
      ),
      address: maybe(
        fc.record({ line1: words, city: fc.constantFrom('Lagos', 'Abuja'), country: fc.constant('NG') }),
      ),
      birthday: maybe(fc.constantFrom('1990-04-17', '--12-25', '2000-02-29')),
      anniversary: maybe(fc.constantFrom('2015-06-20', '--02-14')),
      preferredChannel: maybe(fc.constantFrom('phone', 'whatsapp', 'email')),
      needs: maybe(words),
      tags: fc.uniqueArray(fc.constantFrom('vip', 'wholesale', 'a;b', '*star', 'late payer'), {
        maxLength: 3,
      }),
      customFields: maybe(fc.constantFrom({ source: 'market' }, { visits: 3, member: true, note: null })),
      consent: maybe(
        fc.record({
          marketing: fc.boolean(),
          source: fc.constantFrom('paper form', 'website'),
          at: fc.constant('2023-06-01T10:00:00.000Z'),
        }),
      ),
    });
    const line = fc.record({
      name: fc.constantFrom('Rice', 'Beans', 'Palm oil', 'Yam, big', 'Bread "fresh"', '=SUM(A1)'),
      quantity: fc.integer({ min: 1, max: 20 }),
      unitPrice: fc.integer({ min: 1, max: 500_000 }),
      unitCost: maybe(fc.integer({ min: 0, max: 100_000 })),
    });
    const order = fc.record({
      who: fc.integer({ min: -1, max: 4 }), // -1: a walk-in sale
      kind: fc.constantFrom('sale', 'sale', 'return'),
      day: fc.integer({ min: 1, max: 28 }),
      lines: fc.array(line, { minLength: 1, maxLength: 3 }),
      tax: fc.integer({ min: 0, max: 5000 }),
      shipping: fc.integer({ min: 0, max: 5000 }),
      paymentMethod: maybe(fc.constantFrom('cash', 'card', 'transfer')),
      refundShare: fc.constantFrom(0, 0, 0.5, 1),
      refundKind: fc.constantFrom('refund', 'return'),
      note: maybe(words),
    });
    const touch = fc.record({
      who: fc.integer({ min: -1, max: 4 }), // -1: a call from a number nobody has
      kind: fc.constantFrom('call', 'visit', 'note', 'whatsapp'),
      direction: maybe(fc.constantFrom('inbound', 'outbound')),
      body: words,
      day: fc.integer({ min: 1, max: 28 }),
      byStaff: fc.boolean(),
    });

    it('interactions.csv: an order’s entry comes with its order, a call on nobody, staff by name; the dry run counts the same', async () => {
      const s = t.services;
      const a = await t.newWorkspace();
      const chioma = await staff(a.workspaceId);
      const ada = await s.customers.createCustomer(
        a.workspaceId,
        {
          name: 'Ada Obi',
          phones: [
            { number: '0803 123 4567', label: 'mobile' },
            { number: '+44 20 7946 0958', label: 'London' },
          ],
          emails: [{ address: 'ada@example.com', label: 'home' }],
        },
        'test',
      );
      await s.orders.createOrder(
        a.workspaceId,
        {
          customerId: ada.id,
          number: 'A-1',
          placedAt: '2024-05-01T10:00:00.000Z',
          lines: [{ name: 'Rice', quantity: 1, unitPrice: 7500 }],
        },
        actor,
      );
      await s.timeline.addInteraction(
        a.workspaceId,
        ada.id,
        { kind: 'visit', body: 'Asked for "brown" rice, 5kg', occurredAt: '2024-05-02T09:00:00.000Z' },
        chioma,
      );
      await s.timeline.recordCall(
        a.workspaceId,
        { from: '0701 234 5678', at: '2024-05-03T09:00:00.000Z', note: 'Wrong number' },
        actor,
      );
      const dir = tmpDir();
      await s.exports.exportCsv(a.workspaceId, dir);
      const header = fs.readFileSync(path.join(dir, 'customers.csv'), 'utf8').split('\n')[0];
      expect(header).toContain(
        'Phone 1,Phone 1 Label,Phone 1 E164,Phone 2,Phone 2 Label,Phone 2 E164,Email 1',
      );
      expect(header).not.toContain('Phone 3');

      const b = await t.newWorkspace();
      await staff(b.workspaceId);
      const run = (file: string, dryRun = false) =>
        s.imports.runImport({ workspaceId: b.workspaceId, file: path.join(dir, file), dryRun });
      await run('customers.csv');
      const dry = await run('interactions.csv', true);
      const real = await run('interactions.csv');
      expect(real.preset).toBe('rapport-interactions');
      expect(real.counts).toEqual(dry.counts);
      expect(real.counts.interactions).toEqual({ created: 2, unchanged: 0, skipped: 1 });
      await run('orders.csv');
      const got = await snapshot(b.workspaceId);
      expect(got).toEqual(await snapshot(a.workspaceId));
      expect(got.interactions).toEqual([
        {
          customer: 'Ada Obi',
          kind: 'order',
          direction: null,
          body: expect.stringMatching(/^Order A-1: Rice/),
          phone: null,
          author: null,
          occurredAt: '2024-05-01T10:00:00.000Z',
        },
        {
          customer: 'Ada Obi',
          kind: 'visit',
          direction: null,
          body: 'Asked for "brown" rice, 5kg',
          phone: null,
          author: 'Chioma Eze',
          occurredAt: '2024-05-02T09:00:00.000Z',
        },
        {
          customer: null,
          kind: 'call',
          direction: 'inbound',
          body: 'Wrong number',
          phone: '0701 234 5678',
          author: null,
          occurredAt: '2024-05-03T09:00:00.000Z',
        },
      ]);
      expect((await run('interactions.csv')).counts.interactions).toEqual({
        created: 0,
        unchanged: 2,
        skipped: 1,
      });
    });

    it('export.json: previewed as Rapport’s export; a file cut short is refused, saying what was saved', async () => {
      const s = t.services;
      const a = await t.newWorkspace();
      for (const name of ['Ada Obi', 'Bayo Ade', 'Chidi Eze'])
        await s.customers.createCustomer(a.workspaceId, { name }, 'test');
      const dir = tmpDir();
      const json = path.join(dir, 'export.json');
      const out = fs.createWriteStream(json);
      await s.exports.exportJson(a.workspaceId, out);
      await new Promise((r) => out.end(r));
      const b = await t.newWorkspace();
      const preview = await s.imports.previewImport({ workspaceId: b.workspaceId, file: json });
      expect(preview.preset).toBe('rapport-json');
      expect(preview.sample.map((r) => ('customer' in r ? r.customer.name : '?'))).toEqual([
        'Ada Obi',
        'Bayo Ade',
        'Chidi Eze',
      ]);
      // cut in the middle of the third customer
      const text = fs.readFileSync(json, 'utf8');
      const cut = path.join(dir, 'cut.json');
      fs.writeFileSync(cut, text.slice(0, text.indexOf('Chidi Eze')));
      const err = await s.imports
        .runImport({ workspaceId: b.workspaceId, file: cut, batchSize: 1 })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'IMPORT_JSON_INVALID',
        message: expect.stringMatching(/ends in the middle.*2 records were saved before this point/),
      });
      // the whole file completes it, without duplicates
      const r = await s.imports.runImport({ workspaceId: b.workspaceId, file: json });
      expect(r.counts.customers).toMatchObject({ created: 1 });
      expect((await snapshot(b.workspaceId)).customers.map((c) => c.name)).toEqual([
        'Ada Obi',
        'Bayo Ade',
        'Chidi Eze',
      ]);
    });

    it('property: random workspaces export (CSV files, export.json) and import back into empty ones the same', async () => {
      const s = t.services;
      await fc.assert(
        fc.asyncProperty(
          fc.array(person, { minLength: 1, maxLength: 5 }),
          fc.array(order, { maxLength: 5 }),
          fc.array(touch, { maxLength: 5 }),
          // the CSV files in any order: a customer first known by id only takes the name customers.csv gives
          fc.constantFrom(
            ['customers.csv', 'orders.csv', 'interactions.csv'],
            ['orders.csv', 'interactions.csv', 'customers.csv'],
            ['interactions.csv', 'customers.csv', 'orders.csv'],
          ),
          async (people, orders, touches, files) => {
            const a = await t.newWorkspace();
            const chioma = await staff(a.workspaceId);
            const ids: string[] = [];
            let business: string | undefined;
            // businesses first: people of the workspace may belong to one
            const ordered = [...people].sort((x, y) => Number(y.business) - Number(x.business));
            for (const [i, p] of ordered.entries()) {
              const c = await s.customers.createCustomer(
                a.workspaceId,
                {
                  kind: p.business ? 'business' : 'person',
                  name: `${p.name} ${i}`,
                  ...(!p.business && p.member && business && { businessId: business }),
                  jobTitle: p.jobTitle,
                  phones: p.phones,
                  emails: p.emails,
                  address: p.address,
                  birthday: p.birthday,
                  anniversary: p.anniversary,
                  preferredChannel: p.preferredChannel,
                  needs: p.needs,
                  tags: p.tags,
                  customFields: p.customFields ?? {},
                  consent: p.consent,
                },
                'test',
              );
              if (p.business) business ??= c.id;
              ids.push(c.id);
            }
            for (const [i, o] of orders.entries()) {
              const created = await s.orders.createOrder(
                a.workspaceId,
                {
                  customerId: o.who < 0 ? null : (ids[o.who % ids.length] ?? null),
                  number: `N-${String(i).padStart(2, '0')}`,
                  kind: o.kind,
                  placedAt: `2024-03-${String(o.day).padStart(2, '0')}T09:30:00.000Z`,
                  tax: o.tax,
                  shipping: o.shipping,
                  ...(o.paymentMethod && { paymentMethod: o.paymentMethod }),
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
                  {
                    amount: refund,
                    kind: o.refundKind,
                    reason: 'torn bag',
                    at: `2024-04-${String(o.day).padStart(2, '0')}T12:00:00.000Z`,
                  },
                  actor,
                );
            }
            for (const x of touches) {
              const at = `2024-05-${String(x.day).padStart(2, '0')}T08:15:00.000Z`;
              const by = x.byStaff ? chioma : actor;
              if (x.who < 0)
                await s.timeline.recordCall(
                  a.workspaceId,
                  { from: '0701 234 5678', direction: 'inbound', at, note: x.body },
                  by,
                );
              else
                await s.timeline.addInteraction(
                  a.workspaceId,
                  ids[x.who % ids.length] as string,
                  { kind: x.kind, direction: x.direction, body: x.body, occurredAt: at },
                  by,
                );
            }
            const before = await snapshot(a.workspaceId);

            // the CSV files, into an empty workspace (with a staff member of the same name) of another region:
            // each phone is the number its E.164 form says, not what "0803…" means in Britain
            const dir = tmpDir();
            await s.exports.exportCsv(a.workspaceId, dir);
            const b = await t.newWorkspace({ region: 'GB' });
            await staff(b.workspaceId);
            for (const f of files) {
              const r = await s.imports.runImport({ workspaceId: b.workspaceId, file: path.join(dir, f) });
              expect(r.rejections).toEqual([]);
            }
            expect(await snapshot(b.workspaceId)).toEqual(before);
            // again: nothing changes
            for (const f of files) {
              const r = await s.imports.runImport({ workspaceId: b.workspaceId, file: path.join(dir, f) });
              expect(r.counts).toMatchObject({
                customers: { created: 0, updated: 0 },
                orders: { created: 0 },
                rejected: 0,
              });
              expect(r.counts.interactions?.created ?? 0).toBe(0);
            }
            expect(await snapshot(b.workspaceId)).toEqual(before);

            // export.json, into another empty workspace
            const json = path.join(dir, 'export.json');
            const out = fs.createWriteStream(json);
            await s.exports.exportJson(a.workspaceId, out);
            await new Promise((r) => out.end(r));
            const c = await t.newWorkspace({ region: 'US' });
            await staff(c.workspaceId);
            const r = await s.imports.runImport({ workspaceId: c.workspaceId, file: json });
            expect(r.preset).toBe('rapport-json');
            expect(r.rejections).toEqual([]);
            expect(await snapshot(c.workspaceId)).toEqual(before);
            // and into the workspace it came from: everything is there already
            const home = await s.imports.runImport({ workspaceId: a.workspaceId, file: json });
            expect(home.counts).toMatchObject({
              customers: { created: 0, updated: 0 },
              orders: { created: 0 },
              rejected: 0,
            });
            expect(home.counts.interactions?.created ?? 0).toBe(0);
            expect(await snapshot(a.workspaceId)).toEqual(before);
          },
        ),
        { numRuns: 12 },
      );
    });
  });
}
