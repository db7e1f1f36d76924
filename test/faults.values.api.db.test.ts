import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../src/platform/db/ids.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Values that used to break pages (#11 Faults): amounts past every sane bound, NUL characters, made-up
 * currencies and dates, and a stored value too large to show.
 */
for (const dialect of DIALECTS) {
  describe(`bad values are refused at the edge, and a bad stored value takes no page down (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let workspaceId: string;
    let customerId: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth, workspaceId } = await t.newWorkspace());
      customerId = (
        await post('/api/v1/customers', { name: 'Funmi Lawal', phones: [{ number: '0802 222 3333' }] })
      ).json().id;
    });
    afterAll(() => t.closeAll());
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const order = (line: object, extra: object = {}) =>
      post('/api/v1/orders', { customerId, lines: [{ name: 'Bread', ...line }], ...extra });

    it('refuses amounts and quantities past the bounds with a 400 naming the field, and saves nothing', async () => {
      const before = (await get(`/api/v1/customers/${customerId}/orders`)).json().items.length;
      const cases: [object, object, string][] = [
        [{ quantity: 2, unitPrice: Number.MAX_SAFE_INTEGER }, {}, '/body/lines/0/unitPrice'],
        [{ quantity: 1e9, unitPrice: 100 }, {}, '/body/lines/0/quantity'],
        [{ quantity: 1, unitPrice: 100 }, { tax: 1e13 }, '/body/tax'],
        [{ quantity: 1, unitPrice: 100 }, { shipping: 1e13 }, '/body/shipping'],
        [{ quantity: 1, unitPrice: 100, discount: 1e13 }, {}, '/body/lines/0/discount'],
        [{ quantity: 1, unitPrice: 100.5 }, {}, '/body/lines/0/unitPrice'],
      ];
      for (const [line, extra, pointer] of cases) {
        const res = await order(line, extra);
        expect(res.statusCode, JSON.stringify(line)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().pointer).toBe(pointer);
      }
      // every amount within bounds, but the order's total past the largest total
      const many = Array.from({ length: 1000 }, () => ({
        name: 'Gold',
        quantity: 1_000_000,
        unitPrice: 1e12,
      }));
      const huge = await post('/api/v1/orders', { customerId, lines: many });
      expect(huge.statusCode).toBe(400);
      expect(huge.json().code).toBe('ORDER_TOTAL_TOO_LARGE');
      expect((await get(`/api/v1/customers/${customerId}/orders`)).json().items.length).toBe(before);
      // a refund past the bound is refused too
      const ok = await order({ quantity: 1, unitPrice: 100 });
      expect(ok.statusCode).toBe(201);
      const refund = await post(`/api/v1/orders/${ok.json().id}/refunds`, { amount: 1e16, reason: 'x' });
      expect(refund.statusCode).toBe(400);
    });

    it('a stored total too large to show takes no page down', async () => {
      // as left by versions before the bounds: 2 × 9,007,199,254,740,991
      const c = (
        await post('/api/v1/customers', { name: 'Big Spender', phones: [{ number: '0803 444 5555' }] })
      ).json();
      const id = newId();
      const at = nowIso();
      const big = 2 * Number.MAX_SAFE_INTEGER;
      await t.conn.db
        .insertInto('orders')
        .values({
          workspace_id: workspaceId,
          id,
          customer_id: c.id,
          number: 'X1',
          status: 'paid',
          currency: 'NGN',
          placed_at: at,
          channel: null,
          location: null,
          subtotal: big,
          discount: 0,
          tax: 0,
          shipping: 0,
          total: big,
          refunded: 0,
          cost: null,
          note: null,
          external_source: null,
          external_id: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await t.conn.db
        .insertInto('order_lines')
        .values({
          workspace_id: workspaceId,
          id: newId(),
          order_id: id,
          position: 0,
          sku: null,
          name: 'Gold',
          category: null,
          quantity: 2,
          unit_price: Number.MAX_SAFE_INTEGER,
          discount: 0,
          total: big,
          unit_cost: null,
        })
        .execute();
      for (const url of [
        '/api/v1/orders',
        `/api/v1/orders/${id}`,
        `/api/v1/customers/${c.id}/orders`,
        `/api/v1/customers/${c.id}/purchases`,
        `/api/v1/customers/${c.id}/card`,
        `/api/v1/customers/${c.id}`,
        `/api/v1/lookup?phone=${encodeURIComponent('0803 444 5555')}`,
        '/api/v1/analytics/revenue',
        '/api/v1/analytics/cohorts',
        '/api/v1/analytics/segments',
        '/api/v1/analytics/lifecycle',
        '/api/v1/complaints/summary',
      ]) {
        const res = await get(url);
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }
      const call = await post('/api/v1/calls', { from: '0803 444 5555' });
      expect(call.statusCode, call.body.slice(0, 300)).toBe(201);
    });

    it('strips NUL characters from every text input, the same on both databases', async () => {
      const res = await post('/api/v1/customers', {
        name: 'Ada\u0000 Obi',
        notes: 'likes\u0000 bread',
        phones: [{ number: '0805 111 2222' }],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().name).toBe('Ada Obi');
      const note = await post(`/api/v1/customers/${res.json().id}/interactions`, {
        kind: 'note',
        body: 'a\u0000b',
      });
      expect(note.statusCode).toBe(201);
      expect(note.json().body).toBe('ab');
      const search = await get(`/api/v1/customers?q=${encodeURIComponent('Ada\u0000')}`);
      expect(search.statusCode).toBe(200);
    });

    it('refuses currencies that are not ISO 4217 money, dates outside 1900–2200 and far-future interactions', async () => {
      for (const currency of ['XXX', 'ZZZ', 'ABC']) {
        const res = await order({ quantity: 1, unitPrice: 100 }, { currency });
        expect(res.statusCode, currency).toBe(400);
        expect(res.json().pointer).toBe('/body/currency');
      }
      expect((await order({ quantity: 1, unitPrice: 100 }, { currency: 'usd' })).statusCode).toBe(201);
      for (const placedAt of ['1899-12-31T00:00:00Z', '2201-01-01T00:00:00Z']) {
        const res = await order({ quantity: 1, unitPrice: 100 }, { placedAt });
        expect(res.statusCode, placedAt).toBe(400);
        expect(res.json().pointer).toBe('/body/placedAt');
      }
      for (const birthday of ['1850-01-01', '2300-05-05']) {
        const res = await post('/api/v1/customers', { name: 'Old Timer', birthday });
        expect(res.statusCode, birthday).toBe(400);
        expect(res.json().pointer).toBe('/body/birthday');
      }
      expect((await post('/api/v1/customers', { name: 'No Year', birthday: '--02-29' })).statusCode).toBe(
        201,
      );
      const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const far = await post(`/api/v1/customers/${customerId}/interactions`, {
        kind: 'call',
        body: 'Rang about the cake',
        occurredAt: future,
      });
      expect(far.statusCode).toBe(400);
      expect(far.json().pointer).toBe('/body/occurredAt');
      const soon = new Date(Date.now() + 3_600_000).toISOString();
      expect(
        (
          await post(`/api/v1/customers/${customerId}/interactions`, {
            kind: 'call',
            body: 'Rang back',
            occurredAt: soon,
          })
        ).statusCode,
      ).toBe(201);
      const call = await post('/api/v1/calls', { from: '0802 222 3333', at: future });
      expect(call.statusCode).toBe(400);
    });
  });
}
