import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/** Issue 14, the counter: products, sales (customer and walk-in), refunds, totals, timeline corrections, last digits. */
for (const dialect of DIALECTS) {
  describe(`the counter (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let workspaceId: string;
    let customerId: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth, workspaceId } = await t.newWorkspace());
      customerId = (
        await post('/api/v1/customers', { name: 'Bisi Adeyemi', phones: [{ number: '0803 225 5373' }] })
      ).json().id;
    });
    afterAll(() => t.closeAll());
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const patch = (url: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const del = (url: string) => t.app.inject({ method: 'DELETE', url, headers: auth });

    it('keeps a product list: add, refuse a second of the same name, edit, archive, bring back', async () => {
      const bread = await post('/api/v1/products', {
        name: 'Agege bread',
        price: 150_000,
        category: 'bread',
        cost: 60_000,
      });
      expect(bread.statusCode).toBe(201);
      expect(bread.json()).toMatchObject({
        name: 'Agege bread',
        price: 150_000,
        cost: 60_000,
        archived: false,
      });
      const again = await post('/api/v1/products', { name: '  agege   BREAD ', price: 1 });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('PRODUCT_NAME_TAKEN');
      const bad = await post('/api/v1/products', { name: '', price: -5 });
      expect(bad.statusCode).toBe(400);
      const id = bread.json().id as string;
      const edited = await patch(`/api/v1/products/${id}`, { price: 175_000, category: null });
      expect(edited.json()).toMatchObject({ price: 175_000, category: null });
      expect((await patch(`/api/v1/products/${id}`, { archived: true })).json().archived).toBe(true);
      expect((await get('/api/v1/products')).json().items.map((p: { name: string }) => p.name)).not.toContain(
        'Agege bread',
      );
      expect((await get('/api/v1/products?archived=only')).json().items).toHaveLength(1);
      expect((await patch(`/api/v1/products/${id}`, { archived: false })).json().archived).toBe(false);
      expect((await patch('/api/v1/products/nope', { price: 1 })).statusCode).toBe(404);
      const audit = await t.conn.db
        .selectFrom('audit_log')
        .select('action')
        .where('workspace_id', '=', workspaceId)
        .where('entity', '=', 'product')
        .where('entity_id', '=', id)
        .execute();
      expect(audit.map((a) => a.action).sort()).toEqual(['archive', 'create', 'unarchive', 'update']);
    });

    it('imports products from a CSV, reports refused rows by line, and a re-run changes nothing', async () => {
      const csv = [
        'name,price,category,cost',
        'Meat pie,800,pastry,300',
        ',500,pastry,',
        'Chin chin,abc,snacks,',
        'Doughnut,"1,200.50",pastry,',
        '',
        'Agege bread,1750,bread,600',
      ].join('\n');
      const r = await post('/api/v1/products/import', { csv });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({
        created: 2,
        updated: 1,
        unchanged: 0,
        rejected: [
          { line: 3, reason: 'No name' },
          { line: 4, reason: expect.stringContaining('not an amount') },
        ],
      });
      const again = (await post('/api/v1/products/import', { csv })).json();
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
      const list = (await get('/api/v1/products?q=pastry')).json().items;
      expect(list.map((p: { name: string; price: number }) => [p.name, p.price])).toEqual([
        ['Doughnut', 120_050],
        ['Meat pie', 80_000],
      ]);
      const noHeader = await post('/api/v1/products/import', { csv: 'Meat pie,800\n' });
      expect(noHeader.statusCode).toBe(400);
      expect(noHeader.json().code).toBe('PRODUCTS_CSV_HEADER');
    });

    it('records a sale for a customer: on the timeline, in the totals, with a refit scheduled', async () => {
      const pie = (await get('/api/v1/products?q=meat')).json().items[0];
      const sale = await post('/api/v1/sales', {
        customerId,
        items: [
          { productId: pie.id, quantity: 3 },
          { name: 'Zobo drink (1 L)', unitPrice: 50_000 },
        ],
        discount: 10_000,
        paymentMethod: 'transfer',
        note: 'for the office',
        key: 'sale-key-0001',
      });
      expect(sale.statusCode).toBe(201);
      expect(sale.json()).toMatchObject({
        customerId,
        channel: 'counter',
        paymentMethod: 'transfer',
        subtotal: 290_000,
        discount: 10_000,
        total: 280_000,
        cost: null,
        currency: 'NGN',
        lines: [
          { name: 'Meat pie', quantity: 3, unitPrice: 80_000, unitCost: 30_000, category: 'pastry' },
          { name: 'Zobo drink (1 L)', quantity: 1, unitPrice: 50_000 },
        ],
      });
      // the product typed at the counter joined the list with its price
      expect((await get('/api/v1/products?q=zobo')).json().items).toMatchObject([
        { name: 'Zobo drink (1 L)', price: 50_000 },
      ]);
      // a double tap: the same key answers the stored sale
      const twice = await post('/api/v1/sales', {
        customerId,
        items: [{ productId: pie.id }],
        paymentMethod: 'cash',
        key: 'sale-key-0001',
      });
      expect(twice.statusCode).toBe(200);
      expect(twice.json().id).toBe(sale.json().id);
      const timeline = (await get(`/api/v1/customers/${customerId}/timeline`)).json().items;
      expect(timeline[0]).toMatchObject({
        kind: 'order',
        body: expect.stringMatching(/^Sale at the counter: 2 items/),
      });
      const totals = (await get(`/api/v1/customers/${customerId}/totals`)).json();
      expect(totals).toMatchObject({
        orderCount: 1,
        totalSpent: 280_000,
        averageOrder: 280_000,
        currency: 'NGN',
      });
      expect(totals.customerSince).toBe(totals.firstPurchaseAt);
      const jobs = await t.conn.db
        .selectFrom('jobs')
        .select('kind')
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', 'analytics.refit')
        .execute();
      expect(jobs.length).toBe(1);
    });

    it('refuses a sale too large to record, and nothing typed with it joins the product list', async () => {
      const huge = await post('/api/v1/sales', {
        customerId: null,
        items: [{ name: 'Gold cake', unitPrice: 1_000_000_000_000, quantity: 2_000 }],
        paymentMethod: 'cash',
        key: 'too-large-sale-1',
      });
      expect(huge.statusCode).toBe(400);
      expect(huge.json()).toMatchObject({ code: 'ORDER_TOTAL_TOO_LARGE', pointer: '/body/items' });
      const price = await post('/api/v1/sales', {
        customerId: null,
        items: [{ name: 'Gold cake', unitPrice: Number.MAX_SAFE_INTEGER }],
        paymentMethod: 'cash',
        key: 'too-large-sale-2',
      });
      expect(price.statusCode).toBe(400);
      expect(price.json().pointer).toBe('/body/items/0/unitPrice');
      expect((await get('/api/v1/products?q=gold')).json().items).toEqual([]);
    });

    it('records a sale sent twice at once (same key) exactly once', async () => {
      const body = {
        customerId: null,
        items: [{ name: 'Buns', unitPrice: 10_000 }],
        paymentMethod: 'cash',
        key: 'parallel-sale-key-1',
      };
      const answers = await Promise.all([1, 2, 3, 4].map(() => post('/api/v1/sales', body)));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
      const stored = await t.conn.db
        .selectFrom('orders')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('external_id', '=', 'parallel-sale-key-1')
        .execute();
      expect(stored).toHaveLength(1);
    });

    it('refuses a sale of an unknown product or customer, with the pointer', async () => {
      const r = await post('/api/v1/sales', {
        customerId,
        items: [{ name: 'Fine', unitPrice: 1 }, { productId: 'nope' }],
        paymentMethod: 'cash',
      });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'PRODUCT_NOT_FOUND', pointer: '/body/items/1/productId' });
      const c = await post('/api/v1/sales', {
        customerId: 'nobody',
        items: [{ name: 'Ghost product', unitPrice: 1 }],
        paymentMethod: 'cash',
      });
      expect(c.statusCode).toBe(404);
      expect((await get('/api/v1/products?q=ghost')).json().items).toEqual([]);
      const m = await post('/api/v1/sales', { customerId: null, items: [], paymentMethod: 'cheque' });
      expect(m.statusCode).toBe(400);
    });

    it('records a walk-in sale (no customer), listed with the orders, and refunds it', async () => {
      const sale = await post('/api/v1/sales', {
        customerId: null,
        items: [{ name: 'Puff puff', unitPrice: 20_000, quantity: 5 }],
        paymentMethod: 'cash',
      });
      expect(sale.statusCode).toBe(201);
      expect(sale.json()).toMatchObject({ customerId: null, total: 100_000, paymentMethod: 'cash' });
      const orders = (await get('/api/v1/orders')).json().items;
      expect(orders.map((o: { id: string }) => o.id)).toContain(sale.json().id);
      const refund = await post(`/api/v1/orders/${sale.json().id}/refunds`, {
        amount: 20_000,
        kind: 'return',
        reason: 'one was cold',
      });
      expect(refund.statusCode).toBe(201);
      expect(refund.json()).toMatchObject({ refunded: 20_000, status: 'partially_refunded' });
    });

    it("refunds a customer's sale from the order: totals go down, the timeline says why", async () => {
      const order = (await get(`/api/v1/customers/${customerId}/orders`)).json().items[0];
      const r = await post(`/api/v1/orders/${order.id}/refunds`, { amount: 80_000, reason: 'pie was burnt' });
      expect(r.statusCode).toBe(201);
      const over = await post(`/api/v1/orders/${order.id}/refunds`, { amount: 500_000, reason: 'again' });
      expect(over.statusCode).toBe(409);
      const totals = (await get(`/api/v1/customers/${customerId}/totals`)).json();
      expect(totals).toMatchObject({ orderCount: 1, totalSpent: 200_000 });
      const timeline = (await get(`/api/v1/customers/${customerId}/timeline`)).json().items;
      expect(timeline[0]).toMatchObject({ kind: 'refund', body: expect.stringContaining('pie was burnt') });
    });

    it('dates "customer since" from the earliest contact or order, not the record', async () => {
      const c = (await post('/api/v1/customers', { name: 'Old Friend' })).json();
      expect((await get(`/api/v1/customers/${c.id}/totals`)).json()).toMatchObject({
        customerSince: c.createdAt,
        orderCount: 0,
        averageOrder: null,
        firstContactAt: null,
      });
      await post(`/api/v1/customers/${c.id}/interactions`, {
        kind: 'visit',
        body: 'first came in',
        occurredAt: '2019-05-01T09:00:00Z',
      });
      await post('/api/v1/orders', {
        customerId: c.id,
        placedAt: '2020-01-01T09:00:00Z',
        lines: [{ name: 'Cake', unitPrice: 1000 }],
      });
      expect((await get(`/api/v1/customers/${c.id}/totals`)).json()).toMatchObject({
        customerSince: '2019-05-01T09:00:00.000Z',
        firstPurchaseAt: '2020-01-01T09:00:00.000Z',
      });
      expect((await get('/api/v1/customers/nope/totals')).statusCode).toBe(404);
    });

    it('refuses an empty call or note, and corrects and deletes timeline entries (audited)', async () => {
      for (const kind of ['call', 'note'])
        for (const body of [undefined, '   ']) {
          const r = await post(`/api/v1/customers/${customerId}/interactions`, {
            kind,
            ...(body !== undefined && { body }),
          });
          expect(r.statusCode, `${kind} ${String(body)}`).toBe(400);
          expect(r.json().code).toBe('INTERACTION_EMPTY');
        }
      // the newest entry of all (later than the sales above; an entry may be dated up to a day ahead)
      const newest = new Date(Date.now() + 12 * 3_600_000).toISOString();
      const note = (
        await post(`/api/v1/customers/${customerId}/interactions`, {
          kind: 'note',
          body: 'Likes the crust well done',
          occurredAt: newest,
        })
      ).json();
      expect((await get(`/api/v1/customers/${customerId}`)).json().lastInteractionAt).toBe(newest);
      const edited = await patch(`/api/v1/interactions/${note.id}`, { body: 'Likes the crust soft' });
      expect(edited.statusCode).toBe(200);
      expect(edited.json()).toMatchObject({ body: 'Likes the crust soft', kind: 'note' });
      expect((await patch(`/api/v1/interactions/${note.id}`, { body: '  ' })).statusCode).toBe(400);
      expect((await patch(`/api/v1/interactions/${note.id}`, {})).statusCode).toBe(400);
      // an order's entry is changed where it comes from
      const orderEntry = (await get(`/api/v1/customers/${customerId}/timeline?limit=100`))
        .json()
        .items.find((i: { kind: string }) => i.kind === 'order');
      expect((await patch(`/api/v1/interactions/${orderEntry.id}`, { body: 'x' })).statusCode).toBe(409);
      expect((await del(`/api/v1/interactions/${orderEntry.id}`)).statusCode).toBe(409);
      expect((await del(`/api/v1/interactions/${note.id}`)).statusCode).toBe(204);
      expect((await del(`/api/v1/interactions/${note.id}`)).statusCode).toBe(404);
      const items = (await get(`/api/v1/customers/${customerId}/timeline?limit=100`)).json().items;
      expect(items.map((i: { id: string }) => i.id)).not.toContain(note.id);
      // the last contact is read again without the deleted note
      expect((await get(`/api/v1/customers/${customerId}`)).json().lastInteractionAt).not.toBe(newest);
      const audit = await t.conn.db
        .selectFrom('audit_log')
        .select(['action', 'data'])
        .where('workspace_id', '=', workspaceId)
        .where('entity', '=', 'interaction')
        .where('entity_id', '=', note.id)
        .orderBy('at')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
      expect(JSON.stringify(audit[1]?.data)).toContain('Likes the crust well done');
    });

    it("puts an unknown caller's call on the new customer's timeline, once", async () => {
      const call = (await post('/api/v1/calls', { from: '0701 111 2222' })).json();
      expect(call.customer).toBeNull();
      const c = (
        await post('/api/v1/customers', { name: 'New Caller', phones: [{ number: '0701 111 2222' }] })
      ).json();
      const claimed = await post(`/api/v1/calls/${call.interaction.id}/claim`, { customerId: c.id });
      expect(claimed.statusCode).toBe(200);
      expect(claimed.json()).toMatchObject({ customerId: c.id, kind: 'call' });
      const timeline = (await get(`/api/v1/customers/${c.id}/timeline`)).json().items;
      expect(timeline.map((i: { id: string }) => i.id)).toEqual([call.interaction.id]);
      const [a, b] = await Promise.all([
        post(`/api/v1/calls/${call.interaction.id}/claim`, { customerId }),
        post(`/api/v1/calls/${call.interaction.id}/claim`, { customerId }),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([409, 409]);
      expect((await post('/api/v1/calls/nope/claim', { customerId })).statusCode).toBe(404);
    });

    it('finds a customer by the last digits of their phone', async () => {
      for (const q of ['5373', '225 5373', '225-5373', '08032255373', '+234 803 225 5373']) {
        const items = (await get(`/api/v1/customers?q=${encodeURIComponent(q)}`)).json().items;
        expect(
          items.map((i: { id: string }) => i.id),
          q,
        ).toContain(customerId);
      }
      expect((await get('/api/v1/customers?q=9999')).json().items).toEqual([]);
      // an index range, not a scan (PostgreSQL's plan on a million rows: bench/phone-suffix.ts)
      if (dialect === 'sqlite') {
        const plan = await sql<{
          detail: string;
        }>`EXPLAIN QUERY PLAN SELECT DISTINCT customer_id FROM customer_phones
          WHERE workspace_id = 'w' AND digits_reversed >= '3735' AND digits_reversed < '3736'`.execute(
          t.conn.db,
        );
        expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(
          /USING COVERING INDEX customer_phones_suffix/,
        );
      }
      // a changed phone is found by its new digits, not the old
      await patch(`/api/v1/customers/${customerId}`, { phones: [{ number: '0809 000 4411' }] });
      expect((await get('/api/v1/customers?q=4411')).json().items.map((i: { id: string }) => i.id)).toEqual([
        customerId,
      ]);
      expect((await get('/api/v1/customers?q=5373')).json().items).toEqual([]);
    });
  });
}
