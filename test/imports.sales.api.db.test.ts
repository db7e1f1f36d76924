import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const CORPUS = path.resolve(import.meta.dirname, 'fixtures/imports/corpus');

/** #13 over HTTP: order fields for mappings, the date order the preview used and switching it, walk-in orders. */
for (const dialect of DIALECTS) {
  describe(`sales imports over HTTP (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    const upload = (url: string, auth: { authorization: string }, file: string) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { ...auth, 'content-type': 'text/csv' },
        payload: fs.readFileSync(path.join(CORPUS, file)),
      });

    it('lists order and line-item fields a column can be mapped to', async () => {
      const w = await t.newWorkspace();
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/imports/fields', headers: w.auth });
      const items = res.json().items as { id: string; group: string }[];
      const group = new Map(items.map((f) => [f.id, f.group]));
      for (const id of ['orderNumber', 'orderDate', 'discount', 'tax', 'shipping', 'refunded', 'currency'])
        expect(group.get(id)).toBe('order');
      for (const id of ['quantity', 'unitPrice', 'sku', 'product', 'category'])
        expect(group.get(id)).toBe('line');
      for (const id of ['name', 'email', 'phone', 'externalId']) expect(group.get(id)).toBe('customer');
    });

    it('says which date order the preview used (region, file or choice) and reads the dates that way', async () => {
      const ng = await t.newWorkspace({ region: 'NG' });
      const first = (r: { json: () => { sample: { order?: { placedAt: string } }[] } }) =>
        r.json().sample[0]?.order?.placedAt;
      // 03/04/2024: nothing in the file settles it; Nigeria writes the day first
      const byRegion = await upload('/api/v1/imports/preview', ng.auth, 'sales-returns.csv');
      expect(byRegion.statusCode).toBe(200);
      expect(byRegion.json()).toMatchObject({
        preset: 'sales-lines',
        dates: { order: 'dmy', decidedBy: 'region' },
      });
      expect(first(byRegion)).toBe('2024-04-02T23:00:00.000Z');
      // the user switches it
      const chosen = await upload('/api/v1/imports/preview?dateOrder=mdy', ng.auth, 'sales-returns.csv');
      expect(chosen.json().dates).toEqual({ order: 'mdy', decidedBy: 'choice' });
      expect(first(chosen)).toBe('2024-03-03T23:00:00.000Z');
      // a US workspace reads the same file month first
      const us = await t.newWorkspace({ region: 'US' });
      expect((await upload('/api/v1/imports/preview', us.auth, 'sales-returns.csv')).json().dates).toEqual({
        order: 'mdy',
        decidedBy: 'region',
      });
      // 12/13/2010 in the file settles it, whatever the region
      expect(
        (await upload('/api/v1/imports/preview', ng.auth, 'uci-online-retail.csv')).json().dates,
      ).toEqual({
        order: 'mdy',
        decidedBy: 'file',
      });
      const bad = await upload('/api/v1/imports/preview?dateOrder=ymd', ng.auth, 'sales-returns.csv');
      expect(bad.statusCode).toBe(400);

      // the dry run and the import use the same order, and say so
      const dry = await upload('/api/v1/imports?dryRun=true&dateOrder=mdy', ng.auth, 'sales-returns.csv');
      expect(dry.statusCode).toBe(200);
      expect(dry.json().dates).toEqual({ order: 'mdy', decidedBy: 'choice' });
      expect(dry.json().counts.orders).toMatchObject({ created: 6, walkIn: 1 });
    });

    it('lists walk-in sales and returns with the other orders', async () => {
      const w = await t.newWorkspace({ region: 'NG' });
      const done = await t.services.imports.runImport({
        workspaceId: w.workspaceId,
        file: path.join(CORPUS, 'sales-returns.csv'),
      });
      expect(done.counts.orders.created).toBe(6);
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/orders?limit=100', headers: w.auth });
      const items = list.json().items as {
        number: string;
        customerId: string | null;
        status: string;
        total: number;
      }[];
      expect(items).toHaveLength(6);
      expect(items.find((o) => o.number === '1002')).toMatchObject({
        customerId: null,
        status: 'paid',
        total: 240000,
      });
      expect(items.find((o) => o.number === 'R-77')).toMatchObject({ status: 'returned', total: -120000 });
      // a return cannot be refunded again
      const ret = items.find((o) => o.number === '1003') as unknown as { id: string };
      const refund = await t.app.inject({
        method: 'POST',
        url: `/api/v1/orders/${ret.id}/refunds`,
        headers: w.auth,
        payload: { amount: 100, reason: 'again' },
      });
      expect(refund.statusCode).toBe(409);

      // walk-in sales are no one's: a refit reads only customers' purchases (returns are not purchase days)
      const out = await t.services.analytics.runRefit(w.workspaceId, { trigger: 'manual' });
      expect(out.status).toBe('insufficient_data');
      const run = (
        await t.app.inject({ method: 'GET', url: '/api/v1/analytics/runs/latest', headers: w.auth })
      ).json();
      expect(run.customers).toBe(2);
      // the caller card and the purchases summary: net spend, returns not counted as purchases
      const ada = (
        await t.app.inject({ method: 'GET', url: '/api/v1/customers?q=Ada', headers: w.auth })
      ).json().items[0] as { id: string };
      const card = (
        await t.app.inject({ method: 'GET', url: `/api/v1/customers/${ada.id}/card`, headers: w.auth })
      ).json();
      expect(card.purchases).toMatchObject({ orderCount: 1, totalSpent: 950000 });
      const sum = (
        await t.app.inject({ method: 'GET', url: `/api/v1/customers/${ada.id}/purchases`, headers: w.auth })
      ).json();
      expect(sum).toMatchObject({
        orderCount: 1,
        totalSpent: 950000,
        firstPurchaseAt: '2024-04-02T23:00:00.000Z',
        lastPurchaseAt: '2024-04-02T23:00:00.000Z',
      });
    });
  });
}
