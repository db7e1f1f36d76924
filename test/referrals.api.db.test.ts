import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Issue 20, referrals (H1) and passing business (H2) on fixtures with answers worked out by hand.
 */
for (const dialect of DIALECTS) {
  describe(`referrals and introductions (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let now = new Date('2027-03-10T12:00:00Z');
    beforeAll(async () => {
      t = await startTestApp(dialect, {
        clock: () => now,
        env: { RAPPORT_PUBLIC_URL: 'https://crm.example.test' },
      });
      ({ auth } = await t.newWorkspace({ name: 'Sweet Spot' }));
    });
    afterAll(() => t.closeAll());
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const put = (url: string, payload: object) =>
      t.app.inject({ method: 'PUT', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const customer = async (name: string, extra: object = {}) => {
      const r = await post('/api/v1/customers', { name, ...extra });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const order = async (customerId: string, amount: number) => {
      const r = await post('/api/v1/orders', {
        customerId,
        placedAt: now.toISOString(),
        lines: [{ name: 'Cake', quantity: 1, unitPrice: amount }],
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };

    it('counts the revenue referred customers brought, net of refunds, and ranks the referrers', async () => {
      const ada = await customer('Ada Obi');
      const bola = await customer('Bola Ade', { referredBy: ada }); // at creation
      const chidi = await customer('Chidi Eze');
      const adaView = (await get(`/api/v1/customers/${ada}/referrals`)).json();
      expect(adaView.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(adaView.link).toBe(`https://crm.example.test/p/ref/${adaView.code}`);
      // later, by the code read out in lower case without the dash
      const set = await post(`/api/v1/customers/${chidi}/referrer`, {
        referrer: adaView.code.toLowerCase().replace('-', ''),
      });
      expect(set.statusCode, set.body).toBe(201);
      expect(set.json().referredBy).toMatchObject({ id: ada, name: 'Ada Obi', source: 'later' });
      now = new Date('2027-04-02T12:00:00Z');
      const dayo = await customer('Dayo Ola', { referredBy: bola });

      // Bola: 10,000.00 + 5,000.00 with 2,000.00 refunded = 13,000.00; Chidi 3,000.00; Dayo 20,000.00
      await order(bola, 1_000_000);
      const refunded = await order(bola, 500_000);
      expect(
        (await post(`/api/v1/orders/${refunded}/refunds`, { amount: 200_000, reason: 'Late' })).statusCode,
      ).toBe(201);
      await order(chidi, 300_000);
      await order(dayo, 2_000_000);

      const a = (await get(`/api/v1/customers/${ada}/referrals`)).json();
      expect(a.referredBy).toBeNull();
      expect(
        a.referred.map((r: { name: string; revenue: number; source: string }) => [
          r.name,
          r.revenue,
          r.source,
        ]),
      ).toEqual([
        ['Bola Ade', 1_300_000, 'created'],
        ['Chidi Eze', 300_000, 'later'],
      ]);
      expect(a.revenue).toEqual({ amount: 1_600_000, currency: 'NGN' });
      const b = (await get(`/api/v1/customers/${bola}/referrals`)).json();
      expect(b.referredBy).toMatchObject({ id: ada, source: 'created' });
      expect(b.revenue.amount).toBe(2_000_000);

      const board = (await get('/api/v1/referrals/leaderboard')).json();
      expect(
        board.items.map((i: { name: string; referred: number; revenue: number; rank: number }) => [
          i.rank,
          i.name,
          i.referred,
          i.revenue,
        ]),
      ).toEqual([
        [1, 'Ada Obi', 2, 1_600_000],
        [2, 'Bola Ade', 1, 2_000_000],
      ]);
      // only April's referrals: Dayo, referred by Bola
      const april = (await get('/api/v1/referrals/leaderboard?from=2027-04-01&to=2027-04-30')).json();
      expect(april.items.map((i: { name: string; referred: number }) => [i.name, i.referred])).toEqual([
        ['Bola Ade', 1],
      ]);
      expect((await get('/api/v1/referrals/leaderboard?from=2027-04-30&to=2027-04-01')).statusCode).toBe(400);

      // both timelines tell it
      const tl = (await get(`/api/v1/customers/${ada}/timeline`)).json();
      expect(JSON.stringify(tl)).toContain('Referred Bola Ade');
    });

    it('sets a referrer exactly once, never oneself, never a cycle', async () => {
      const x = await customer('Xena');
      const y = await customer('Yemi', { referredBy: x });
      const z = await customer('Zara', { referredBy: y });
      const self = await post(`/api/v1/customers/${x}/referrer`, { referrer: x });
      expect(self.statusCode).toBe(400);
      expect(self.json()).toMatchObject({ code: 'SELF_REFERRAL', pointer: '/body/referrer' });
      const cycle = await post(`/api/v1/customers/${x}/referrer`, { referrer: z });
      expect(cycle.statusCode).toBe(409);
      expect(cycle.json().code).toBe('REFERRAL_CYCLE');
      expect(cycle.json().detail ?? cycle.json().title).toMatch(/Zara was referred/);
      const twice = await post(`/api/v1/customers/${y}/referrer`, { referrer: z });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('REFERRER_ALREADY_SET');
      const unknown = await post(`/api/v1/customers/${x}/referrer`, { referrer: 'nobody' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('REFERRER_NOT_FOUND');
      const atCreation = await post('/api/v1/customers', { name: 'Nobody', referredBy: 'no-such-id' });
      expect(atCreation.statusCode).toBe(404);
      expect((await get('/api/v1/customers?q=Nobody')).json().items).toHaveLength(0); // not half-created
      // crossing referrals in parallel: at most one of them wins, never a cycle
      const p = await customer('Pat');
      const q = await customer('Quin');
      const [r1, r2] = await Promise.all([
        post(`/api/v1/customers/${p}/referrer`, { referrer: q }),
        post(`/api/v1/customers/${q}/referrer`, { referrer: p }),
      ]);
      expect([r1.statusCode, r2.statusCode].sort()).toEqual([201, 409]);
    });

    it('the public link: "X sent you", a sign-up form without JavaScript, recorded as referred by link', async () => {
      const ref = await customer('Ngozi Okafor');
      const { code } = (await get(`/api/v1/customers/${ref}/referrals`)).json();
      const page = await t.app.inject({ method: 'GET', url: `/p/ref/${code}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Ngozi sent you');
      expect(page.body).not.toContain('Okafor'); // only the first name on a public page
      expect(page.body).not.toContain('<script');
      const missing = await t.app.inject({
        method: 'POST',
        url: `/p/ref/${code}`,
        payload: 'name=Tola',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(missing.statusCode).toBe(400);
      const sent = await t.app.inject({
        method: 'POST',
        url: `/p/ref/${code}`,
        payload: 'name=Tola+New&phone=08031234567',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(sent.statusCode).toBe(303);
      expect(sent.headers.location).toBe(`/p/ref/${code}?done=1`);
      const view = (await get(`/api/v1/customers/${ref}/referrals`)).json();
      expect(view.referred).toMatchObject([{ name: 'Tola New', source: 'link' }]);
      // the same phone again creates no second customer
      await t.app.inject({
        method: 'POST',
        url: `/p/ref/${code}`,
        payload: 'name=Tola+Again&phone=0803+123+4567',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect((await get(`/api/v1/customers/${ref}/referrals`)).json().referred).toHaveLength(1);
      expect((await t.app.inject({ method: 'GET', url: '/p/ref/ZZZZ-ZZZZ' })).statusCode).toBe(404);
    });

    it('suggests introductions with a score and why, records both consents, and keeps a ledger', async () => {
      const events = await customer('Ada Events', { kind: 'business' });
      const bakes = await customer('Bola Bakes', { kind: 'business' });
      const prints = await customer('Chi Prints', { kind: 'business' });
      expect(
        (
          await put(`/api/v1/customers/${events}/business`, {
            offers: ['Event planning'],
            needs: ['Catering, cakes'],
          })
        ).statusCode,
      ).toBe(200);
      await put(`/api/v1/customers/${bakes}/business`, {
        offers: ['catering', 'wedding cake'],
        needs: ['event planning'],
      });
      await put(`/api/v1/customers/${prints}/business`, { offers: ['printing'], needs: ['plumbing'] });
      const s = (await get('/api/v1/introductions/suggestions')).json();
      expect(s.items).toEqual([
        {
          a: { id: events, name: 'Ada Events' },
          b: { id: bakes, name: 'Bola Bakes' },
          score: 5,
          reasons: [
            'Ada Events needs catering; Bola Bakes offers it',
            'Ada Events needs cake; Bola Bakes offers wedding cake',
            'Bola Bakes needs event planning; Ada Events offers it',
          ],
        },
      ]);
      const intro = await post('/api/v1/introductions', {
        needsId: events,
        offersId: bakes,
        reason: 'Cakes for her weddings',
      });
      expect(intro.statusCode, intro.body).toBe(201);
      const id = intro.json().id as string;
      expect(intro.json()).toMatchObject({
        status: 'asked',
        a: { consent: 'asked' },
        b: { consent: 'asked' },
      });
      expect((await get('/api/v1/introductions/suggestions')).json().items).toEqual([]); // already introduced
      expect(
        (await post('/api/v1/introductions', { needsId: bakes, offersId: events, reason: 'again' }))
          .statusCode,
      ).toBe(409);
      expect((await put(`/api/v1/introductions/${id}/value`, { value: 100 })).json().code).toBe(
        'INTRODUCTION_NOT_MADE',
      );

      const one = await post(`/api/v1/introductions/${id}/consent`, { customerId: events, answer: 'yes' });
      expect(one.json()).toMatchObject({ status: 'asked', a: { consent: 'yes' }, b: { consent: 'asked' } });
      expect(
        (await post(`/api/v1/introductions/${id}/consent`, { customerId: events, answer: 'no' })).json().code,
      ).toBe('CONSENT_ALREADY_GIVEN');
      expect(
        (await post(`/api/v1/introductions/${id}/consent`, { customerId: prints, answer: 'yes' })).json()
          .code,
      ).toBe('NOT_A_PARTY');
      const both = await post(`/api/v1/introductions/${id}/consent`, { customerId: bakes, answer: 'yes' });
      expect(both.json()).toMatchObject({ status: 'made', madeAt: now.toISOString() });
      expect((await put(`/api/v1/introductions/${id}/value`, { value: 15_000_000 })).json().value).toBe(
        15_000_000,
      );
      for (const c of [events, bakes])
        expect(JSON.stringify((await get(`/api/v1/customers/${c}/timeline`)).json())).toContain(
          '(both agreed)',
        );

      const ledger = (await get('/api/v1/introductions/ledger')).json();
      expect(
        ledger.items.map((i: { name: string; introductionsMade: number; valuePassed: number }) => [
          i.name,
          i.introductionsMade,
          i.valuePassed,
        ]),
      ).toEqual([
        ['Bola Bakes', 1, 15_000_000],
        ['Ada Events', 1, 0],
        ['Chi Prints', 0, 0],
      ]);
      const biz = (await get(`/api/v1/customers/${bakes}/business`)).json();
      expect(biz).toMatchObject({
        offers: ['catering', 'wedding cake'],
        ledger: { introductionsMade: 1, valuePassed: 15_000_000 },
      });

      // a "no" declines it
      const no = (
        await post('/api/v1/introductions', { needsId: prints, offersId: events, reason: 'Try' })
      ).json();
      const declined = await post(`/api/v1/introductions/${no.id}/consent`, {
        customerId: events,
        answer: 'no',
      });
      expect(declined.json().status).toBe('declined');
    });
  });
}
