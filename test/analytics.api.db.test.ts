import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateBgNbdLog } from '../src/stats/index.ts';
import { createAnalyticsService, REFIT_JOB, type AnalyticsService } from '../src/modules/analytics/index.ts';
import { newId } from '../src/platform/db/ids.ts';
import type { Actor } from '../src/platform/http/actor.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/** "Now" of the refits in this file: every date below is relative to it. */
const NOW = new Date('2025-06-30T18:00:00Z');
const TODAY = Math.floor(NOW.getTime() / 86_400_000);
/** The process the shop's customers follow (BG/NBD, per day), and their spend (Gamma-Gamma, minor units). */
const TRUTH = { r: 0.5, alpha: 20, a: 0.6, b: 3 };
const SPEND = { p: 6, q: 4, gamma: 3000 };
const N = 1500;
const system: Actor = { workspaceId: '', kind: 'cli', id: 'test', scopes: new Set(['write']) };

/** A workspace whose N customers bought as the model says over 18 months; returns the customer ids. */
async function seedShop(t: TestApp, ws: string, n: number, seed: number): Promise<string[]> {
  const log = simulateBgNbdLog(TRUTH, {
    customers: n,
    startDay: TODAY - 540,
    cohortDays: 180,
    horizonDays: 540,
    unitDays: 1,
    spend: SPEND,
    seed,
  });
  const ids = await t.services.customers.createCustomers(
    ws,
    Array.from({ length: n }, (_, i) => ({ name: `Customer ${i}` })),
    'test',
  );
  const inputs = Array.from(log.day, (day, i) => ({
    refunded: 0,
    input: {
      customerId: ids[log.customerId[i] as number],
      placedAt: new Date(day * 86_400_000 + 12 * 3_600_000).toISOString(),
      lines: [{ name: 'Goods', unitPrice: Math.max(1, Math.round(log.amount[i] as number)) }],
    },
  }));
  for (let i = 0; i < inputs.length; i += 1000)
    await t.conn.db
      .transaction()
      .execute((trx) =>
        t.services.orders.importOrders(trx, ws, inputs.slice(i, i + 1000), { ...system, workspaceId: ws }),
      );
  return ids;
}

