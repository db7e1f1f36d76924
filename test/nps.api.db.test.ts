import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from './fakes/smtp.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Issue 16, the voice of the customer: NPS after a purchase (once per N days), a detractor's follow-up owned by
 * the person who served them, a promoter asked for a review, the report by staff member; reviews. Fake clock.
 */
for (const dialect of DIALECTS) {
  describe(`NPS and reviews (${dialect})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
    let auth: { authorization: string };
    let ws: string;
    let ownerId: string;
    let now = new Date('2026-04-14T09:00:00Z');
    beforeAll(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp(dialect, {
        env: { RAPPORT_SMTP_URL: smtp.url, RAPPORT_PUBLIC_URL: 'https://crm.example.test' },
        clock: () => now,
      });
      ({ auth, workspaceId: ws, ownerId } = await t.newWorkspace({ name: 'Sweet Spot' }));
      await put('/api/v1/outreach/settings', { fromEmail: 'hi@sweet.example' });
    });
    afterAll(async () => {
      await t.closeAll();
      await smtp.close();
    });
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const put = (url: string, payload: object) =>
      t.app.inject({ method: 'PUT', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const form = (url: string, body: string) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      });
    const customer = async (name: string, email: string, consent: boolean) =>
      (
        await post('/api/v1/customers', {
          name,
          emails: [{ address: email }],
          consent: { marketing: consent, source: 'counter' },
        })
      ).json().id as string;
    const sale = async (customerId: string, hoursAgo: number) =>
      t.services.orders.createOrder(
        ws,
        {
          customerId,
          placedAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(),
          lines: [{ name: 'Cake', unitPrice: 10_000 }],
        },
        { workspaceId: ws, kind: 'user', id: ownerId, scopes: new Set(['read', 'write']) },
      );
    const linkOf = (email: string) => {
      const mail = smtp.received.filter((r) => r.envelopeTo.includes(email)).at(-1)!;
      return /https:\/\/crm\.example\.test(\/p\/s\/[A-Za-z0-9_-]+)/.exec(mail.mail.text ?? '')![1]!;
    };

    it('asks after a purchase once, follows up a detractor, asks a promoter for a review, and reports by staff', async () => {
      const s = await put('/api/v1/retention/settings', {
        npsEnabled: true,
        reviewUrl: 'https://g.page/r/sweet-spot/review',
      });
      expect(s.json()).toMatchObject({ npsEnabled: true, npsEveryDays: 90, npsDelayHours: 24 });
      const unhappy = await customer('Uche Unhappy', 'uche@example.com', false);
      const happy = await customer('Hadiza Happy', 'hadiza@example.com', true);
      const fresh = await customer('Fresh Buyer', 'fresh@example.com', true);
      await sale(unhappy, 30);
      await sale(happy, 26);
      await sale(fresh, 2); // too recent: asked later
      expect(await t.services.nps.scheduleNps(ws)).toEqual({ queued: 2, skipped: 0 });
      expect(await t.services.nps.scheduleNps(ws)).toEqual({ queued: 0, skipped: 2 }); // the same purchases ask once
      await t.services.outbox.createSender().drain();
      expect(smtp.received.map((r) => r.envelopeTo[0])).toEqual(
        expect.arrayContaining(['uche@example.com', 'hadiza@example.com']),
      );
      expect(smtp.received.some((r) => r.envelopeTo.includes('fresh@example.com'))).toBe(false);

      const page = await t.app.inject({ method: 'GET', url: linkOf('uche@example.com') });
      expect(page.body).toContain('How likely are you to recommend Sweet Spot');
      expect((await form(linkOf('uche@example.com'), 'score=11')).statusCode).toBe(400);
      const a = await form(linkOf('uche@example.com'), 'score=3&text=The+girl+at+the+till+was+rude');
      expect(a.statusCode).toBe(200);
      expect(a.body).not.toContain('Leave a review');
      const ks = (await get('/api/v1/complaints'))
        .json()
        .items.filter((k: { customerId: string }) => k.customerId === unhappy);
      expect(ks).toHaveLength(1);
      const k = (await get(`/api/v1/complaints/${ks[0].id}`)).json();
      expect(k).toMatchObject({ words: 'The girl at the till was rude', ownerId });

      const b = await form(linkOf('hadiza@example.com'), 'score=10&text=Best+cakes+in+town');
      expect(b.body).toContain('https://g.page/r/sweet-spot/review');
      const hist = (await get(`/api/v1/customers/${happy}/messages`)).json().items;
      expect(hist.some((m: { body: string }) => m.body.includes('https://g.page/r/sweet-spot/review'))).toBe(
        true,
      );
      // answered links are single-use
      await form(linkOf('hadiza@example.com'), 'score=0');
      const report = (await get('/api/v1/retention/nps?from=2026-01-01&to=2026-12-31')).json();
      expect(report.overall).toEqual({ n: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 });
      expect(report.staff).toEqual([expect.objectContaining({ staffId: ownerId, n: 2, nps: 0 })]);
      expect(report.months).toEqual([expect.objectContaining({ month: '2026-04', n: 2 })]);

      // a purchase 10 days later: asked again only after 90 days
      now = new Date('2026-04-24T09:00:00Z');
      await sale(happy, 25);
      expect((await t.services.nps.scheduleNps(ws)).queued).toBe(0);
    });

    it('records reviews from any platform on the timeline', async () => {
      const id = await customer('Reviewer', 'rev@example.com', false);
      const r = await post(`/api/v1/customers/${id}/reviews`, {
        platform: 'Google',
        stars: 5,
        text: 'Lovely',
        url: 'https://maps.example/r/1',
        reviewedOn: '2026-04-20',
      });
      expect(r.statusCode).toBe(201);
      expect((await get(`/api/v1/customers/${id}/reviews`)).json().items).toEqual([
        expect.objectContaining({ platform: 'Google', stars: 5 }),
      ]);
      const tl = (await get(`/api/v1/customers/${id}/timeline`)).json();
      expect(tl.items[0]).toMatchObject({ kind: 'review' });
      expect(
        (
          await post(`/api/v1/customers/${id}/reviews`, {
            platform: 'Google',
            stars: 6,
            reviewedOn: '2026-04-20',
          })
        ).statusCode,
      ).toBe(400);
      // merged into another record, the review, the messages and an SMS consent follow
      const keep = await customer('Reviewer Kept', 'kept@example.com', false);
      await t.app.inject({
        method: 'PUT',
        url: `/api/v1/customers/${id}/consents`,
        headers: auth,
        payload: { channel: 'sms', purpose: 'marketing', granted: true, source: 'form' },
      });
      const msg = (
        await post(`/api/v1/customers/${id}/messages`, {
          channel: 'email',
          purpose: 'service',
          subject: 'Hi',
          body: 'x',
        })
      ).json();
      expect((await post(`/api/v1/customers/${keep}/merge`, { otherId: id })).statusCode).toBe(200);
      expect((await get(`/api/v1/customers/${keep}/reviews`)).json().items).toHaveLength(1);
      expect(
        (await get(`/api/v1/customers/${keep}/messages`)).json().items.map((m: { id: string }) => m.id),
      ).toContain(msg.id);
      expect((await get(`/api/v1/customers/${keep}/consents`)).json().items).toContainEqual(
        expect.objectContaining({ channel: 'sms', purpose: 'marketing', granted: true }),
      );
      // before any prediction run nobody is listed as valuable
      expect((await get('/api/v1/retention/not-contacted')).json()).toEqual({ days: 60, items: [] });
    });
  });
}
