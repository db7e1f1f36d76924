import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/platform/http/actor.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const system: Actor = { workspaceId: '', kind: 'cli', id: 'test', scopes: new Set(['write']) };
const NOW = new Date('2026-06-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const FILLERS = ['Rice', 'Beans', 'Garri', 'Yam', 'Palm oil', 'Sugar', 'Salt', 'Tea'];
/** Families: the first item, then the one people like them buy next. */
const FAMILIES = [
  ['Bread', 'Coconut cake'],
  ['Milk', 'Jam'],
  ['Eggs', 'Butter'],
];
type Order = {
  customer: number;
  at: string;
  lines: { name: string; unitPrice: number; unitCost?: number; category?: string }[];
};

/**
 * A shop with real co-purchase structure: 20 customers per family bought both items 300 and 250 days ago, 15 per
 * family bought the first 200 days ago and the second 30 days ago (the test window), and 60 customers bought 6
 * of 8 staples (more popular than anything else). Co-purchase finds the second item; popularity does not.
 */
function structured(): { customers: number; orders: Order[] } {
  const orders: Order[] = [];
  let c = 0;
  for (const [a, b] of FAMILIES) {
    for (let i = 0; i < 20; i++, c++)
      orders.push(
        { customer: c, at: daysAgo(300), lines: [{ name: a as string, unitPrice: 1000 }] },
        { customer: c, at: daysAgo(250), lines: [{ name: b as string, unitPrice: 3000 }] },
      );
    for (let i = 0; i < 15; i++, c++)
      orders.push(
        { customer: c, at: daysAgo(200), lines: [{ name: a as string, unitPrice: 1000 }] },
        { customer: c, at: daysAgo(30), lines: [{ name: b as string, unitPrice: 3000 }] },
      );
  }
  for (let i = 0; i < 60; i++, c++)
    orders.push({
      customer: c,
      at: daysAgo(280),
      lines: FILLERS.filter((_, j) => (i + j) % 4 !== 0).map((name) => ({ name, unitPrice: 500 })),
    });
  return { customers: c, orders };
}

for (const dialect of DIALECTS) {
  describe(`grow: suggestions, share of wallet, profitability (${dialect})`, () => {
    let t: TestApp;
    const now = NOW;
    let shop: Awaited<ReturnType<TestApp['newWorkspace']>>;
    let other: Awaited<ReturnType<TestApp['newWorkspace']>>;
    let ids: string[] = [];
    const req = async (method: string, url: string, body?: unknown, auth = shop.auth) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers: auth,
        ...(body !== undefined && { payload: body as object }),
      });
    const get = async (url: string, auth = shop.auth) => {
      const r = await req('GET', url, undefined, auth);
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    async function seed(ws: string, s: { customers: number; orders: Order[] }) {
      const out = await t.services.customers.createCustomers(
        ws,
        Array.from({ length: s.customers }, (_, i) => ({ name: `Customer ${i}` })),
        'test',
      );
      const inputs = s.orders.map((o) => ({
        refunded: 0,
        input: { customerId: out[o.customer], placedAt: o.at, lines: o.lines },
      }));
      await t.conn.db
        .transaction()
        .execute((trx) =>
          t.services.orders.importOrders(trx, ws, inputs as never, { ...system, workspaceId: ws }),
        );
      return out as string[];
    }

    beforeAll(async () => {
      t = await startTestApp(dialect, { clock: () => now });
      shop = await t.newWorkspace({ name: 'Corner Bakery' });
      other = await t.newWorkspace();
      ids = await seed(shop.workspaceId, structured());
    });
    afterAll(() => t.closeAll());

    it('says why there is nothing before a refit, then suggests the coconut cake to a bread buyer', async () => {
      const before = await get(`/api/v1/customers/${ids[20]}/suggestions`);
      expect(before).toMatchObject({
        suggestions: [],
        evaluated: null,
        hidden: expect.stringMatching(/No refit/),
      });
      await t.services.analytics.runRefit(shop.workspaceId, { trigger: 'manual' });
      // customer 20 bought bread 200 days ago and the cake 30 days ago: cake just bought, so not suggested
      const s = await get(`/api/v1/customers/${ids[20]}/suggestions`);
      expect(s.evaluated).toMatchObject({
        beatsBaseline: true,
        customers: 45,
        hitRate5: 1,
        baselineHitRate5: 0,
        seed: 20,
      });
      expect(s.evaluated.cutDate).toBe('2026-04-02');
      expect(s.suggestions.map((x: { name: string }) => x.name)).not.toContain('Coconut cake');
      // a new bread buyer: the cake first, because of the bread; then the most popular staples
      const fresh = (
        await t.services.customers.createCustomers(shop.workspaceId, [{ name: 'Ngozi' }], 'test')
      )[0];
      await req('POST', '/api/v1/orders', {
        customerId: fresh,
        placedAt: daysAgo(40),
        lines: [{ name: 'bread ', unitPrice: 1000 }],
      });
      const n = await get(`/api/v1/customers/${fresh}/suggestions`);
      expect(n.hidden).toBeNull();
      expect(n.suggestions[0]).toMatchObject({
        productKey: 'coconut cake',
        name: 'Coconut cake',
        basis: 'co-purchase',
        why: 'People who buy Bread also buy Coconut cake',
      });
      expect(n.suggestions).toHaveLength(5);
      expect(n.suggestions.slice(1).every((x: { basis: string }) => x.basis === 'popular')).toBe(true);
      // the same orders give the same evaluation; the older run's table is gone
      await t.services.analytics.runRefit(shop.workspaceId, { trigger: 'manual' });
      const runs = await t.conn.db
        .selectFrom('suggestion_runs')
        .select('id')
        .where('workspace_id', '=', shop.workspaceId)
        .execute();
      expect(runs).toHaveLength(1);
      const rows = await t.conn.db
        .selectFrom('suggestion_neighbours')
        .select('run_id')
        .distinct()
        .where('workspace_id', '=', shop.workspaceId)
        .execute();
      expect(rows).toEqual([{ run_id: runs[0]?.id }]);
      expect((await get(`/api/v1/customers/${fresh}/suggestions`)).evaluated).toEqual({
        ...n.evaluated,
        asOf: n.evaluated.asOf,
      });
    });

    it('hides suggestions when the time split has nobody to judge them by', async () => {
      const few = await seed(other.workspaceId, {
        customers: 3,
        orders: [0, 1, 2].map((customer) => ({
          customer,
          at: daysAgo(300),
          lines: [{ name: 'Bread', unitPrice: 1000 }],
        })),
      });
      await t.services.analytics.runRefit(other.workspaceId, { trigger: 'manual' });
      const r = await get(`/api/v1/customers/${few[0]}/suggestions`, other.auth);
      expect(r).toMatchObject({ suggestions: [], evaluated: { beatsBaseline: false, customers: 0 } });
      expect(r.hidden).toMatch(/Too few customers/);
      // another workspace's customer: 404
      expect(
        (await req('GET', `/api/v1/customers/${ids[0]}/suggestions`, undefined, other.auth)).statusCode,
      ).toBe(404);
    });

    it('profit per customer with the owner’s rates, by hand', async () => {
      const ws = shop.workspaceId;
      await req('POST', '/api/v1/products', {
        name: 'Croissant',
        price: 1000,
        cost: 400,
        category: 'Pastry',
      });
      const [ada, ben] = await t.services.customers.createCustomers(
        ws,
        [{ name: 'Ada' }, { name: 'Ben' }],
        'test',
      );
      // Ada: 2 croissants (product cost 400), a cake with its own cost 1,000 less 100 on the line, 200 off the order
      const o = await req('POST', '/api/v1/orders', {
        customerId: ada,
        placedAt: daysAgo(10),
        discount: 200,
        lines: [
          { name: 'Croissant', unitPrice: 1000, quantity: 2 },
          { name: 'Wedding cake', unitPrice: 3000, discount: 100, unitCost: 1000 },
        ],
      });
      expect(o.statusCode, o.body).toBe(201);
      // Ben: a tub of honey, no cost anywhere: 30 % default margin
      await req('POST', '/api/v1/orders', {
        customerId: ben,
        placedAt: daysAgo(5),
        lines: [{ name: 'Honey', unitPrice: 500 }],
      });
      const put = await req('PUT', '/api/v1/analytics/profitability/settings', {
        complaintMinutes: 30,
        hourlyRate: 2000,
      });
      expect(put.json()).toEqual({
        defaultMargin: 0.3,
        complaintMinutes: 30,
        hourlyRate: 2000,
        currency: 'NGN',
      });
      const k = await req('POST', '/api/v1/complaints', {
        customerId: ada,
        words: 'The cake was late',
        channel: 'phone',
        severity: 'medium',
      });
      expect(k.statusCode, k.body).toBe(201);
      const p = await get(`/api/v1/analytics/profitability?customerId=${ada}`);
      // 5,000 − 300 − (800 + 1,000) − 1 complaint × 30 min × 2,000/h = 1,900
      expect(p.customer).toMatchObject({
        name: 'Ada',
        revenue: 5000,
        discounts: 300,
        costOfGoods: 1800,
        costToServe: 1000,
        profit: 1900,
      });
      const b = await get(`/api/v1/analytics/profitability?customerId=${ben}`);
      expect(b.customer).toMatchObject({ profit: 150, linesWithoutCost: 1, estimatedCost: 350 });
      expect(b.linesWithoutCost).toBeGreaterThan(0);
      expect(b.topShare.customerShare).toBe(0.2);
      expect(b.pareto.at(-1)).toEqual({ customerShare: 1, profitShare: 1 });
      expect(
        (await req('GET', `/api/v1/analytics/profitability?customerId=${ids[0]}`, undefined, other.auth))
          .statusCode,
      ).toBe(404);
      const bad = await req('PUT', '/api/v1/analytics/profitability/settings', { defaultMargin: 2 });
      expect(bad.statusCode).toBe(400);
    });

    it('share of wallet: gaps against customers of the same segment and tenure', async () => {
      const g = await get('/api/v1/analytics/wallet-gaps?limit=5');
      expect(g.hidden).toBeNull();
      expect(g.minPeers).toBe(5);
      for (const gap of g.gaps) {
        expect(gap.gapMonthly).toBe(gap.peerMonthly - gap.ownMonthly);
        expect(gap.sentence).toContain(gap.category);
      }
      const none = await get('/api/v1/analytics/wallet-gaps', other.auth);
      expect(none.gaps).toEqual([]);
    });
  });
}
