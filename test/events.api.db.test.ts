import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Issue 18, events: invitations to an audience (with consent) each with a personal answer link; 50 parallel
 * answers never overbook the capacity; answers change until the event; the calendar file (METHOD:REQUEST, a
 * stable UID, TZID) parses with ical.js; reminders to the yeses once; check-in once, on the timeline.
 */
for (const dialect of DIALECTS) {
  describe(`events (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let ws: string;
    let now = new Date('2027-06-01T09:00:00Z');
    beforeAll(async () => {
      t = await startTestApp(dialect, {
        env: { RAPPORT_SMTP_URL: 'smtp://127.0.0.1:1', RAPPORT_PUBLIC_URL: 'https://crm.example.test' },
        clock: () => now,
      });
      ({ auth, workspaceId: ws } = await t.newWorkspace({ name: 'Sweet Spot' }));
      await t.services.workspaces.updateWorkspace(ws, { timezone: 'Europe/London' }, 'test');
      await put('/api/v1/outreach/settings', { fromEmail: 'hi@sweet.example' });
    });
    afterAll(() => t.closeAll());
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const put = (url: string, payload: object) =>
      t.app.inject({ method: 'PUT', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const people = async (n: number, prefix: string, consent = true) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++)
        ids.push(
          (
            await post('/api/v1/customers', {
              name: `${prefix} ${i}`,
              emails: [{ address: `${prefix.toLowerCase()}${i}@example.com` }],
              phones: [{ number: `+4479460${String(10_000 + i).slice(1)}` }],
              consent: { marketing: consent, source: 'counter' },
            })
          ).json().id,
        );
      return ids;
    };
    /** The personal answer link of a customer's invitation (from the queued message). */
    const tokenOf = async (eventId: string, customerId: string) => {
      const m = await t.conn.db
        .selectFrom('messages')
        .select('body')
        .where('workspace_id', '=', ws)
        .where('dedupe_key', '=', `event:${eventId}:invite:${customerId}`)
        .executeTakeFirstOrThrow();
      return /\/p\/r\/([A-Za-z0-9_-]+)/.exec(m.body ?? '')?.[1] as string;
    };
    const form = (url: string, body: string) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      });

    it('never overbooks under 50 parallel answers, and lets answers change', async () => {
      const ev = await post('/api/v1/events', {
        title: 'Summer tasting {{ evil }}',
        startsAt: '2027-06-20T19:00',
        location: '12 High Street',
        capacity: 20,
      });
      expect(ev.statusCode).toBe(201);
      const e = ev.json();
      expect(e).toMatchObject({
        startsAt: '2027-06-20T19:00',
        startsAtUtc: '2027-06-20T18:00:00.000Z',
        seatsTaken: 0,
      });
      const guests = await people(50, 'Guest');
      const shy = await people(1, 'Shy', false);
      const inv = await post(`/api/v1/events/${e.id}/invite`, {
        audience: { kind: 'customers', ids: [...guests, ...shy] },
        channel: 'email',
      });
      expect(inv.json()).toEqual({ invited: 50, already: 0, skipped: { no_consent: 1 } });
      const again = await post(`/api/v1/events/${e.id}/invite`, {
        audience: { kind: 'customers', ids: guests },
      });
      expect(again.json()).toMatchObject({ invited: 0, already: 50 });
      const body = await t.conn.db
        .selectFrom('messages')
        .select(['subject', 'body'])
        .where('dedupe_key', '=', `event:${e.id}:invite:${guests[0]}`)
        .executeTakeFirstOrThrow();
      expect(body.subject).toBe('You are invited: Summer tasting {{ evil }}');
      expect(body.body).toContain('Sunday 20 June 2027 at 19:00');

      const tokens = await Promise.all(guests.map((g) => tokenOf(e.id, g)));
      const asked = tokens.map((_, i) => i % 3); // 0, 1 or 2 guests: 1 to 3 seats
      const results = await Promise.all(
        tokens.map((tok, i) => t.services.rsvp.answer(tok, { answer: 'yes', guests: asked[i] as number })),
      );
      expect(results.every((r) => r === 'saved' || r === 'full')).toBe(true);
      const after = (await get(`/api/v1/events/${e.id}`)).json();
      const saved = results.flatMap((r, i) => (r === 'saved' ? [1 + (asked[i] as number)] : []));
      expect(after.seatsTaken).toBe(saved.reduce((a, b) => a + b, 0));
      expect(after.seatsTaken).toBeLessThanOrEqual(20);
      // nobody was refused while their seats were free
      for (const [i, r] of results.entries())
        if (r === 'full') expect(1 + (asked[i] as number)).toBeGreaterThan(20 - after.seatsTaken);
      expect(after.counts.yes).toBe(saved.length);

      // a yes changes to no: its seats are free again; a yes from the page, without JavaScript
      const yesAt = results.indexOf('saved');
      expect(await t.services.rsvp.answer(tokens[yesAt] as string, { answer: 'no', guests: 0 })).toBe(
        'saved',
      );
      const freed = (await get(`/api/v1/events/${e.id}`)).json().seatsTaken;
      expect(freed).toBe(after.seatsTaken - 1 - (asked[yesAt] as number));
      const fullAt = results.indexOf('full');
      const tok = tokens[fullAt] as string;
      const page = await t.app.inject({ method: 'GET', url: `/p/r/${tok}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Summer tasting {{ evil }}'.replace(/</g, '&lt;'));
      const r = await form(`/p/r/${tok}`, 'answer=yes&guests=0');
      expect(r.statusCode).toBe(303);
      expect(r.headers.location).toBe(`/p/r/${tok}?r=saved`);
      const done = await t.app.inject({ method: 'GET', url: r.headers.location as string });
      expect(done.body).toContain('your answer is saved');
      expect(done.body).toContain('Your entry pass');
      expect(done.body).toContain('<svg');
      expect(await t.app.inject({ method: 'GET', url: '/p/r/not-a-real-token-at-all-123' })).toMatchObject({
        statusCode: 404,
      });

      // the capacity cannot go below the seats promised
      const shrink = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/events/${e.id}`,
        headers: auth,
        payload: { capacity: 1 },
      });
      expect(shrink.statusCode).toBe(409);

      // the day before: a reminder to each yes, once
      now = new Date('2027-06-19T19:00:00Z');
      const first = await t.services.events.remindDue(ws);
      const yesNow = (await get(`/api/v1/events/${e.id}`)).json().counts.yes;
      expect(first.queued).toBe(yesNow);
      expect((await t.services.events.remindDue(ws)).queued).toBe(0);

      // check-in at the door: by the QR code's token, once; on the timeline
      const ci = await post(`/api/v1/events/${e.id}/checkin`, { token: tok });
      expect(ci.statusCode).toBe(200);
      expect((await post(`/api/v1/events/${e.id}/checkin`, { token: tok })).statusCode).toBe(409);
      const tl = (await get(`/api/v1/customers/${ci.json().customerId}/timeline`)).json();
      expect(tl.items[0]).toMatchObject({ kind: 'event', body: 'Came to Summer tasting {{ evil }}' });
      const found = (await get(`/api/v1/events/${e.id}/attendees?q=guest%20${fullAt}`)).json().items;
      expect(found.map((a: { name: string }) => a.name)).toContain(`Guest ${fullAt}`);

      // the event has begun: answers are closed
      now = new Date('2027-06-20T18:00:00Z');
      expect(await t.services.rsvp.answer(tok, { answer: 'no', guests: 0 })).toBe('over');
      now = new Date('2027-06-01T09:00:00Z');
    });

    it('gives a calendar invitation ical.js reads: METHOD:REQUEST, a stable UID, the shop’s zone', async () => {
      const e = (
        await post('/api/v1/events', {
          title: 'Autumn launch',
          startsAt: '2027-10-30T18:30',
          durationMinutes: 90,
        })
      ).json();
      const [c] = await people(1, 'Cal');
      await post(`/api/v1/events/${e.id}/invite`, { audience: { kind: 'customers', ids: [c] } });
      const tok = await tokenOf(e.id, c as string);
      const read = async (url: string) => {
        const r = await t.app.inject({ method: 'GET', url });
        expect(r.statusCode).toBe(200);
        expect(r.headers['content-type']).toContain('text/calendar');
        const cal = new ICAL.Component(ICAL.parse(r.body));
        const ve = cal.getFirstSubcomponent('vevent') as ICAL.Component;
        const start = ve.getFirstProperty('dtstart') as ICAL.Property;
        // the shop's zone travels with the file: the instant is right in any calendar
        const vtz = cal.getFirstSubcomponent('vtimezone') as ICAL.Component;
        const zone = new ICAL.Timezone(vtz);
        const instant = (start.getFirstValue() as ICAL.Time).clone();
        instant.zone = zone;
        return {
          method: cal.getFirstPropertyValue('method'),
          uid: ve.getFirstPropertyValue('uid'),
          sequence: ve.getFirstPropertyValue('sequence'),
          tzid: start.getParameter('tzid'),
          start: String(start.getFirstValue()),
          attendee: String(ve.getFirstPropertyValue('attendee') ?? ''),
          utc: instant.toJSDate().toISOString(),
        };
      };
      const one = await read(`/p/r/${tok}/invite.ics`);
      expect(one).toMatchObject({
        method: 'REQUEST',
        tzid: 'Europe/London',
        start: '2027-10-30T18:30:00',
        utc: '2027-10-30T17:30:00.000Z',
      });
      expect(one.uid).toBe(`event-${e.id}@crm.example.test`);
      expect(one.attendee).toContain('cal0@example.com');
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/events/${e.id}`,
        headers: auth,
        payload: { startsAt: '2027-10-31T18:30' },
      });
      const two = await read(`/p/r/${tok}/invite.ics`);
      expect(two).toMatchObject({
        uid: one.uid,
        sequence: Number(one.sequence) + 1,
        start: '2027-10-31T18:30:00',
      });
      // the public event page and its calendar file
      const pub = await t.app.inject({ method: 'GET', url: new URL(e.publicUrl).pathname });
      expect(pub.body).toContain('Autumn launch');
      expect((await read(`${new URL(e.publicUrl).pathname}/event.ics`)).uid).toBe(one.uid);
      const cancel = await post(`/api/v1/events/${e.id}/cancel`, {});
      expect(cancel.json().status).toBe('cancelled');
      expect((await post(`/api/v1/events/${e.id}/cancel`, {})).statusCode).toBe(409);
      expect((await read(`/p/r/${tok}/invite.ics`)).method).toBe('CANCEL');
    });

    it('keeps one invitation when two invited customers merge, and gives the seats back', async () => {
      const e = (
        await post('/api/v1/events', { title: 'Merge night', startsAt: '2027-08-01T19:00', capacity: 10 })
      ).json();
      const [a, b] = await people(2, 'Twin');
      await post(`/api/v1/events/${e.id}/invite`, { audience: { kind: 'customers', ids: [a, b] } });
      for (const c of [a, b])
        expect(
          await t.services.rsvp.answer(await tokenOf(e.id, c as string), { answer: 'yes', guests: 1 }),
        ).toBe('saved');
      expect((await get(`/api/v1/events/${e.id}`)).json().seatsTaken).toBe(4);
      expect((await post(`/api/v1/customers/${a}/merge`, { otherId: b })).statusCode).toBe(200);
      const after = (await get(`/api/v1/events/${e.id}`)).json();
      expect(after).toMatchObject({ seatsTaken: 2, counts: { invited: 1, yes: 1 } });
    });

    it('keeps events to their workspace', async () => {
      const e = (await post('/api/v1/events', { title: 'Private', startsAt: '2027-07-01T10:00' })).json();
      const other = await t.newWorkspace();
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/events/${e.id}`, headers: other.auth });
      expect(r.statusCode).toBe(404);
      const list = (
        await t.app.inject({ method: 'GET', url: '/api/v1/events/list', headers: other.auth })
      ).json();
      expect(list.items).toEqual([]);
      expect(
        (await get('/api/v1/events/list')).json().items.map((x: { title: string }) => x.title),
      ).toContain('Private');
    });
  });
}
