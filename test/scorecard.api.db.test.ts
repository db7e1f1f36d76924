import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/platform/db/ids.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * The trust & respect scorecard against figures computed by hand on a small fixture (workspace in Lagos,
 * UTC+1, weeks Monday–Sunday). Range: the weeks of Mon 16 and Mon 23 November 2026; the clock stands at
 * Tue 1 December 12:00 UTC.
 *
 * Customers: Chika (phone, email, birthday, needs, consent; bought 10 Nov 2026), Dayo (phone; bought
 * 25 Nov 2025, so active at the end of week 1 — 22 Nov 23:00 UTC minus 365 days is 22 Nov 2025 23:00 — and no
 * longer at the end of week 2), Emeka (email only, bought 20 Nov 2026), Funmi (never bought: never active).
 * Active at the range's end: Chika and Emeka (2); week 1: Chika, Dayo, Emeka (3); week 2: 2.
 * Staff: Ade and Bisi; the owner handles nothing.
 */
const T = {
  k1: '2026-11-16T09:00:00.000Z', // complaint 1 (Funmi, Ade): answered 30 min later, resolved 24 h later, closed confirmed
  k2: '2026-11-17T08:00:00.000Z', // complaint 2 (Chika, Bisi): answered 120 min, resolved 60 h, closed unconfirmed 24 Nov
  k3: '2026-11-24T10:00:00.000Z', // complaint 3 (Emeka, Ade): never answered
  e1: '2026-11-18T12:00:00.000Z', // enquiry 1 (Dayo, Ade): answered 10 min later
  e2: '2026-11-25T12:00:00.000Z', // enquiry 2 (Emeka, Bisi): answered 240 min later
};
const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000);

