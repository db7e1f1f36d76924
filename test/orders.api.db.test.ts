import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`orders (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let customerId: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth } = await t.newWorkspace());
      customerId = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: auth,
          payload: { name: 'Funmi Lawal', phones: [{ number: '0802 222 3333' }] },
        })
      ).json().id;
    });
    afterAll(() => t.closeAll());
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });

    it('records an order in minor units and computes its totals from the lines', async () => {
      const res = await post('/api/v1/orders', {
        customerId,
        number: '1001',
        placedAt: '2026-03-01T10:00:00Z',
        lines: [
          {
            sku: 'SD-1',
            name: 'Sourdough loaf',
            category: 'bread',
            quantity: 2,
            unitPrice: 250_000,
            unitCost: 90_000,
          },
          {
            name: 'Meat pie',
            category: 'pastry',
            quantity: 3,
            unitPrice: 80_000,
            discount: 10_000,
            unitCost: 30_000,
          },
        ],
        discount: 20_000,
        tax: 15_000,
        shipping: 50_000,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        currency: 'NGN',
        subtotal: 730_000,
        total: 775_000,
        cost: 270_000,
        refunded: 0,
        status: 'paid',
      });
      expect(res.json().lines).toHaveLength(2);
    });

    it('is idempotent on the external id, and validates', async () => {
      const body = {
        customerId,
        externalSource: 'shopify',
        externalId: '#5001',
        currency: 'jpy',
        placedAt: '2026-04-01T09:00:00Z',
        lines: [{ name: 'Matcha roll', unitPrice: 1200 }],
      };
      const first = await post('/api/v1/orders', body);
      const again = await post('/api/v1/orders', body);
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(first.json().id);
      expect(first.json()).toMatchObject({ currency: 'JPY', total: 1200 });
      expect((await post('/api/v1/orders', { customerId, lines: [] })).json().pointer).toBe('/body/lines');
      expect(
        (await post('/api/v1/orders', { customerId, lines: [{ name: 'x', unitPrice: 1.5 }] })).statusCode,
      ).toBe(400);
      expect(
        (await post('/api/v1/orders', { customerId: 'nobody', lines: [{ name: 'x', unitPrice: 1 }] }))
          .statusCode,
      ).toBe(404);
    });

    it('refunds with a reason, never beyond what was paid', async () => {
      const o = (
        await post('/api/v1/orders', {
          customerId,
          placedAt: '2026-05-01T09:00:00Z',
          lines: [{ name: 'Cake', unitPrice: 1_000_000 }],
        })
      ).json();
      expect((await post(`/api/v1/orders/${o.id}/refunds`, { amount: 100 })).json().pointer).toBe(
        '/body/reason',
      );
      const part = await post(`/api/v1/orders/${o.id}/refunds`, {
        amount: 400_000,
        reason: 'Cake arrived damaged',
      });
      expect(part.statusCode).toBe(201);
      expect(part.json()).toMatchObject({ refunded: 400_000, status: 'partially_refunded' });
      const over = await post(`/api/v1/orders/${o.id}/refunds`, { amount: 600_001, reason: 'too much' });
      expect(over.statusCode).toBe(409);
      expect(over.json().code).toBe('REFUND_EXCEEDS_TOTAL');
      expect(
        (
          await post(`/api/v1/orders/${o.id}/refunds`, {
            amount: 600_000,
            kind: 'return',
            reason: 'Returned',
          })
        ).json().status,
      ).toBe('refunded');
    });

    it('shows purchases on the timeline, the caller card and the customer summary', async () => {
      const summary = (await get(`/api/v1/customers/${customerId}/purchases`)).json();
      // NGN orders only: 775,000 + (1,000,000 − 1,000,000 refunded); the JPY order is another currency
      expect(summary).toMatchObject({
        currency: 'NGN',
        orderCount: 2,
        totalSpent: 775_000,
        firstPurchaseAt: '2026-03-01T10:00:00.000Z',
        lastPurchaseAt: '2026-05-01T09:00:00.000Z',
      });
      const card = (await get('/api/v1/lookup?phone=08022223333')).json();
      expect(card.purchases).toMatchObject({ orderCount: 2, totalSpent: 775_000 });
      const kinds = (await get(`/api/v1/customers/${customerId}/timeline?limit=20`))
        .json()
        .items.map((i: { kind: string }) => i.kind);
      expect(kinds).toEqual(expect.arrayContaining(['order', 'refund', 'return']));
      const mine = (await get(`/api/v1/customers/${customerId}/orders?limit=2`)).json();
      expect(mine.items).toHaveLength(2);
      expect(mine.items[0].placedAt >= mine.items[1].placedAt).toBe(true);
      const rest = (
        await get(`/api/v1/customers/${customerId}/orders?limit=2&cursor=${mine.nextCursor}`)
      ).json();
      expect(rest.items.length + mine.items.length).toBe(3); // NGN 1001, JPY #5001, the refunded cake
    });
  });
}
