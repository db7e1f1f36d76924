import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createDemo } from '../src/cli/demo.ts';
import { simulateBgNbdLog } from '../src/stats/index.ts';
import { createAnalyticsService } from '../src/modules/analytics/index.ts';
import type { Actor } from '../src/platform/http/actor.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * One definition of "at risk" and "lapsed", checked against the numbers every screen shows beside the label:
 * P(alive), expected purchases next year, and the customer's own rhythm (purchase days, first and last
 * purchase). The rule is written out here independently of src/stats/rfm.ts, as the page explains it.
 */
const NOW = new Date('2025-06-30T18:00:00Z');
const DAY = 86_400_000;
const system: Actor = { workspaceId: '', kind: 'cli', id: 'test', scopes: new Set(['write']) };

type Row = {
  customer_id: string;
  lifecycle_stage: string;
  p_alive: number | string | null;
  expected_365: number | string | null;
  purchases: number | string;
  first_purchase_on: string;
  last_purchase_on: string;
};

const epochDay = (ymd: string) => Math.round(Date.parse(`${ymd}T00:00:00Z`) / DAY);

/** What the rule says a customer is, from the numbers shown: 'at risk', 'lapsed' or 'neither'. */
function expectedStatus(r: Row, today: number): 'at risk' | 'lapsed' | 'neither' {
  const n = Number(r.purchases);
  const last = epochDay(r.last_purchase_on);
  const silent = today - last;
  const gap = n >= 2 ? (last - epochDay(r.first_purchase_on)) / (n - 1) : NaN;
  const modelled = r.p_alive !== null;
  const pct = modelled ? Math.round(Number(r.p_alive) * 100) : NaN; // as the page shows it
  const e365 = Math.round(Number(r.expected_365 ?? 0) * 10) / 10;
  const longSilent = n < 2 ? silent > 365 : silent >= 3 * gap;
  const overdue = n < 2 ? silent > 90 : silent >= 1.5 * gap;
  if (longSilent && (!modelled || (pct < 20 && e365 < 1))) return 'lapsed';
  if (overdue && (!modelled || pct < 60)) return 'at risk';
  return 'neither';
}

async function checkWorkspace(t: TestApp, ws: string, auth: { authorization: string }, now: Date) {
  const rows = (await t.conn.db
    .selectFrom('customer_predictions')
    .select([
      'customer_id',
      'lifecycle_stage',
      'p_alive',
      'expected_365',
      'purchases',
      'first_purchase_on',
      'last_purchase_on',
    ])
    .where('workspace_id', '=', ws)
    .execute()) as Row[];
  const today = epochDay(DateTime.fromJSDate(now).setZone('Africa/Lagos').toISODate() as string);
  const count = { 'at risk': 0, lapsed: 0 };
  for (const r of rows) {
    const want = expectedStatus(r, today);
    const got =
      r.lifecycle_stage === 'at risk' || r.lifecycle_stage === 'lapsed' ? r.lifecycle_stage : 'neither';
    expect({ id: r.customer_id, status: got }).toEqual({ id: r.customer_id, status: want });
    if (got !== 'neither') count[got]++;
    // never "lapsed" while a purchase is still expected within the year
    if (got === 'lapsed' && r.expected_365 !== null) expect(Number(r.expected_365)).toBeLessThan(1.05);
  }
  // the rule is not vacuous on this workspace
  expect(count['at risk']).toBeGreaterThan(0);
  expect(count.lapsed).toBeGreaterThan(0);

  // the lists hold exactly the customers with that label, page by page through the cursor
  for (const [path, stage] of [
    ['at-risk', 'at risk'],
    ['lapsed', 'lapsed'],
  ] as const) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let total: number | null = null;
    let pages = 0;
    do {
      const qs: string = `limit=${pages === 0 ? 7 : 500}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/analytics/customers/${path}?${qs}`,
        headers: auth,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as {
        items: { customerId: string; lifecycleStage: string; pAlive: number | null }[];
        total: number;
        nextCursor: string | null;
      };
      for (const i of body.items) {
        expect(i.lifecycleStage).toBe(stage);
        if (i.pAlive !== null) expect(Math.round(i.pAlive * 100)).toBeLessThan(stage === 'lapsed' ? 20 : 60);
        seen.push(i.customerId);
      }
      total = body.total;
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(count[stage]);
    expect(total).toBe(count[stage]);
  }
}

