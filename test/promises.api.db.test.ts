import ICAL from 'ical.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink } from './fakes/smtp.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Issue 17: promises made to customers (due dates in the workspace zone across the clocks changing, kept on time or
 * late by the clock, each change once), reminders, the late notice, the kept-on-time rate, the agenda's order with
 * its done and snooze actions, and the iCalendar feed parsed with ical.js. A fake clock; Europe/London.
 */
for (const dialect of DIALECTS) {
  describe(`promises, agenda and calendar (${dialect})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
    let auth: { authorization: string };
    let ownerId: string;
    let workspaceId: string;
    let now = new Date('2026-03-27T10:00:00Z'); // Friday; the clocks go forward on Sunday 29 March at 01:00 UTC
    beforeAll(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp(dialect, {
        env: { RAPPORT_SMTP_URL: smtp.url, RAPPORT_PUBLIC_URL: 'https://crm.example.test' },
        clock: () => now,
        outbox: false,
      });
    });
    /** Each test its own shop in Europe/London, email set up. */
    beforeEach(async () => {
      ({ auth, ownerId, workspaceId } = await t.newWorkspace({ name: 'Corner Shop' }));
      expect((await req('PATCH', '/api/v1/workspace', { timezone: 'Europe/London' })).statusCode).toBe(200);
      expect(
        (await req('PUT', '/api/v1/outreach/settings', { fromEmail: 'hi@corner.example' })).statusCode,
      ).toBe(200);
    });
    afterAll(async () => {
      await t.closeAll();
      await smtp.close();
    });
    const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
    const customer = async (name: string, extra: object = {}) => {
      const r = await req('POST', '/api/v1/customers', {
        name,
        emails: [{ address: `${name.split(' ')[0]?.toLowerCase()}@example.com` }],
        ...extra,
      });
      expect(r.statusCode).toBe(201);
      return r.json().id as string;
    };
    const promise = async (customerId: string, what: string, dueAt: string, extra: object = {}) => {
      const r = await req('POST', '/api/v1/promises', { customerId, what, dueAt, ...extra });
      expect(r.statusCode, r.body).toBe(201);
      return r.json();
    };
    const timelineOf = async (customerId: string) =>
      (await req('GET', `/api/v1/customers/${customerId}/timeline?limit=100`)).json().items as {
        kind: string;
        body: string;
      }[];

    it('reads due times in the workspace zone on both sides of the clocks changing', async () => {
      const ada = await customer('Ada Obi');
      // Sunday 29 March 15:00 is BST (+01:00): 14:00 UTC; the all-day promise ends at 23:59:59.999 BST
      const timed = await promise(ada, 'Call back with the price', '2026-03-29T15:00');
      expect(timed.dueAt).toBe('2026-03-29T14:00:00.000Z');
      expect(timed.allDay).toBe(false);
      const allDay = await promise(ada, 'Send the invoice', '2026-03-29');
      expect(allDay).toMatchObject({
        allDay: true,
        dueDate: '2026-03-29',
        dueAt: '2026-03-29T22:59:59.999Z',
      });
      // the Saturday before is still GMT
      expect((await promise(ada, 'Drop off the sample', '2026-03-28T15:00')).dueAt).toBe(
        '2026-03-28T15:00:00.000Z',
      );
      // 25 October: back to GMT
      expect((await promise(ada, 'Autumn check', '2026-10-25T15:00')).dueAt).toBe('2026-10-25T15:00:00.000Z');
      expect((await promise(ada, 'Autumn day', '2026-10-25')).dueAt).toBe('2026-10-25T23:59:59.999Z');
      // an explicit offset is that instant
      expect((await promise(ada, 'Offset', '2026-04-01T09:00:00+02:00')).dueAt).toBe(
        '2026-04-01T07:00:00.000Z',
      );
      const past = await req('POST', '/api/v1/promises', {
        customerId: ada,
        what: 'Too late',
        dueAt: '2026-03-26',
      });
      expect(past.json().code).toBe('PROMISE_DUE_IN_PAST');
      const list = (await req('GET', `/api/v1/promises?customerId=${ada}`)).json().items;
      expect(list.map((p: { what: string }) => p.what).slice(0, 3)).toEqual([
        'Drop off the sample',
        'Call back with the price',
        'Send the invoice',
      ]);
      // made on the timeline, by the owner (the caller's workspace owner for an API key)
      expect(list[0].ownerId).toBe(ownerId);
      expect((await timelineOf(ada)).filter((i) => i.kind === 'promise')).toHaveLength(6);
      // whoever answers their next call sees them
      expect((await req('GET', `/api/v1/customers/${ada}/card`)).json().openItems.promises).toBe(6);
    });

    it('keeps on time or late by the clock, once; break, cancel and reschedule once each', async () => {
      now = new Date('2026-03-27T10:00:00Z');
      const bo = await customer('Bo Lee');
      const sat = await promise(bo, 'Deliver the cake', '2026-03-28T11:00'); // Saturday
      const fri = await promise(bo, 'Email the photos', '2026-03-27');
      const keptNow = await Promise.all(
        Array.from({ length: 10 }, () => req('POST', `/api/v1/promises/${fri.id}/keep`, {})),
      );
      expect(keptNow.filter((r) => r.statusCode === 200)).toHaveLength(1);
      expect(
        keptNow.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'PROMISE_CLOSED'),
      ).toBe(true);
      expect(keptNow.filter((r) => r.statusCode === 409)).toHaveLength(9);
      expect((await req('GET', `/api/v1/promises/${fri.id}`)).json()).toMatchObject({
        status: 'kept',
        keptOnTime: true,
      });
      // the weekend passes: kept on Monday is late
      now = new Date('2026-03-30T08:30:00Z');
      expect((await req('GET', `/api/v1/promises/${sat.id}`)).json().overdue).toBe(true);
      const late = await req('POST', `/api/v1/promises/${sat.id}/keep`, { note: 'Delivered Monday' });
      expect(late.json()).toMatchObject({ status: 'kept', keptOnTime: false });
      const b = await promise(bo, 'Fix the hinge', '2026-03-31');
      const moved = await Promise.all(
        Array.from({ length: 10 }, () =>
          req('POST', `/api/v1/promises/${b.id}/reschedule`, { dueAt: '2026-04-02' }),
        ),
      );
      expect(moved.every((r) => r.statusCode === 200 && r.json().reschedules === 1)).toBe(true);
      const broken = await Promise.all(
        Array.from({ length: 10 }, () => req('POST', `/api/v1/promises/${b.id}/break`, {})),
      );
      expect(broken.filter((r) => r.statusCode === 200)).toHaveLength(1);
      expect((await req('POST', `/api/v1/promises/${b.id}/cancel`, {})).statusCode).toBe(409);
      const bodies = (await timelineOf(bo)).filter((i) => i.kind === 'promise').map((i) => i.body);
      expect(bodies.filter((s) => s.startsWith('Promise kept on time'))).toHaveLength(1);
      expect(bodies.filter((s) => s.startsWith('Promise kept (late)'))).toHaveLength(1);
      expect(bodies.filter((s) => s.startsWith('Promise moved'))).toHaveLength(1);
      expect(bodies.filter((s) => s.startsWith('Promise broken'))).toHaveLength(1);
    });

    it('follows the customer when two records are merged', async () => {
      now = new Date('2026-03-27T10:00:00Z');
      const keep = await customer('Ife Kept');
      const dup = await customer('Ife Dup');
      const p = await promise(dup, 'Post the receipt', '2026-03-30');
      const m = await req('POST', `/api/v1/customers/${keep}/merge`, { otherId: dup });
      expect(m.statusCode, m.body).toBe(200);
      expect((await req('GET', `/api/v1/promises/${p.id}`)).json().customerId).toBe(keep);
      expect((await req('GET', `/api/v1/promises?customerId=${keep}`)).json().items).toHaveLength(1);
    });

    it('reminds the owner once, an hour before or at 8 am on the day; tells the customer once when late', async () => {
      now = new Date('2026-04-06T07:00:00Z'); // Monday 08:00 BST
      const cy = await customer('Cy Dune');
      const p = await promise(cy, 'Ring about the delivery', '2026-04-06T14:00'); // 13:00 UTC
      const d = await promise(cy, 'Post the parcel', '2026-04-07');
      await t.services.promises.remindDue(); // other tests' shops
      expect(await t.services.promises.remindDue()).toBe(0);
      now = new Date('2026-04-06T12:00:00Z'); // an hour before
      expect(await t.services.promises.remindDue()).toBe(1);
      expect(await t.services.promises.remindDue()).toBe(0);
      expect((await req('GET', `/api/v1/promises/${p.id}`)).json().remindedAt).toBe(
        '2026-04-06T12:00:00.000Z',
      );
      // and by email to the owner (email is set up), once
      const { email } = await t.services.access.getUserOrThrow(workspaceId, ownerId);
      const mails = await t.conn.db
        .selectFrom('messages')
        .select(['to_address', 'subject', 'customer_id'])
        .where('workspace_id', '=', workspaceId)
        .where('dedupe_key', 'like', 'promise-reminder:%')
        .execute();
      expect(mails).toEqual([
        { to_address: email, subject: 'Reminder: Ring about the delivery', customer_id: null },
      ]);
      now = new Date('2026-04-07T06:59:00Z'); // 07:59 BST on the day
      expect(await t.services.promises.remindDue()).toBe(0);
      now = new Date('2026-04-07T07:00:00Z');
      expect(await t.services.promises.remindDue()).toBe(1);
      expect((await req('GET', `/api/v1/promises/${d.id}`)).json().remindedAt).not.toBeNull();
      // late: not before it is due; then once, the same message for every request
      const early = await promise(cy, 'Quote for the shelves {{ oops', '2026-04-08T10:00');
      expect((await req('POST', `/api/v1/promises/${early.id}/late-notice`, {})).json().code).toBe(
        'PROMISE_NOT_OVERDUE',
      );
      now = new Date('2026-04-08T12:00:00Z');
      const told = await Promise.all(
        Array.from({ length: 8 }, () =>
          req('POST', `/api/v1/promises/${early.id}/late-notice`, { newDueAt: '2026-04-09T12:00' }),
        ),
      );
      expect(told.every((r) => r.statusCode === 200)).toBe(true);
      const ids = new Set(told.map((r) => r.json().lateNoticeMessageId));
      expect(ids.size).toBe(1);
      expect(told[0]?.json().dueAt).toBe('2026-04-09T11:00:00.000Z');
      const msgs = (await req('GET', `/api/v1/customers/${cy}/messages`)).json().items;
      expect(msgs).toHaveLength(1);
      expect(msgs[0]).toMatchObject({ purpose: 'service', channel: 'email' });
      expect(msgs[0].body).toContain('Quote for the shelves');
      expect((await timelineOf(cy)).filter((i) => i.body.startsWith('Told the customer'))).toHaveLength(1);
    });

    it('counts the kept-on-time rate per week, per person and for the business', async () => {
      const ws2 = await t.newWorkspace({ name: 'Stats Shop' });
      const r2 = (m: 'GET' | 'POST', url: string, payload?: object) =>
        t.app.inject({ method: m, url, headers: ws2.auth, ...(payload && { payload }) });
      now = new Date('2026-06-01T09:00:00Z'); // Monday, Lagos
      const c = (await r2('POST', '/api/v1/customers', { name: 'Dee' })).json().id;
      const mk = async (dueAt: string) =>
        (await r2('POST', '/api/v1/promises', { customerId: c, what: 'x', dueAt })).json().id;
      const a = await mk('2026-06-02'); // kept on time
      const b = await mk('2026-06-03'); // kept late
      const k = await mk('2026-06-04'); // broken
      const o = await mk('2026-06-05'); // still open after its day
      const x = await mk('2026-06-05'); // cancelled: not counted
      await mk('2026-06-20'); // not due yet: not counted
      await r2('POST', `/api/v1/promises/${a}/keep`, {});
      await r2('POST', `/api/v1/promises/${x}/cancel`, {});
      now = new Date('2026-06-04T09:00:00Z');
      await r2('POST', `/api/v1/promises/${b}/keep`, {});
      await r2('POST', `/api/v1/promises/${k}/break`, {});
      now = new Date('2026-06-09T09:00:00Z');
      void o;
      const s = (await r2('GET', '/api/v1/promises/stats?from=2026-06-01&to=2026-06-30&by=week')).json();
      expect(s.overall).toMatchObject({
        due: 4,
        keptOnTime: 1,
        keptLate: 1,
        broken: 1,
        stillOpen: 1,
        rate: 0.25,
      });
      expect(s.periods[0]).toMatchObject({ period: '2026-06-01', due: 4 });
      expect(s.people).toEqual([expect.objectContaining({ userId: ws2.ownerId, due: 4, keptOnTime: 1 })]);
    });

    it("orders today's agenda by urgency then value; done and snooze take items off", async () => {
      now = new Date('2027-02-28T09:00:00Z'); // Sunday, not a leap year
      const ev = await customer('Eve Leap', { birthday: '1996-02-29' });
      const fa = await customer('Fay Far');
      const overdue = await promise(fa, 'Call back about the refund', '2027-02-28T10:00');
      const today = await promise(ev, 'Wrap the present', '2027-02-28');
      await promise(fa, 'Next week', '2027-03-05');
      now = new Date('2027-02-28T11:00:00Z');
      const ag = (await req('GET', '/api/v1/agenda')).json();
      expect(ag.date).toBe('2027-02-28');
      const keys = ag.items.map((i: { key: string }) => i.key);
      expect(keys).toEqual([`promise:${overdue.id}`, `promise:${today.id}`, `birthday:${ev}:2027`]);
      expect(ag.items[0]).toMatchObject({
        kind: 'promise_overdue',
        actions: ['keep', 'late_notice', 'snooze'],
      });
      expect(ag.items[2].title).toBe("Eve Leap's birthday");
      // done: keep the promise from the list
      expect((await req('POST', `/api/v1/promises/${overdue.id}/keep`, {})).statusCode).toBe(200);
      // snooze the birthday until tomorrow
      const sn = await req('POST', '/api/v1/agenda/snoozes', {
        key: `birthday:${ev}:2027`,
        until: '2027-03-01',
        reason: 'Card sent',
      });
      expect(sn.json()).toMatchObject({ until: '2027-03-01T00:00:00.000Z', reason: 'Card sent' });
      const after = (await req('GET', '/api/v1/agenda')).json();
      expect(after.items.map((i: { key: string }) => i.key)).toEqual([`promise:${today.id}`]);
      expect(after.snoozed).toBe(1);
      expect(
        (await req('POST', '/api/v1/agenda/snoozes', { key: 'x', until: '2027-02-27', reason: 'r' })).json()
          .code,
      ).toBe('SNOOZE_IN_PAST');
    });

    it("puts the more valuable of two equally urgent items first; another workspace's user is not found", async () => {
      now = new Date('2026-05-04T08:00:00Z'); // Monday 09:00 BST
      const small = await customer('Sam Small');
      const big = await customer('Bia Big');
      for (const [customerId, value] of [
        [small, 5_000],
        [big, 90_000],
      ] as const)
        expect(
          (
            await req('POST', '/api/v1/enquiries', {
              customerId,
              kind: 'quote',
              channel: 'phone',
              body: 'A price?',
              value,
            })
          ).statusCode,
        ).toBe(201);
      const ag = (await req('GET', '/api/v1/agenda')).json();
      expect(ag.items.map((i: { customerName: string; kind: string }) => [i.kind, i.customerName])).toEqual([
        ['enquiry_waiting', 'Bia Big'],
        ['enquiry_waiting', 'Sam Small'],
      ]);
      expect(ag.items[0]).toMatchObject({ value: 90_000, actions: ['answer', 'open', 'snooze'] });
      // done from the list: answered through the enquiry's own route, it leaves the agenda
      const answered = await req('POST', `/api/v1/enquiries/${ag.items[0].ref.id}/respond`, {
        note: 'Sent the price',
      });
      expect(answered.statusCode).toBe(200);
      expect(
        (await req('GET', '/api/v1/agenda'))
          .json()
          .items.map((i: { customerName: string }) => i.customerName),
      ).toEqual(['Sam Small']);
      const other = await t.newWorkspace();
      expect((await req('GET', `/api/v1/agenda?userId=${other.ownerId}`)).statusCode).toBe(404);
    });

    it('serves a secret, revocable iCalendar feed with stable UIDs, TZID and all-day dates', async () => {
      now = new Date('2026-10-22T09:00:00Z');
      const gi = await customer('Gil Gold');
      const timed = await promise(gi, 'Call about the sofa', '2026-10-26T15:00'); // after the clocks go back
      const day = await promise(gi, 'Send the catalogue', '2026-10-24');
      // a resolved complaint: its follow-up call is in the feed too
      const k = (
        await req('POST', '/api/v1/complaints', {
          customerId: gi,
          channel: 'phone',
          words: 'Torn',
          severity: 'low',
        })
      ).json();
      await req('PATCH', `/api/v1/complaints/${k.id}`, { paraphrase: 'Torn sofa cover' });
      const offered = (
        await req('POST', `/api/v1/complaints/${k.id}/offer`, { options: [{ kind: 'apology' }] })
      ).json();
      const resolved = await req('POST', `/api/v1/complaints/${k.id}/resolve`, {
        offerId: offered.offers[0].id,
        choice: 0,
        summary: 'Apologised',
        apologized: true,
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
      const followUpAt = resolved.json().followUp.dueAt as string;
      const { email } = await t.services.access.getUserOrThrow(workspaceId, ownerId);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'correct horse' },
      });
      expect(login.statusCode, login.body).toBe(200);
      const cookie = `rapport_session=${login.cookies.find((c) => c.name === 'rapport_session')?.value}`;
      const made = await t.app.inject({
        method: 'POST',
        url: '/api/v1/calendar-feed',
        headers: { cookie, origin: 'http://localhost' },
      });
      expect(made.statusCode, made.body).toBe(201);
      const url = new URL(made.json().url);
      expect(url.origin).toBe('https://crm.example.test');
      const ics = await t.app.inject({ method: 'GET', url: url.pathname });
      expect(ics.statusCode).toBe(200);
      expect(ics.headers['content-type']).toContain('text/calendar');
      const vcal = new ICAL.Component(ICAL.parse(ics.body));
      const tz = vcal.getFirstSubcomponent('vtimezone');
      expect(tz?.getFirstPropertyValue('tzid')).toBe('Europe/London');
      ICAL.TimezoneService.register(new ICAL.Timezone(tz as ICAL.Component));
      const events = vcal.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
      const byUid = new Map(events.map((e) => [e.uid, e]));
      const te = byUid.get(`${timed.id}@crm.example.test`);
      const de = byUid.get(`${day.id}@crm.example.test`);
      expect(te?.startDate.zone?.tzid).toBe('Europe/London');
      expect(te?.startDate.toJSDate().toISOString()).toBe('2026-10-26T15:00:00.000Z');
      expect(de?.startDate.isDate).toBe(true);
      expect(de?.startDate.toString()).toBe('2026-10-24');
      expect(te?.summary).toBe('Call about the sofa — Gil Gold');
      const fu = byUid.get(`complaint-follow-up-${k.id}@crm.example.test`);
      expect(fu?.summary).toBe('Follow-up: check Gil Gold is happy now');
      expect(fu?.startDate.toJSDate().toISOString()).toBe(
        new Date(followUpAt).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
      );
      // revoked: the URL stops working
      expect(
        (
          await t.app.inject({
            method: 'DELETE',
            url: '/api/v1/calendar-feed',
            headers: { cookie, origin: 'http://localhost' },
          })
        ).statusCode,
      ).toBe(204);
      expect((await t.app.inject({ method: 'GET', url: url.pathname })).statusCode).toBe(404);
    });
  });
}
