import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/** Issue 18: points from orders, sales and refunds; redeeming at the counter; gift vouchers; the most valued list. */
for (const dialect of DIALECTS) {
  describe(`loyalty (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let ownerId: string;
    let workspaceId: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth, ownerId, workspaceId } = await t.newWorkspace());
      expect(
        (
          await put('/api/v1/loyalty/settings', {
            spendUnit: 100,
            pointsPerUnit: 1,
            pointsPerVisit: 10,
            bonusCategories: [{ category: 'cakes', pointsPerUnit: 1 }],
            pointValue: 10,
          })
        ).statusCode,
      ).toBe(200);
    });
    afterAll(() => t.closeAll());
    const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
    const post = (url: string, payload: object) => send('POST', url, payload);
    const put = (url: string, payload: object) => send('PUT', url, payload);
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const customer = async (name: string, extra: object = {}) =>
      (await post('/api/v1/customers', { name, ...extra })).json().id as string;
    const points = async (id: string) =>
      (await get(`/api/v1/customers/${id}/loyalty`)).json().points as number;
    const order = (customerId: string, amount: number, category?: string) =>
      post('/api/v1/orders', {
        customerId,
        lines: [{ name: 'Item', quantity: 1, unitPrice: amount, ...(category && { category }) }],
      });

    it('credits an API order, with visit and category bonus points, and takes them back on refunds', async () => {
      const c = await customer('Ada Obi');
      const o = (await order(c, 50_000, 'cakes')).json();
      // 500 units × 1 + 500 units of cakes × 1 + 10 for the visit
      expect(await points(c)).toBe(1010);
      expect(
        (await post(`/api/v1/orders/${o.id}/refunds`, { amount: 25_000, reason: 'Half' })).statusCode,
      ).toBe(201);
      expect(await points(c)).toBe(510);
      await post(`/api/v1/orders/${o.id}/refunds`, { amount: 25_000, reason: 'The rest', kind: 'return' });
      const l = (await get(`/api/v1/customers/${c}/loyalty`)).json();
      expect(l.points).toBe(0);
      expect(l.entries.map((e: { reason: string; points: number }) => [e.reason, e.points])).toEqual([
        ['refund', -510],
        ['refund', -500],
        ['earn', 1010],
      ]);
      expect(l.entries[0]).toMatchObject({ debit: 'customer', credit: 'refunded', orderId: o.id });
      // the reconciler finds nothing left to do
      expect((await post('/api/v1/loyalty/sync', {})).json()).toMatchObject({ earned: 0, takenBack: 0 });
    });

    it('credits imported orders after the run (a queued job), takes returns back, and nothing twice on a re-import', async () => {
      const w = await t.newWorkspace({ region: 'NG' });
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/loyalty/settings',
        headers: w.auth,
        payload: { pointsPerVisit: 10 },
      });
      const csv = fs.readFileSync(
        path.resolve(import.meta.dirname, 'fixtures/imports/corpus/sales-returns.csv'),
      );
      const sleep = () => new Promise((r) => setTimeout(r, 50));
      // an import over HTTP answers 202 and runs in a worker thread: wait for it to end
      const upload = async () => {
        let run = (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/imports',
            headers: { ...w.auth, 'content-type': 'text/csv' },
            payload: csv,
          })
        ).json();
        for (let i = 0; i < 200 && run.status === 'running'; i++) {
          await sleep();
          run = (
            await t.app.inject({ method: 'GET', url: `/api/v1/imports/${run.id}`, headers: w.auth })
          ).json();
        }
        return run;
      };
      const loyaltyJobs = () =>
        t.conn.db
          .selectFrom('jobs')
          .select('id')
          .where('workspace_id', '=', w.workspaceId)
          .where('kind', '=', 'loyalty_sync')
          .execute();
      expect((await upload()).counts.orders.created).toBe(6);
      // the reconciler is queued after the run (this test app runs no job runner: the sync below does its work)
      for (let i = 0; i < 100 && (await loyaltyJobs()).length === 0; i++) await sleep();
      expect(await loyaltyJobs()).toHaveLength(1);
      const first = (
        await t.app.inject({ method: 'POST', url: '/api/v1/loyalty/sync', headers: w.auth })
      ).json();
      expect(first.earned).toBeGreaterThan(0);
      expect(first.takenBack).toBeGreaterThan(0);
      const ada = (
        await t.app.inject({ method: 'GET', url: '/api/v1/customers?q=Ada%20Obi', headers: w.auth })
      ).json().items[0].id;
      const l = (
        await t.app.inject({ method: 'GET', url: `/api/v1/customers/${ada}/loyalty`, headers: w.auth })
      ).json();
      // 1001: NGN 17,000 → 17,000 + 10 for the visit; the return 1003 (NGN 7,500) takes 7,500 back
      expect(l.points).toBe(9_510);
      expect(l.entries.map((e: { reason: string }) => e.reason)).toContain('return');
      expect((await upload()).counts.orders.created).toBe(0);
      const again = (
        await t.app.inject({ method: 'POST', url: '/api/v1/loyalty/sync', headers: w.auth })
      ).json();
      expect(again).toMatchObject({ earned: 0, takenBack: 0 });
      expect(await t.services.loyalty.ledgerSum(w.workspaceId, ada)).toBe(9_510);
    });

    it('redeems points at the counter in the sale, once, and refuses more than the balance', async () => {
      const c = await customer('Bisi Adeyemi');
      await order(c, 100_000); // 1000 + 10
      const sale = await post('/api/v1/sales', {
        customerId: c,
        items: [{ name: 'Meat pie', unitPrice: 5_000 }],
        paymentMethod: 'cash',
        redeemPoints: 300, // × 10 = 3,000 off
        key: 'sale-key-0001',
      });
      expect(sale.statusCode).toBe(201);
      expect(sale.json()).toMatchObject({ discount: 3_000, total: 2_000 });
      // 1010 − 300 + the sale's own 20 + 10
      expect(await points(c)).toBe(740);
      const again = await post('/api/v1/sales', {
        customerId: c,
        items: [{ name: 'Meat pie', unitPrice: 5_000 }],
        paymentMethod: 'cash',
        redeemPoints: 300,
        key: 'sale-key-0001',
      });
      expect(again.statusCode).toBe(200);
      expect(await points(c)).toBe(740);
      const tooMany = await post('/api/v1/sales', {
        customerId: c,
        items: [{ name: 'Cake', unitPrice: 100_000 }],
        paymentMethod: 'cash',
        redeemPoints: 741,
      });
      expect(tooMany.statusCode).toBe(409);
      expect(tooMany.json().code).toBe('POINTS_INSUFFICIENT');
      expect((await get(`/api/v1/orders?customerId=${c}`)).json().items).toHaveLength(2);
      const byHand = await post(`/api/v1/customers/${c}/loyalty/redeem`, { points: 40, key: 'hand-0001' });
      expect(byHand.json().points).toBe(700);
      await post(`/api/v1/customers/${c}/loyalty/redeem`, { points: 40, key: 'hand-0001' });
      expect(await points(c)).toBe(700);
      expect(await t.services.loyalty.ledgerSum(workspaceId, c)).toBe(700);
    });

    it('issues a voucher with a readable code, redeems it once, in any case and spacing', async () => {
      const issued = await post('/api/v1/vouchers', { value: 5_000 });
      expect(issued.statusCode).toBe(201);
      const { code, id } = issued.json();
      expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
      const typed = ` ${code.toLowerCase().replaceAll('-', ' ')} `;
      const look = await post('/api/v1/vouchers/lookup', { code: typed });
      expect(look.json()).toMatchObject({ id, remaining: 5_000, status: 'active' });
      const first = await post('/api/v1/vouchers/redeem', { code: typed });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ amount: 5_000, voucher: { status: 'used' } });
      const second = await post('/api/v1/vouchers/redeem', { code });
      expect(second.statusCode).toBe(409);
      expect(second.json().code).toBe('VOUCHER_USED');
      expect((await post('/api/v1/vouchers/redeem', { code: 'AAAA-BBBB-CCCC' })).statusCode).toBe(404);
      expect(
        (await t.conn.db.selectFrom('vouchers').select('code_hash').execute()).map((r) => r.code_hash),
      ).not.toContain(code);
    });

    it('spends a balance voucher in parts, takes one off a sale, and voids one', async () => {
      const { code } = (await post('/api/v1/vouchers', { value: 10_000, mode: 'balance' })).json();
      expect((await post('/api/v1/vouchers/redeem', { code, amount: 4_000 })).json()).toMatchObject({
        amount: 4_000,
        voucher: { remaining: 6_000, status: 'active' },
      });
      const low = await post('/api/v1/vouchers/redeem', { code, amount: 7_000 });
      expect(low.json().code).toBe('VOUCHER_BALANCE_LOW');
      const sale = await post('/api/v1/sales', {
        customerId: null,
        items: [{ name: 'Big cake', unitPrice: 20_000 }],
        paymentMethod: 'card',
        voucherCode: code,
      });
      expect(sale.json()).toMatchObject({ discount: 6_000, total: 14_000 });
      expect((await post('/api/v1/vouchers/lookup', { code })).json()).toMatchObject({
        remaining: 0,
        status: 'used',
      });
      const other = (
        await post('/api/v1/vouchers', { percent: 10, expiresAt: '2099-01-01T00:00:00Z' })
      ).json();
      expect((await post(`/api/v1/vouchers/${other.id}/void`, {})).json().status).toBe('void');
      expect((await post(`/api/v1/vouchers/${other.id}/void`, {})).statusCode).toBe(409);
      expect((await post('/api/v1/vouchers/redeem', { code: other.code })).json().code).toBe('VOUCHER_VOID');
      expect(
        (await get('/api/v1/vouchers?status=void')).json().items.map((v: { id: string }) => v.id),
      ).toEqual([other.id]);
    });

    it('redeems one code exactly once under 50 parallel requests over real HTTP', async () => {
      const { code } = (await post('/api/v1/vouchers', { value: 2_500 })).json();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const statuses = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${base}/api/v1/vouchers/redeem`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ code }),
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      const rows = await t.conn.db.selectFrom('voucher_redemptions').select('amount').execute();
      expect(rows.filter((r) => Number(r.amount) === 2_500)).toHaveLength(1);
    });

    it('keeps the most valued list: owner, perks, not-contacted alert, occasions', async () => {
      const today = new Date();
      const soon = new Date(today.getTime() + 5 * 86_400_000).toISOString().slice(5, 10);
      const c = await customer('Chioma Eze', { birthday: `--${soon}` });
      const listed = await put(`/api/v1/valued/${c}`, { ownerId, perks: 'Free delivery' });
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toMatchObject({ perks: 'Free delivery', alert: true, lastContactAt: null });
      expect(listed.json().occasions[0]).toMatchObject({ kind: 'birthday' });
      await post(`/api/v1/customers/${c}/interactions`, { kind: 'call', body: 'Said hello' });
      const after = (await get('/api/v1/valued'))
        .json()
        .items.find((i: { customerId: string }) => i.customerId === c);
      expect(after).toMatchObject({ alert: false, daysSinceContact: 0, ownerId });
      expect((await get('/api/v1/valued?alerting=true')).json().items).toHaveLength(0);
      expect((await put(`/api/v1/valued/${c}`, { ownerId: 'nobody' })).statusCode).toBe(404);
      expect((await send('DELETE', `/api/v1/valued/${c}`)).statusCode).toBe(204);
      expect((await send('DELETE', `/api/v1/valued/${c}`)).statusCode).toBe(404);
      expect((await post('/api/v1/valued/from-predicted', { count: 10 })).json()).toEqual({
        added: 0,
        considered: 0,
      });
    });
  });
}
