import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/** Issue 18: tiers over a rolling window and expiry of dormant points, with a fake clock. */
for (const dialect of DIALECTS) {
  describe(`loyalty tiers and expiry over time (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let now = new Date('2026-01-10T09:00:00Z');
    beforeAll(async () => {
      t = await startTestApp(dialect, { clock: () => now });
      ({ auth } = await t.newWorkspace());
    });
    afterAll(() => t.closeAll());
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
    const at = (iso: string) => (now = new Date(iso));

    it('moves a customer up on orders and down as the window rolls on, on the timeline; expires dormant points', async () => {
      await call('PUT', '/api/v1/loyalty/settings', {
        tiers: [
          { name: 'Silver', minVisits: 2 },
          { name: 'Gold', minVisits: 4, minSpend: 100_000 },
        ],
        tierWindowMonths: 12,
        expiryMonths: 6,
      });
      const c = (await call('POST', '/api/v1/customers', { name: 'Tayo Bello' })).json().id as string;
      const buy = async (iso: string, amount: number) => {
        at(iso);
        await call('POST', '/api/v1/orders', {
          customerId: c,
          placedAt: iso,
          lines: [{ name: 'Cake', unitPrice: amount }],
        });
        return (await call('GET', `/api/v1/customers/${c}/loyalty`)).json();
      };
      expect(await buy('2026-01-10T09:00:00Z', 30_000)).toMatchObject({
        tier: null,
        visits: 1,
        nextTier: { name: 'Silver', visitsToGo: 1 },
      });
      expect((await buy('2026-02-10T09:00:00Z', 30_000)).tier).toBe('Silver');
      const gold = await buy('2026-03-01T09:00:00Z', 50_000);
      expect(gold).toMatchObject({ tier: 'Gold', spend: 110_000, points: 1_100, nextTier: null });

      // ten months on the tier stays; the points, unused since 1 March 2026, expired after six months: once, as an entry
      at('2027-01-05T02:00:00Z');
      expect((await call('POST', '/api/v1/loyalty/sync', {})).json()).toMatchObject({
        tierMoves: 0,
        expired: 1_100,
      });
      const l = (await call('GET', `/api/v1/customers/${c}/loyalty`)).json();
      expect(l.points).toBe(0);
      expect(l.entries[0]).toMatchObject({ reason: 'expire', points: -1_100, credit: 'expired' });
      expect((await call('GET', `/api/v1/customers/${c}/loyalty`)).json().tier).toBe('Gold');
      // the January order leaves the window: 2 visits and 80,000 left, Silver
      at('2027-01-20T02:00:00Z');
      expect((await call('POST', '/api/v1/loyalty/sync', {})).json()).toMatchObject({ tierMoves: 1 });
      expect((await call('GET', `/api/v1/customers/${c}/loyalty`)).json()).toMatchObject({
        tier: 'Silver',
        visits: 2,
        spend: 80_000,
      });
      at('2027-03-02T02:00:00Z');
      const last = (await call('POST', '/api/v1/loyalty/sync', {})).json();
      expect(last).toMatchObject({ tierMoves: 1 });
      const timeline = (await call('GET', `/api/v1/customers/${c}/timeline`)).json();
      expect(
        timeline.items
          .filter((i: { kind: string }) => i.kind === 'tier')
          .map((i: { body: string }) => i.body),
      ).toEqual([
        expect.stringMatching(/^No longer Silver/),
        expect.stringMatching(/^Moved down to Silver from Gold/),
        expect.stringMatching(/^Moved up to Gold/),
        expect.stringMatching(/^Moved up to Silver/),
      ]);
      expect(last.expired).toBe(0);
      expect((await call('POST', '/api/v1/loyalty/sync', {})).json()).toMatchObject({
        expired: 0,
        tierMoves: 0,
      });
    });

    it('gives the sign-up bonus once to customers added after it was switched on', async () => {
      // customers' creation time is the wall clock's: the bonus is switched on "now" too
      const before = (await call('POST', '/api/v1/customers', { name: 'Early Bird' })).json().id as string;
      await new Promise((r) => setTimeout(r, 5));
      at(new Date().toISOString());
      await call('PUT', '/api/v1/loyalty/settings', { signupBonus: 50 });
      const after = (await call('POST', '/api/v1/customers', { name: 'New Comer' })).json().id as string;
      expect((await call('POST', '/api/v1/loyalty/sync', {})).json().signups).toBe(1);
      expect((await call('POST', '/api/v1/loyalty/sync', {})).json().signups).toBe(0);
      expect((await call('GET', `/api/v1/customers/${after}/loyalty`)).json().points).toBe(50);
      expect((await call('GET', `/api/v1/customers/${before}/loyalty`)).json().points).toBe(0);
    });
  });
}