for (const dialect of DIALECTS) {
  describe(`predictions and insights (${dialect})`, () => {
    let t: TestApp;
    let analytics: AnalyticsService;
    let shop: Awaited<ReturnType<TestApp['newWorkspace']>>;
    let ids: string[];
    let noOrders: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      analytics = createAnalyticsService({
        db: t.conn.db,
        dialect,
        workspaces: t.services.workspaces,
        customers: t.services.customers,
        queue: t.services.queue,
        clock: () => NOW,
      });
      shop = await t.newWorkspace();
      ids = await seedShop(t, shop.workspaceId, N, 1);
      noOrders = (
        await t.services.customers.createCustomer(shop.workspaceId, { name: 'Window Shopper' }, 'test')
      ).id;
    }, 120_000);
    afterAll(() => t.closeAll());
    const get = (url: string, auth = shop.auth) => t.app.inject({ method: 'GET', url, headers: auth });

    it('before any refit: predictions say so, insight charts are empty, the latest run is 404', async () => {
      const p = await get(`/api/v1/customers/${ids[0]}/predictions`);
      expect(p.statusCode).toBe(200);
      expect(p.json()).toMatchObject({ status: 'no_run', pAlive: null, clv12m: null, runId: null });
      expect(p.json().reason).toMatch(/not been computed/);
      expect((await get('/api/v1/analytics/runs/latest')).statusCode).toBe(404);
      expect((await get('/api/v1/analytics/segments')).json()).toMatchObject({ runId: null, segments: [] });
    });

    it('orders changing schedule one debounced refit job a minute later', async () => {
      const before = Date.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: shop.auth,
        payload: {
          customerId: noOrders,
          placedAt: '2025-07-05T10:00:00Z',
          lines: [{ name: 'Later', unitPrice: 5 }],
        },
      });
      expect(res.statusCode).toBe(201);
      await new Promise((r) => setTimeout(r, 100));
      const jobs = await t.services.queue.list(shop.workspaceId, REFIT_JOB, 10);
      // the 1,000-order import batches and this order: one job per minute (two if a minute turned meanwhile)
      expect(jobs.length).toBeGreaterThanOrEqual(1);
      expect(jobs.length).toBeLessThanOrEqual(2);
      expect(Date.parse((jobs[0] as { runAt: string }).runAt)).toBeGreaterThanOrEqual(before + 50_000);
      expect(jobs[0]?.payload).toEqual({ trigger: 'orders' });
    });

    it('a refit scores every customer with orders and recovers the parameters of the process', async () => {
      const out = await analytics.runRefit(shop.workspaceId, { trigger: 'manual' });
      expect(out).toMatchObject({ status: 'done', customers: N });
      const run = (await get('/api/v1/analytics/runs/latest')).json();
      expect(run).toMatchObject({
        status: 'done',
        model: 'paretonbd',
        customers: N,
        asOf: NOW.toISOString(),
      });
      const bg = run.parameters.bgnbd;
      expect(bg.r).toBeGreaterThan(TRUTH.r * 0.85);
      expect(bg.r).toBeLessThan(TRUTH.r * 1.15);
      expect(bg.alpha).toBeGreaterThan(TRUTH.alpha * 0.8);
      expect(bg.alpha).toBeLessThan(TRUTH.alpha * 1.2);
      const dropout = bg.a / (bg.a + bg.b);
      expect(dropout).toBeGreaterThan(0.8 * (TRUTH.a / (TRUTH.a + TRUTH.b)));
      expect(dropout).toBeLessThan(1.2 * (TRUTH.a / (TRUTH.a + TRUTH.b)));
      const gg = run.parameters.gammagamma;
      const meanSpend = (SPEND.p * SPEND.gamma) / (SPEND.q - 1);
      expect((gg.p * gg.gamma) / (gg.q - 1)).toBeGreaterThan(meanSpend * 0.8);
      expect((gg.p * gg.gamma) / (gg.q - 1)).toBeLessThan(meanSpend * 1.2);
      expect(run.logLikelihood).toBeLessThan(0);
      expect(run.diagnostics.fits.paretonbd.converged).toBe(true);
      // the holdout chart: actual vs predicted by calibration purchases, and the totals agree within 25 %
      const h = run.diagnostics.holdout;
      expect(h.groups.map((g: { purchases: string }) => g.purchases)).toEqual([
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7+',
      ]);
      expect(h.totalPredicted / h.totalActual).toBeGreaterThan(0.75);
      expect(h.totalPredicted / h.totalActual).toBeLessThan(1.25);
      for (const k of ['readMs', 'fitMs', 'scoreMs', 'storeMs', 'totalMs'])
        expect(run.timings[k]).toBeGreaterThanOrEqual(0);

      const rows = await t.conn.db
        .selectFrom('customer_predictions')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('workspace_id', '=', shop.workspaceId)
        .where('run_id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(N);
    });

    it("answers a customer's predictions: P(alive), forecasts, CLV, segment, rhythm", async () => {
      let best: { clv12m: number } | undefined;
      for (const id of ids.slice(0, 40)) {
        const p = (await get(`/api/v1/customers/${id}/predictions`)).json();
        expect(p.status).toBe('ready');
        expect(p.pAlive).toBeGreaterThanOrEqual(0);
        expect(p.pAlive).toBeLessThanOrEqual(1);
        expect(p.expectedPurchases.days30).toBeLessThanOrEqual(p.expectedPurchases.days90);
        expect(p.expectedPurchases.days90).toBeLessThanOrEqual(p.expectedPurchases.days365);
        expect(p.pBuyWithin.days30).toBeLessThanOrEqual(p.pBuyWithin.days90);
        expect(p.clv12m).toBeGreaterThanOrEqual(0);
        expect(p.currency).toBe('NGN');
        expect(p.rfm.segment).toBeTruthy();
        expect(p.explanation).toMatch(/^(Bought once|Buys about every|Bought \d+ times)/);
        if (!best || p.clv12m > best.clv12m) best = p;
      }
      expect(best?.clv12m).toBeGreaterThan(0);
      // a one-time buyer silent for over a year is not "100 % alive" (the Pareto/NBD default)
      const lapsed = (await get('/api/v1/analytics/customers/lapsed?limit=500')).json();
      const once = lapsed.items.find((i: { explanation: string }) => i.explanation.startsWith('Bought once'));
      expect(once.pAlive).toBeLessThan(0.5);
      // the order placed after the refit's "now" is not counted; a customer without orders has no prediction
      expect((await get(`/api/v1/customers/${noOrders}/predictions`)).json()).toMatchObject({
        status: 'no_purchases',
        pAlive: null,
      });
    });

    it('serves the insight charts from the run: segments, funnel, cohorts, revenue, customer lists', async () => {
      const seg = (await get('/api/v1/analytics/segments')).json();
      expect(seg.segments.reduce((s: number, g: { customers: number }) => s + g.customers, 0)).toBe(N);
      expect(seg.grid).toHaveLength(25);
      expect(seg.segments.every((g: { clv12m: number | null }) => g.clv12m !== null)).toBe(true);
      const life = (await get('/api/v1/analytics/lifecycle')).json();
      expect(life.funnel.map((f: { customers: number }) => f.customers)[0]).toBe(N);
      const [once, twice, loyal] = life.funnel.map((f: { customers: number }) => f.customers);
      expect(once).toBeGreaterThanOrEqual(twice);
      expect(twice).toBeGreaterThanOrEqual(loyal);
      const co = (await get('/api/v1/analytics/cohorts')).json();
      expect(co.cohorts.length).toBeGreaterThanOrEqual(6);
      expect(co.cohorts[0].retention[0]).toBe(1);
      expect(co.cohorts[0].retention[1]).toBeLessThan(1);
      const rev = (await get('/api/v1/analytics/revenue')).json();
      expect(rev.months).toHaveLength(24);
      const total = rev.months.reduce(
        (s: number, m: { newRevenue: number; returningRevenue: number }) =>
          s + m.newRevenue + m.returningRevenue,
        0,
      );
      expect(total).toBe(seg.segments.reduce((s: number, g: { totalSpent: number }) => s + g.totalSpent, 0));
      const atRisk = (await get('/api/v1/analytics/customers/at-risk?limit=20')).json();
      expect(atRisk.items.length).toBeGreaterThan(0);
      const values = atRisk.items.map((i: { valueAtStake: number }) => i.valueAtStake);
      expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
      expect(atRisk.items[0].name).toMatch(/^Customer /);
      const rising = (await get('/api/v1/analytics/customers/rising')).json();
      for (const i of rising.items) {
        expect(i.trend).toBe('rising');
        expect(['at risk', 'lapsed']).not.toContain(i.lifecycleStage);
      }
    });

    it("keeps each run's lists in the order of the values its predictions store", async () => {
      const run = (await get('/api/v1/analytics/runs/latest')).json();
      const lists = [
        ['at-risk', 'lifecycle_stage', 'at risk', 'value_at_stake'],
        ['lapsed', 'lifecycle_stage', 'lapsed', 'value_at_stake'],
        ['rising', 'trend', 'rising', 'trend_slope'],
      ] as const;
      for (const [path, column, value, orderBy] of lists) {
        const api = (await get(`/api/v1/analytics/customers/${path}?limit=500`)).json();
        const rows = await t.conn.db
          .selectFrom('customer_predictions')
          .select('customer_id')
          .where('workspace_id', '=', shop.workspaceId)
          .where('run_id', '=', run.id)
          .where(column, '=', value)
          // rising: still buying (someone at risk or lapsed is not rising, whatever their trend)
          .$if(path === 'rising', (q) => q.where('lifecycle_stage', 'not in', ['at risk', 'lapsed']))
          .orderBy(orderBy, 'desc')
          .orderBy('customer_id')
          .limit(500)
          .execute();
        expect(rows.length).toBeGreaterThan(0);
        expect(api.items.map((i: { customerId: string }) => i.customerId)).toEqual(
          rows.map((r) => r.customer_id),
        );
      }
    });

    it('readers see the newest finished run only; a refit then deletes the older runs', async () => {
      const before = (await get(`/api/v1/customers/${ids[0]}/predictions`)).json();
      // a refit still writing (or one that crashed): its rows are invisible
      const running = newId();
      await t.conn.db
        .insertInto('prediction_runs')
        .values({
          workspace_id: shop.workspaceId,
          id: running,
          status: 'running',
          trigger: 'manual',
          model: 'paretonbd',
          as_of: NOW.toISOString(),
          currency: 'NGN',
          parameters: '{}',
          log_likelihood: null,
          diagnostics: '{}',
          insights: '{}',
          customers: 0,
          timings: '{}',
          reason: null,
          error: null,
          created_at: new Date(NOW.getTime() + 1000).toISOString(),
          finished_at: null,
        })
        .execute();
      const current = await t.conn.db
        .selectFrom('customer_predictions')
        .selectAll()
        .where('workspace_id', '=', shop.workspaceId)
        .where('run_id', '=', before.runId)
        .where('customer_id', '=', ids[0] as string)
        .executeTakeFirstOrThrow();
      await t.conn.db
        .insertInto('customer_predictions')
        .values({ ...current, run_id: running, explanation: 'half-written' })
        .execute();
      await t.conn.db
        .insertInto('prediction_lists')
        .values({
          workspace_id: shop.workspaceId,
          run_id: running,
          list: 'at_risk',
          position: 1,
          customer_id: ids[0] as string,
        })
        .execute();
      expect((await get(`/api/v1/customers/${ids[0]}/predictions`)).json()).toEqual(before);
      const atRisk = (await get('/api/v1/analytics/customers/at-risk?limit=500')).json();
      expect(atRisk.runId).toBe(before.runId);
      expect(atRisk.items.some((i: { explanation: string }) => i.explanation === 'half-written')).toBe(false);

      const out = await analytics.runRefit(shop.workspaceId, { trigger: 'manual' });
      const after = (await get(`/api/v1/customers/${ids[0]}/predictions`)).json();
      expect(after.runId).toBe(out.runId);
      expect(after.explanation).toBe(before.explanation);
      expect(out.timings.cleanupMs).toBeGreaterThanOrEqual(0);
      const left = await t.conn.db
        .selectFrom('customer_predictions')
        .select(['run_id', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('workspace_id', '=', shop.workspaceId)
        .groupBy('run_id')
        .execute();
      expect(left.map((r) => [r.run_id, Number(r.n)])).toEqual([[out.runId, N]]);
      const lists = await t.conn.db
        .selectFrom('prediction_lists')
        .select('run_id')
        .distinct()
        .where('workspace_id', '=', shop.workspaceId)
        .execute();
      expect(lists.map((r) => r.run_id)).toEqual([out.runId]);
    });

    it('the caller card shows the prediction', async () => {
      const card = (await get(`/api/v1/customers/${ids[0]}/card`)).json();
      expect(card.prediction).toMatchObject({ currency: 'NGN' });
      expect(card.prediction.explanation).toBeTruthy();
      expect(card.prediction.segment).toBeTruthy();
    });

    it('a workspace with too little data gets RFM and lifecycle, no forecasts, and no crash', async () => {
      const small = await t.newWorkspace();
      const smallIds = await seedShop(t, small.workspaceId, 8, 2);
      const out = await analytics.runRefit(small.workspaceId, { trigger: 'manual' });
      expect(out.status).toBe('insufficient_data');
      const run = (await get('/api/v1/analytics/runs/latest', small.auth)).json();
      expect(run).toMatchObject({ status: 'insufficient_data', parameters: {}, logLikelihood: null });
      expect(run.reason).toMatch(/at least 20 customers/);
      const p = (await get(`/api/v1/customers/${smallIds[0]}/predictions`, small.auth)).json();
      expect(p).toMatchObject({
        status: 'descriptive_only',
        pAlive: null,
        clv12m: null,
        expectedPurchases: null,
      });
      expect(p.rfm.r).toBeGreaterThanOrEqual(1);
      expect(p.lifecycleStage).toBeTruthy();
      const seg = (await get('/api/v1/analytics/segments', small.auth)).json();
      expect(seg.segments.every((g: { clv12m: number | null }) => g.clv12m === null)).toBe(true);
      // customers who all buy like clockwork: the models cannot tell how people differ — no made-up fit
      const clockwork = await t.newWorkspace();
      const cids = await t.services.customers.createCustomers(
        clockwork.workspaceId,
        Array.from({ length: 30 }, (_, i) => ({ name: `Regular ${i}` })),
        'test',
      );
      const orders = cids.flatMap((customerId, i) =>
        Array.from({ length: 1 + (i % 4) }, (_, k) => ({
          refunded: 0,
          input: {
            customerId,
            placedAt: new Date((TODAY - 10 - 40 * k - i) * 86_400_000).toISOString(),
            lines: [{ name: 'Bread', unitPrice: 1500 }],
          },
        })),
      );
      await t.conn.db.transaction().execute((trx) =>
        t.services.orders.importOrders(trx, clockwork.workspaceId, orders, {
          ...system,
          workspaceId: clockwork.workspaceId,
        }),
      );
      expect(await analytics.runRefit(clockwork.workspaceId, { trigger: 'manual' })).toMatchObject({
        status: 'insufficient_data',
        customers: 30,
      });
      const cw = (await get('/api/v1/analytics/runs/latest', clockwork.auth)).json();
      expect(cw.reason).toMatch(/edge of its parameters/);
      // and an empty workspace
      const empty = await t.newWorkspace();
      expect((await analytics.runRefit(empty.workspaceId, { trigger: 'nightly' })).status).toBe(
        'insufficient_data',
      );
    });

    it('refits on request (admin, 202, once a minute), settings change the CLV, other workspaces see nothing', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/refit', headers: shop.auth });
      expect(res.statusCode).toBe(202);
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/refit',
        headers: shop.auth,
      });
      expect(again.json().jobId).toBe(res.json().jobId);
      const reader = await t.newWorkspace({ scopes: ['read'] });
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/v1/analytics/refit', headers: reader.auth }))
          .statusCode,
      ).toBe(403);
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/analytics/settings',
        headers: shop.auth,
        payload: { monthlyDiscountRate: 2 },
      });
      expect(bad.statusCode).toBe(400);
      const before = (await get(`/api/v1/customers/${ids[1]}/predictions`)).json();
      const put = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/analytics/settings',
        headers: shop.auth,
        payload: { monthlyDiscountRate: 0.1 },
      });
      expect(put.json()).toEqual({ monthlyDiscountRate: 0.1 });
      await analytics.runRefit(shop.workspaceId, { trigger: 'manual' });
      const after = (await get(`/api/v1/customers/${ids[1]}/predictions`)).json();
      expect(after.runId).not.toBe(before.runId);
      if (before.clv12m > 0) expect(after.clv12m).toBeLessThan(before.clv12m);
      // another workspace: 404 on this shop's customer, and its own charts are empty
      expect((await get(`/api/v1/customers/${ids[0]}/predictions`, reader.auth)).statusCode).toBe(404);
      expect((await get('/api/v1/analytics/customers/at-risk', reader.auth)).json().items).toEqual([]);
    });
  });
}