for (const dialect of DIALECTS) {
  describe(`trust & respect scorecard (${dialect})`, () => {
    let t: TestApp;
    let now = new Date('2026-11-01T12:00:00Z');
    let ws: Awaited<ReturnType<TestApp['newWorkspace']>>;
    let other: Awaited<ReturnType<TestApp['newWorkspace']>>;
    const ids: Record<string, string> = {};
    const call = async (method: string, url: string, body?: unknown, auth = ws.auth) => {
      const r = await t.app.inject({
        method: method as 'GET',
        url,
        headers: auth,
        ...(body !== undefined && { payload: body as object }),
      });
      if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
      return r.json();
    };
    const get = (url: string, auth = ws.auth) => call('GET', url, undefined, auth);
    const customer = async (body: object, boughtAt: string | null, auth = ws.auth) => {
      const c = await call('POST', '/api/v1/customers', body, auth);
      if (boughtAt)
        await call(
          'POST',
          '/api/v1/orders',
          { customerId: c.id, placedAt: boughtAt, lines: [{ name: 'Bread', unitPrice: 1000 }] },
          auth,
        );
      return c.id as string;
    };

    beforeAll(async () => {
      t = await startTestApp(dialect, { clock: () => now });
      ws = await t.newWorkspace();
      other = await t.newWorkspace();
      for (const name of ['Ade', 'Bisi'])
        ids[name] = (
          await call('POST', '/api/v1/users', {
            email: `${name}@example.com`,
            name,
            password: 'correct horse',
          })
        ).id;
      ids.chika = await customer(
        {
          name: 'Chika',
          phones: [{ number: '0803 111 0001' }],
          emails: [{ address: 'chika@example.com' }],
          birthday: '1990-04-02',
          needs: 'Gluten-free bread',
          consent: { marketing: true, source: 'counter' },
        },
        '2026-11-10T10:00:00.000Z',
      );
      ids.dayo = await customer(
        { name: 'Dayo', phones: [{ number: '0803 111 0002' }] },
        '2025-11-25T10:00:00.000Z',
      );
      ids.emeka = await customer(
        { name: 'Emeka', emails: [{ address: 'emeka@example.com' }] },
        '2026-11-20T10:00:00.000Z',
      );
      ids.funmi = await customer({ name: 'Funmi' }, null);
      // another workspace's customer, complaint, touch and order in the same weeks: never counted
      const stranger = await customer(
        { name: 'Stranger Danger', phones: [{ number: '0803 999 0000' }] },
        '2026-11-18T10:00:00.000Z',
        other.auth,
      );
      now = new Date(T.k1);
      await call(
        'POST',
        '/api/v1/complaints',
        { customerId: stranger, channel: 'phone', words: 'Other shop', severity: 'low' },
        other.auth,
      );
      await call(
        'POST',
        `/api/v1/customers/${stranger}/interactions`,
        { kind: 'call', direction: 'outbound', occurredAt: T.k1, authorId: other.ownerId, body: 'Hello' },
        other.auth,
      );

      const complaint = async (customerId: string, owner: string) =>
        (
          await call('POST', '/api/v1/complaints', {
            customerId,
            ownerId: ids[owner],
            channel: 'phone',
            words: 'Stale',
            severity: 'high',
            paraphrase: 'Stale bread',
          })
        ).id as string;
      const step = async (id: string, when: Date, action: string, body: object) => {
        now = when;
        await call('POST', `/api/v1/complaints/${id}/${action}`, body);
      };
      const resolve = async (id: string, when: Date) => {
        await step(id, when, 'offer', { options: [{ kind: 'replace' }], choice: 0 });
        await step(id, when, 'resolve', { summary: 'Fresh loaf', apologized: true });
      };
      const k1 = await complaint(ids.funmi as string, 'Ade');
      await step(k1, at(T.k1, 30), 'respond', { note: 'Sorry, we will sort it' });
      await resolve(k1, at(T.k1, 24 * 60));
      await step(k1, new Date('2026-11-18T10:00:00Z'), 'close', { customerConfirmed: true });
      now = new Date(T.k2);
      const k2 = await complaint(ids.chika as string, 'Bisi');
      await step(k2, at(T.k2, 120), 'respond', { note: 'Looking into it' });
      await resolve(k2, at(T.k2, 60 * 60));
      await step(k2, new Date('2026-11-21T10:00:00Z'), 'respond', { note: 'No answer', reached: false });
      await step(k2, new Date('2026-11-22T10:00:00Z'), 'respond', { note: 'No answer', reached: false });
      await step(k2, new Date('2026-11-24T09:00:00Z'), 'close', { customerConfirmed: false });
      now = new Date(T.k3);
      await complaint(ids.emeka as string, 'Ade');
      for (const [key, who, owner, wait] of [
        ['e1', 'dayo', 'Ade', 10],
        ['e2', 'emeka', 'Bisi', 240],
      ] as const) {
        now = new Date(T[key]);
        const e = await call('POST', '/api/v1/enquiries', {
          customerId: ids[who],
          ownerId: ids[owner],
          kind: 'question',
          channel: 'phone',
          body: 'Open Sunday?',
        });
        now = at(T[key], wait);
        await call('POST', `/api/v1/enquiries/${e.id}/respond`, { note: 'Yes' });
      }
      // proactive touches: Ade calls Chika (week 1) and leaves Dayo a note (week 2), Bisi calls Chika (week 2);
      // an inbound call is not proactive
      now = new Date('2026-12-01T12:00:00Z');
      const touch = (who: string, author: string, kind: string, direction: string, occurredAt: string) =>
        call('POST', `/api/v1/customers/${ids[who]}/interactions`, {
          kind,
          direction,
          occurredAt,
          authorId: ids[author],
          body: 'How is it going?',
        });
      await touch('chika', 'Ade', 'call', 'outbound', '2026-11-17T10:00:00.000Z');
      await touch('dayo', 'Ade', 'note', 'outbound', '2026-11-24T10:00:00.000Z');
      await touch('chika', 'Bisi', 'call', 'outbound', '2026-11-25T10:00:00.000Z');
      await touch('emeka', 'Ade', 'call', 'inbound', '2026-11-18T10:00:00.000Z');

      // Promises and NPS answers are written as their modules write them (the promises API is on its own branch;
      // an NPS answer arrives through a one-time link): rows of the documented shape.
      const db = t.conn.db;
      const promise = (who: string, owner: string, dueAt: string, status: string, keptAt: string | null) => ({
        workspace_id: ws.workspaceId,
        id: newId(),
        customer_id: ids[who] as string,
        owner_id: ids[owner] as string,
        created_by: 'test',
        what: `Call ${who} back`,
        due_at: dueAt,
        all_day: 0,
        due_date: null,
        source_kind: null,
        source_id: null,
        status: status as 'open',
        kept_at: keptAt,
        kept_late: keptAt ? Number(keptAt > dueAt) : null,
        broken_at: status === 'broken' ? dueAt : null,
        cancelled_at: null,
        closed_by: null,
        reschedules: 0,
        late_notice_message_id: null,
        reminded_at: null,
        created_at: '2026-11-10T00:00:00.000Z',
        updated_at: '2026-11-10T00:00:00.000Z',
      });
      await db
        .insertInto('promises')
        .values([
          promise('chika', 'Ade', '2026-11-17T15:00:00.000Z', 'kept', '2026-11-17T14:00:00.000Z'), // on time (week 1)
          promise('dayo', 'Ade', '2026-11-19T15:00:00.000Z', 'kept', '2026-11-20T09:00:00.000Z'), // late (week 1)
          promise('emeka', 'Bisi', '2026-11-24T12:00:00.000Z', 'broken', null), // broken (week 2)
          promise('chika', 'Bisi', '2026-11-26T12:00:00.000Z', 'open', null), // open and overdue (week 2)
          promise('emeka', 'Ade', '2026-11-27T12:00:00.000Z', 'cancelled', null), // cancelled: not counted
        ])
        .execute();
      const answer = (who: string, staff: string | null, score: number, createdAt: string) => ({
        workspace_id: ws.workspaceId,
        id: newId(),
        token_hash: newId(),
        kind: 'nps',
        customer_id: ids[who] as string,
        campaign_id: null,
        message_id: null,
        reason: null,
        score,
        staff_id: staff && (ids[staff] as string),
        text: null,
        may_contact: null,
        complaint_id: null,
        created_at: createdAt,
      });
      await db
        .insertInto('survey_answers')
        .values([
          answer('chika', 'Ade', 10, '2026-11-18T10:00:00.000Z'),
          answer('funmi', null, 3, '2026-11-19T10:00:00.000Z'),
          answer('dayo', 'Ade', 6, '2026-11-25T10:00:00.000Z'),
          answer('emeka', 'Bisi', 8, '2026-11-24T10:00:00.000Z'),
        ])
        .execute();
    });
    afterAll(() => t.closeAll());

    const RANGE = 'period=week&from=2026-11-16&to=2026-11-29';
    type Fig = { value: number | null; numerator: number; denominator: number };
    type M = Fig & {
      metric: string;
      target: number | null;
      met: boolean | null;
      trend: (Fig & { period: string })[];
      staff: (Fig & { userId: string })[];
    };
    const card = async (q = RANGE) => {
      const s = await get(`/api/v1/scorecard?${q}`);
      return { s, m: Object.fromEntries(s.metrics.map((x: M) => [x.metric, x])) as Record<string, M> };
    };
    const f = (value: number | null, numerator: number, denominator: number) => ({
      value,
      numerator,
      denominator,
    });
    const trend = (x: M) =>
      x.trend.map(({ value, numerator, denominator }) => f(value, numerator, denominator));
    const person = (x: M, name: string) => {
      const p = x.staff.find((s) => s.userId === ids[name]) as Fig;
      return f(p.value, p.numerator, p.denominator);
    };

    it('computes every figure as by hand, per period and per person', async () => {
      const { s, m } = await card();
      expect(s.periods.map((p: { key: string; start: string }) => [p.key, p.start])).toEqual([
        ['2026-11-16', '2026-11-15T23:00:00.000Z'],
        ['2026-11-23', '2026-11-22T23:00:00.000Z'],
      ]);
      // promises due: week 1 on time + late (1 of 2), week 2 broken + overdue (0 of 2): 1 of 4 = 25 %
      expect(m.promisesKeptOnTime).toMatchObject(f(25, 1, 4));
      expect(trend(m.promisesKeptOnTime!)).toEqual([f(50, 1, 2), f(0, 0, 2)]);
      expect(person(m.promisesKeptOnTime!, 'Ade')).toEqual(f(50, 1, 2));
      expect(person(m.promisesKeptOnTime!, 'Bisi')).toEqual(f(0, 0, 2));
      // first responses 30, 120, 10, 240 min (one of 5 unanswered): median (30 + 120) / 2 = 75
      expect(m.firstResponse).toMatchObject(f(75, 4, 5));
      expect(trend(m.firstResponse!)).toEqual([f(30, 3, 3), f(240, 1, 2)]); // week 1: 10, 30, 120; week 2: 240
      expect(person(m.firstResponse!, 'Ade')).toEqual(f(20, 2, 3)); // 30 and 10; complaint 3 waits
      expect(person(m.firstResponse!, 'Bisi')).toEqual(f(180, 2, 2)); // 120 and 240
      // resolved after 24 h and 60 h; complaint 3 open: median 42 h
      expect(m.resolveTime).toMatchObject(f(42, 2, 3));
      expect(trend(m.resolveTime!)).toEqual([f(42, 2, 2), f(null, 0, 1)]);
      expect(person(m.resolveTime!, 'Bisi')).toEqual(f(60, 1, 1));
      // closed: complaint 1 confirmed (week 1), complaint 2 unconfirmed (week 2)
      expect(m.closedConfirmed).toMatchObject(f(50, 1, 2));
      expect(trend(m.closedConfirmed!)).toEqual([f(100, 1, 1), f(0, 0, 1)]);
      expect(person(m.closedConfirmed!, 'Ade')).toEqual(f(100, 1, 1));
      // 3 outbound touches (the inbound call and the other shop's are not) per 2 active customers: 150 per 100;
      // week 1: 1 per 3 active = 33.3; week 2: 2 per 2 = 100
      expect(m.proactiveContacts).toMatchObject(f(150, 3, 2));
      expect(trend(m.proactiveContacts!)).toEqual([f(33.3, 1, 3), f(100, 2, 2)]);
      expect(person(m.proactiveContacts!, 'Ade')).toEqual(f(100, 2, 2));
      expect(person(m.proactiveContacts!, 'Bisi')).toEqual(f(50, 1, 2));
      // active at the end: Chika (everything) and Emeka (email only); week 1 adds Dayo (phone)
      expect(m.needsKnown).toMatchObject(f(50, 1, 2));
      expect(trend(m.needsKnown!)).toEqual([f(33.3, 1, 3), f(50, 1, 2)]);
      expect(m.withPhone).toMatchObject(f(50, 1, 2));
      expect(trend(m.withPhone!)).toEqual([f(66.7, 2, 3), f(50, 1, 2)]);
      expect(m.withEmail).toMatchObject(f(100, 2, 2));
      expect(m.withBirthday).toMatchObject(f(50, 1, 2));
      expect(m.withConsent).toMatchObject(f(50, 1, 2));
      expect(m.needsKnown!.staff).toEqual([]);
      // NPS: 10, 3, 8, 6 → 1 promoter, 2 detractors of 4: (1 − 2) / 4 = −25; week 1 (10, 3): 0; week 2 (8, 6): −50
      expect(m.nps).toMatchObject(f(-25, -1, 4));
      expect(trend(m.nps!)).toEqual([f(0, 0, 2), f(-50, -1, 2)]);
      expect(person(m.nps!, 'Ade')).toEqual(f(0, 0, 2));
    });

    it('narrows to one person, and never counts another workspace', async () => {
      const { m } = await card(`${RANGE}&userId=${ids.Ade}`);
      expect(m.firstResponse).toMatchObject(f(20, 2, 3));
      expect(m.proactiveContacts).toMatchObject(f(100, 2, 2));
      expect(m.withPhone).toMatchObject(f(50, 1, 2)); // about the customer base: the same for everyone
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/scorecard?${RANGE}&userId=${ids.Ade}`,
        headers: other.auth,
      });
      expect(r.statusCode).toBe(404);
      const theirs = Object.fromEntries(
        (await get(`/api/v1/scorecard?${RANGE}`, other.auth)).metrics.map((x: M) => [x.metric, x]),
      ) as Record<string, M>;
      expect(theirs.withPhone).toMatchObject(f(100, 1, 1));
      expect(theirs.firstResponse).toMatchObject(f(null, 0, 1));
      expect(theirs.proactiveContacts).toMatchObject(f(100, 1, 1));
      expect(theirs.promisesKeptOnTime).toMatchObject(f(null, 0, 0));
      const list = await get(`/api/v1/scorecard/withPhone/customers?${RANGE}`, other.auth);
      expect(list.items.map((i: { name: string }) => i.name)).toEqual([]);
    });

    it('lists the customers behind each figure, paged', async () => {
      const names = async (metric: string, extra = '') =>
        (await get(`/api/v1/scorecard/${metric}/customers?${RANGE}${extra}`)).items.map(
          (i: { name: string; detail: string }) => `${i.name}: ${i.detail}`,
        );
      expect(await names('promisesKeptOnTime')).toEqual([
        'Dayo: Kept late: Call dayo back',
        'Emeka: Broken: Call emeka back',
        'Chika: Overdue: Call chika back',
      ]);
      expect(await names('closedConfirmed')).toEqual(['Chika: Closed: the customer could not be reached']);
      expect(await names('withPhone')).toEqual(['Emeka: Not recorded']);
      expect(await names('needsKnown')).toEqual(['Emeka: Not recorded']);
      expect(await names('proactiveContacts')).toEqual(['Emeka: Not contacted in this time']);
      expect(await names('nps')).toEqual(['Funmi: Scored 3 out of 10', 'Dayo: Scored 6 out of 10']);
      expect((await names('firstResponse'))[0]).toMatch(/^Emeka: Complaint: waiting for 7 days/);
      const first = await get(`/api/v1/scorecard/promisesKeptOnTime/customers?${RANGE}&limit=2`);
      expect(first.items).toHaveLength(2);
      const rest = await get(
        `/api/v1/scorecard/promisesKeptOnTime/customers?${RANGE}&limit=2&cursor=${first.nextCursor}`,
      );
      expect(rest.items.map((i: { name: string }) => i.name)).toEqual(['Chika']);
      expect(rest.nextCursor).toBeNull();
    });

    it('takes the owner’s targets and says whether each is met', async () => {
      const staffKey = (await call('POST', '/api/v1/api-keys', { name: 'staff', scopes: ['read', 'write'] }))
        .key;
      const denied = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/scorecard/targets',
        headers: { authorization: `Bearer ${staffKey}` },
        payload: { targets: { nps: 50 } },
      });
      expect(denied.statusCode).toBe(403);
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/scorecard/targets',
        headers: ws.auth,
        payload: { targets: { promisesKeptOnTime: 120 } },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'SCORECARD_TARGET_INVALID' });
      expect(
        await call('PUT', '/api/v1/scorecard/targets', {
          targets: { promisesKeptOnTime: 80, firstResponse: 90, nps: 10 },
        }),
      ).toEqual({
        targets: { promisesKeptOnTime: 80, firstResponse: 90, nps: 10 },
      });
      expect(await call('PUT', '/api/v1/scorecard/targets', { targets: { nps: null } })).toEqual({
        targets: { promisesKeptOnTime: 80, firstResponse: 90 },
      });
      const { m } = await card();
      expect(m.promisesKeptOnTime).toMatchObject({ target: 80, met: false }); // 25 < 80
      expect(m.firstResponse).toMatchObject({ target: 90, met: true }); // 75 min ≤ 90: lower is better
      expect(m.nps).toMatchObject({ target: null, met: null });
      expect(await get('/api/v1/scorecard/targets', other.auth)).toEqual({ targets: {} });
    });

    it('cuts weeks and months at local midnight across the end of summer time', async () => {
      const uk = await t.newWorkspace();
      await call('PATCH', '/api/v1/workspace', { timezone: 'Europe/London' }, uk.auth);
      const c = await customer({ name: 'Gwen' }, null, uk.auth);
      now = new Date('2026-12-01T12:00:00Z');
      // Sun 18 Oct 23:30 BST (week of 12 Oct); Mon 19 Oct 00:30 BST and Sun 25 Oct 23:30 GMT (week of 19 Oct,
      // which is 169 hours long: clocks went back on 25 Oct); Sat 31 Oct 23:30 GMT (still October)
      for (const receivedAt of [
        '2026-10-18T22:30:00.000Z',
        '2026-10-18T23:30:00.000Z',
        '2026-10-25T23:30:00.000Z',
        '2026-10-31T23:30:00.000Z',
      ])
        await call(
          'POST',
          '/api/v1/enquiries',
          { customerId: c, kind: 'question', channel: 'phone', body: 'Open?', receivedAt },
          uk.auth,
        );
      const weeks = await get('/api/v1/scorecard?period=week&from=2026-10-12&to=2026-11-01', uk.auth);
      expect(weeks.periods.map((p: { start: string; end: string }) => [p.start, p.end])).toEqual([
        ['2026-10-11T23:00:00.000Z', '2026-10-18T23:00:00.000Z'],
        ['2026-10-18T23:00:00.000Z', '2026-10-26T00:00:00.000Z'],
        ['2026-10-26T00:00:00.000Z', '2026-11-02T00:00:00.000Z'],
      ]);
      const fr = weeks.metrics.find((x: M) => x.metric === 'firstResponse') as M;
      expect(fr.trend.map((p) => p.denominator)).toEqual([1, 2, 1]);
      const months = await get('/api/v1/scorecard?period=month&from=2026-10-01&to=2026-11-30', uk.auth);
      expect(months.periods.map((p: { key: string; start: string }) => [p.key, p.start])).toEqual([
        ['2026-10-01', '2026-09-30T23:00:00.000Z'],
        ['2026-11-01', '2026-11-01T00:00:00.000Z'],
      ]);
      const fm = months.metrics.find((x: M) => x.metric === 'firstResponse') as M;
      expect(fm.trend.map((p) => p.denominator)).toEqual([4, 0]);
      const bad = await t.app.inject({
        method: 'GET',
        url: '/api/v1/scorecard?from=2026-11-02&to=2026-11-01',
        headers: uk.auth,
      });
      expect(bad.json()).toMatchObject({ code: 'SCORECARD_RANGE_INVALID' });
    });
  });
}