for (const dialect of DIALECTS) {
  describe(`one rule for at risk and lapsed (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    }, 60_000);
    afterAll(() => t.closeAll());

    it('a shop with known histories: every label agrees with the numbers, and the lists page', async () => {
      const shop = await t.newWorkspace();
      const ws = shop.workspaceId;
      const today = Math.floor(NOW.getTime() / DAY);
      const log = simulateBgNbdLog(
        { r: 0.5, alpha: 20, a: 0.6, b: 3 },
        {
          customers: 600,
          startDay: today - 540,
          cohortDays: 180,
          horizonDays: 540,
          unitDays: 1,
          spend: { p: 6, q: 4, gamma: 3000 },
          seed: 7,
        },
      );
      const ids = await t.services.customers.createCustomers(
        ws,
        Array.from({ length: 603 }, (_, i) => ({ name: `Customer ${i}` })),
        'test',
      );
      const at = (day: number) => new Date(day * DAY + 12 * 3_600_000).toISOString();
      const orders = Array.from(log.day, (day, i) => ({
        customerId: ids[log.customerId[i] as number] as string,
        day,
      }));
      // three customers the old rule got wrong: a heavy buyer silent a while (still expected to buy),
      // a fortnightly regular 10 weeks late, a one-time buyer from a year and a half ago
      for (let d = today - 200; d < today - 60; d += 2)
        orders.push({ customerId: ids[600] as string, day: d });
      for (let d = today - 400; d < today - 70; d += 14)
        orders.push({ customerId: ids[601] as string, day: d });
      orders.push({ customerId: ids[602] as string, day: today - 540 });
      const inputs = orders.map((o) => ({
        refunded: 0,
        input: { customerId: o.customerId, placedAt: at(o.day), lines: [{ name: 'Bread', unitPrice: 1500 }] },
      }));
      for (let i = 0; i < inputs.length; i += 1000)
        await t.conn.db.transaction().execute((trx) =>
          t.services.orders.importOrders(trx, ws, inputs.slice(i, i + 1000), {
            ...system,
            workspaceId: ws,
          }),
        );
      const analytics = createAnalyticsService({
        db: t.conn.db,
        dialect,
        workspaces: t.services.workspaces,
        customers: t.services.customers,
        queue: t.services.queue,
        clock: () => NOW,
      });
      expect((await analytics.runRefit(ws, { trigger: 'manual' })).status).toBe('done');
      await checkWorkspace(t, ws, shop.auth, NOW);

      const heavy = (await analytics.getCustomerPrediction(ws, ids[600] as string)) as {
        lifecycleStage: string;
        expectedPurchases: { days365: number };
      };
      if (heavy.expectedPurchases.days365 >= 1) expect(heavy.lifecycleStage).not.toBe('lapsed');

      // clicking a segment's bar lists exactly its customers, page by page
      const segments = (
        await t.app.inject({ method: 'GET', url: '/api/v1/analytics/segments', headers: shop.auth })
      ).json() as { segments: { segment: string; customers: number }[] };
      const champions = segments.segments.find((g) => g.segment === 'champions');
      expect(champions?.customers).toBeGreaterThan(10);
      const members: string[] = [];
      let next: string | null = null;
      do {
        const qs: string = `segment=champions&limit=10${next ? `&cursor=${encodeURIComponent(next)}` : ''}`;
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/v1/analytics/customers?${qs}`,
          headers: shop.auth,
        });
        expect(res.statusCode).toBe(200);
        const body = res.json() as {
          items: { customerId: string; segment: string }[];
          nextCursor: string | null;
        };
        for (const i of body.items) {
          expect(i.segment).toBe('champions');
          members.push(i.customerId);
        }
        next = body.nextCursor;
      } while (next);
      expect(new Set(members).size).toBe(champions?.customers);
      const both = await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics/customers?segment=champions&stage=lapsed',
        headers: shop.auth,
      });
      expect(both.statusCode).toBe(400);

      const bad = await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics/customers/at-risk?cursor=zz',
        headers: shop.auth,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toMatch(/problem\+json/);
    }, 120_000);

    it('the demo workspace: every label agrees with the numbers beside it', async () => {
      const { workspace } = await createDemo(t.services, t.conn.db, { customers: 300, log: () => {} });
      const { key } = await t.services.access.createApiKey(
        workspace.id,
        { name: 'test', scopes: ['read'] },
        'test',
      );
      const now = new Date();
      const analytics = createAnalyticsService({
        db: t.conn.db,
        dialect,
        workspaces: t.services.workspaces,
        customers: t.services.customers,
        queue: t.services.queue,
        clock: () => now,
      });
      expect((await analytics.runRefit(workspace.id, { trigger: 'manual' })).status).toBe('done');
      await checkWorkspace(t, workspace.id, { authorization: `Bearer ${key}` }, now);
    }, 180_000);
  });
}
