import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inHoldout } from '../src/modules/outreach/campaigns.service.ts';
import { startSmtpSink } from './fakes/smtp.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const N = 40;

/**
 * Issue 16 on top of outreach: a win-back campaign with a randomised holdout and the "why did you stop?" survey;
 * an answer naming the price opens a complaint; later purchases show in the campaign's uplift. Fake clock.
 */
for (const dialect of DIALECTS) {
  describe(`win-back: ask why, keep a holdout, measure (${dialect})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
    let auth: { authorization: string };
    let ws: string;
    let now = new Date('2026-03-02T10:00:00Z');
    beforeAll(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp(dialect, {
        env: { RAPPORT_SMTP_URL: smtp.url, RAPPORT_PUBLIC_URL: 'https://crm.example.test' },
        clock: () => now,
      });
      ({ auth, workspaceId: ws } = await t.newWorkspace({ name: 'Corner Bakery' }));
      await put('/api/v1/outreach/settings', { fromEmail: 'hi@corner.example' });
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

    it('keeps the holdout unmessaged, asks why, opens a complaint from the answer, and measures the uplift', async () => {
      const ids: string[] = [];
      for (let i = 0; i < N; i++)
        ids.push(
          (
            await post('/api/v1/customers', {
              name: `Lapsed ${i}`,
              emails: [{ address: `lapsed${i}@example.com` }],
              tags: ['lapsed-test'],
              consent: { marketing: true, source: 'counter' },
            })
          ).json().id,
        );
      const audience = { kind: 'tag', tag: 'lapsed-test' };
      const pv = (
        await post('/api/v1/campaigns/preview', {
          audience,
          channel: 'email',
          purpose: 'marketing',
          holdoutPercent: 25,
        })
      ).json();
      expect(pv).toMatchObject({ eligible: N, holdout: 10 });
      const c = (
        await post('/api/v1/campaigns', {
          name: 'We miss you',
          audience,
          channel: 'email',
          purpose: 'marketing',
          subject: 'We miss you, {{ customer.first_name }}',
          body: 'It has been a while. What happened?\n\n{{ survey_url }}',
          holdoutPercent: 25,
          survey: 'defection',
        })
      ).json();
      expect(c).toMatchObject({ holdoutPercent: 25, survey: 'defection' });
      await post(`/api/v1/campaigns/${c.id}/send`, {});
      await t.services.campaigns.queueCampaign(ws, c.id, async () => {});
      await t.services.outbox.createSender().drain();

      const held = ids.filter((id) => inHoldout(c.id, id, 25));
      const treated = ids.filter((id) => !inHoldout(c.id, id, 25));
      expect(held.length).toBeGreaterThan(0);
      const counts = (await get(`/api/v1/campaigns/${c.id}`)).json().counts;
      expect(counts).toMatchObject({ sent: treated.length, 'skipped:holdout': held.length });
      // the holdout is never messaged
      const mailed = new Set(smtp.received.flatMap((r) => r.envelopeTo));
      for (let i = 0; i < N; i++)
        expect(mailed.has(`lapsed${i}@example.com`)).toBe(!inHoldout(c.id, ids[i]!, 25));

      // one treated customer follows the survey link and answers "price"
      const who = treated[0]!;
      const i = ids.indexOf(who);
      const mail = smtp.received.find((r) => r.envelopeTo.includes(`lapsed${i}@example.com`))!;
      const link = /https:\/\/crm\.example\.test(\/p\/s\/[A-Za-z0-9_-]+)/.exec(mail.mail.text ?? '')![1]!;
      const page = await t.app.inject({ method: 'GET', url: link });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Why did you stop buying?');
      expect(page.body).not.toContain('<script');
      expect((await form(link, 'reason=price')).statusCode).toBe(400); // "may we contact you?" unanswered
      const ok = await form(link, 'reason=price&text=Your+bread+went+up+twice+this+year&mayContact=yes');
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('Thank you');
      // single use: a second answer changes nothing
      await form(link, 'reason=quality&text=again&mayContact=no');
      const complaints = (await get(`/api/v1/complaints?customerId=${who}`)).json();
      const mine = complaints.items.filter((k: { customerId: string }) => k.customerId === who);
      expect(mine).toHaveLength(1);
      const detail = (await get(`/api/v1/complaints/${mine[0].id}`)).json();
      expect(detail.words).toBe('Your bread went up twice this year');
      const tl = (await get(`/api/v1/customers/${who}/timeline`)).json();
      expect(
        tl.items.some((x: { kind: string; body: string }) => x.kind === 'survey' && /The price/.test(x.body)),
      ).toBe(true);
      const report = (await get('/api/v1/retention/defection-reasons?from=2026-01-01&to=2026-12-31')).json();
      expect(report.total).toBe(1);
      expect(report.reasons.find((r: { reason: string }) => r.reason === 'price')).toMatchObject({
        count: 1,
      });
      expect(report.complaints).toBe(1);

      // later purchases: 10 treated customers and 1 of the holdout come back within 30 days
      const buy = async (cid: string, daysAfter: number, amount: number) =>
        expect(
          (
            await post('/api/v1/orders', {
              customerId: cid,
              placedAt: new Date(now.getTime() + daysAfter * 86_400_000)
                .toISOString()
                .replace(/\.\d+Z$/, 'Z'),
              lines: [{ name: 'Bread', unitPrice: amount }],
            })
          ).statusCode,
        ).toBe(201);
      now = new Date('2026-06-15T10:00:00Z'); // 105 days later: every window is complete
      const start = Date.parse((await get(`/api/v1/campaigns/${c.id}`)).json().queuedAt);
      const at = (d: number) => (start + d * 86_400_000 - now.getTime()) / 86_400_000;
      for (const cid of treated.slice(0, 10)) await buy(cid, at(12), 5_000);
      for (const cid of treated.slice(10, 12)) await buy(cid, at(45), 8_000);
      await buy(held[0]!, at(20), 5_000);
      await buy(held[0]!, at(100), 5_000); // after the 90 days: not counted
      const out = (await get(`/api/v1/campaigns/${c.id}/outcome`)).json();
      expect(out.windows[0]).toMatchObject({
        days: 30,
        complete: true,
        treated: { customers: treated.length, returned: 10 },
        holdout: { customers: held.length, returned: 1 },
      });
      expect(out.windows[1].treated.returned).toBe(12);
      expect(out.windows[0].uplift).toBeCloseTo(10 / treated.length - 1 / held.length, 10);
      expect(out.windows[0].ci95[0]).toBeLessThan(out.windows[0].uplift);
      expect(out.revenue90.treatedPerCustomer).toBe(Math.round((10 * 5_000 + 2 * 8_000) / treated.length));
      expect(out.revenue90.holdoutPerCustomer).toBe(Math.round(5_000 / held.length));
      expect(out.wonBack).toBe(12);
      expect(out.verdict).toMatch(/messaged/);

      // a survey link lasts a month
      const other = treated[1]!;
      const j = ids.indexOf(other);
      const m2 = smtp.received.find((r) => r.envelopeTo.includes(`lapsed${j}@example.com`))!;
      const link2 = /https:\/\/crm\.example\.test(\/p\/s\/[A-Za-z0-9_-]+)/.exec(m2.mail.text ?? '')![1]!;
      expect((await t.app.inject({ method: 'GET', url: link2 })).statusCode).toBe(404);
    });
  });
}
