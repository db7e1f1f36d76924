import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`customers API (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth } = await t.newWorkspace({ region: 'NG' }));
    });
    afterAll(() => t.closeAll());

    const post = (url: string, payload: unknown, headers = auth) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers });
    const get = (url: string, headers = auth) => t.app.inject({ method: 'GET', url, headers });

    it('creates a person with a local phone and answers with its E.164 form', async () => {
      const res = await post('/api/v1/customers', {
        kind: 'person',
        name: 'Ada Okafor',
        phones: [{ number: '0803 123 4567', label: 'mobile' }],
        emails: [{ address: 'Ada@Example.com' }],
      });
      expect(res.statusCode).toBe(201);
      const c = res.json();
      expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(c.phones[0]).toMatchObject({
        number: '0803 123 4567',
        e164: '+2348031234567',
        label: 'mobile',
        valid: true,
      });
      expect(c.emails[0].address).toBe('Ada@Example.com');
      const again = await get(`/api/v1/customers/${c.id}`);
      expect(again.json().name).toBe('Ada Okafor');
    });

    it('keeps an invalid phone, flagged, instead of dropping it', async () => {
      const res = await post('/api/v1/customers', { name: 'Flaky Number', phones: [{ number: '12345' }] });
      expect(res.statusCode).toBe(201);
      expect(res.json().phones[0]).toMatchObject({ number: '12345', valid: false });
    });

    it('recognises the caller from any format of the number', async () => {
      for (const phone of ['0803 123 4567', '+234 803 123 4567', '2348031234567', '08031234567']) {
        const res = await get(`/api/v1/lookup?phone=${encodeURIComponent(phone)}`);
        expect(res.statusCode, phone).toBe(200);
        expect(res.json().name).toBe('Ada Okafor');
      }
      const unknown = await get(`/api/v1/lookup?phone=${encodeURIComponent('0803 000 0000')}`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('CUSTOMER_NOT_FOUND');
      expect(unknown.headers['content-type']).toContain('application/problem+json');
    });

    it('recognises a US caller in a US workspace', async () => {
      const us = await t.newWorkspace({ region: 'US' });
      const created = await post(
        '/api/v1/customers',
        { name: 'Sam Rivera', phones: [{ number: '(415) 555-0100' }] },
        us.auth,
      );
      expect(created.json().phones[0].e164).toBe('+14155550100');
      const res = await get(`/api/v1/lookup?phone=${encodeURIComponent('+1 415-555-0100')}`, us.auth);
      expect(res.json().id).toBe(created.json().id);
    });

    it('rejects bad input with 400 and the failing field', async () => {
      const cases: [unknown, string][] = [
        [{ name: '' }, '/body/name'],
        [{ name: 'X', emails: [{ address: 'not-an-email' }] }, '/body/emails/0/address'],
        [{ name: 'X', birthday: '1990-02-30' }, '/body/birthday'],
        [{ name: 'X', kind: 'robot' }, '/body/kind'],
      ];
      for (const [payload, pointer] of cases) {
        const res = await post('/api/v1/customers', payload);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', pointer });
      }
      const limit = await get('/api/v1/customers?limit=5000');
      expect(limit.statusCode).toBe(400);
      expect(limit.json().pointer).toBe('/querystring/limit');
    });

    it('says what is wrong with a body that is not JSON, empty, or too large', async () => {
      const raw = (payload: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          payload,
          headers: { ...auth, 'content-type': 'application/json' },
        });
      const cases: [string, number, string][] = [
        ['{"name": "Ada"', 400, 'INVALID_JSON'],
        ['', 400, 'EMPTY_BODY'],
        [JSON.stringify({ name: 'x'.repeat(2_000_000) }), 413, 'BODY_TOO_LARGE'],
      ];
      for (const [payload, status, code] of cases) {
        const res = await raw(payload);
        expect(res.statusCode, code).toBe(status);
        expect(res.json().code).toBe(code);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('stores calendar dates as dates, with or without a year, plus consent with source and date', async () => {
      const res = await post('/api/v1/customers', {
        name: 'Ngozi Eze',
        birthday: '--12-25',
        anniversary: '2010-06-12',
        consent: { marketing: true, source: 'counter sign-up' },
        customFields: { shoeSize: 39 },
        tags: ['VIP', 'regular'],
        needs: 'Nut allergy',
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        birthday: '--12-25',
        anniversary: '2010-06-12',
        tags: ['regular', 'vip'],
        customFields: { shoeSize: 39 },
        needs: 'Nut allergy',
      });
      expect(res.json().consent).toMatchObject({ marketing: true, source: 'counter sign-up' });
      expect(Date.parse(res.json().consent.at)).not.toBeNaN();
    });

    it('links people to their business both ways and finds people by company', async () => {
      const biz = (await post('/api/v1/customers', { kind: 'business', name: 'Lagoon Catering' })).json();
      const person = (
        await post('/api/v1/customers', { name: 'Tunde Bello', businessId: biz.id, jobTitle: 'Procurement' })
      ).json();
      expect(person.business).toMatchObject({ id: biz.id, name: 'Lagoon Catering' });
      expect((await get(`/api/v1/customers/${biz.id}`)).json().people).toEqual([
        { id: person.id, name: 'Tunde Bello', jobTitle: 'Procurement' },
      ]);
      const found = (await get('/api/v1/customers?q=lagoon')).json().items.map((i: { id: string }) => i.id);
      expect(found).toEqual(expect.arrayContaining([biz.id, person.id]));
      const bad = await post('/api/v1/customers', { name: 'Y', businessId: person.id });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('NOT_A_BUSINESS');
    });

    it('searches names with typos, phones in any format, emails and tags', async () => {
      const john = (
        await post('/api/v1/customers', {
          name: 'John Smith',
          phones: [{ number: '0805 555 1212' }],
          emails: [{ address: 'jsmith@shop.ng' }],
          tags: ['wholesale'],
        })
      ).json();
      await post('/api/v1/customers', { name: 'Johnny Walker' });
      await post('/api/v1/customers', { name: 'Mary Smithson' });
      const ids = async (q: string) =>
        (await get(`/api/v1/customers?q=${encodeURIComponent(q)}`))
          .json()
          .items.map((i: { id: string }) => i.id);
      expect(await ids('Jonh Smiht')).toEqual([john.id]);
      expect(await ids('john smith')).toEqual([john.id]);
      expect((await ids('jo')).length).toBeGreaterThanOrEqual(2);
      expect(await ids('+234 805 555 1212')).toEqual([john.id]);
      expect(await ids('0805 555')).toContain(john.id);
      expect(await ids('jsmith@')).toEqual([john.id]);
      expect(await ids('wholesale')).toEqual([john.id]);
      expect(await ids('zzzz qqqq')).toEqual([]);
      // exact matches come before typo-forgiven ones
      await post('/api/v1/customers', { name: 'Jon Smith' });
      const order = (await get(`/api/v1/customers?q=${encodeURIComponent('john smith')}`))
        .json()
        .items.map((i: { name: string }) => i.name);
      expect(order[0]).toBe('John Smith');
    });

    it('pages with a cursor, filters by tag and kind, and never repeats a row', async () => {
      const w = await t.newWorkspace();
      for (let i = 0; i < 23; i++)
        await post(
          '/api/v1/customers',
          {
            name: `Customer ${String(i).padStart(2, '0')}`,
            kind: i % 5 === 0 ? 'business' : 'person',
            tags: i % 2 ? ['odd'] : [],
          },
          w.auth,
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/api/v1/customers?limit=10${cursor ? `&cursor=${cursor}` : ''}`, w.auth);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        seen.push(...body.items.map((i: { name: string }) => i.name));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(23);
      expect(new Set(seen).size).toBe(23);
      expect(seen).toEqual([...seen].sort());
      expect((await get('/api/v1/customers?tag=odd&limit=100', w.auth)).json().items).toHaveLength(11);
      expect((await get('/api/v1/customers?kind=business&limit=100', w.auth)).json().items).toHaveLength(5);
      // search results page too
      const p1 = (await get('/api/v1/customers?q=customer&limit=20', w.auth)).json();
      const p2 = (await get(`/api/v1/customers?q=customer&limit=20&cursor=${p1.nextCursor}`, w.auth)).json();
      expect(p1.items.length + p2.items.length).toBe(23);
      expect(p2.nextCursor).toBeNull();
      expect((await get('/api/v1/customers?cursor=garbage', w.auth)).json().code).toBe('BAD_CURSOR');
    });

    it('pages through a word that thousands of customers share, in name order, straight from SQL', async () => {
      const w = await t.newWorkspace();
      const inputs = Array.from({ length: 2100 }, (_, i) => ({
        name: `Common Person ${String(i).padStart(4, '0')}`,
      }));
      await t.services.customers.createCustomers(w.workspaceId, inputs, 'test');
      await post('/api/v1/customers', { name: 'Uncommon Soul', tags: ['common'] }, w.auth);
      const first = (await get('/api/v1/customers?q=common&limit=100', w.auth)).json();
      expect(first.items[0].name).toBe('Uncommon Soul'); // the tag hit comes first
      expect(first.items.slice(1, 4).map((i: { name: string }) => i.name)).toEqual([
        'Common Person 0000',
        'Common Person 0001',
        'Common Person 0002',
      ]);
      let seen = first.items.length;
      let cursor = first.nextCursor;
      while (cursor) {
        const page = (await get(`/api/v1/customers?q=common&limit=1000&cursor=${cursor}`, w.auth)).json();
        seen += page.items.length;
        cursor = page.nextCursor;
      }
      expect(seen).toBe(2101);
    });

    it('updates in place (arrays replace) and deletes', async () => {
      const c = (
        await post('/api/v1/customers', {
          name: 'Kemi Adeyemi',
          phones: [{ number: '0806 111 2222' }],
          tags: ['a'],
        })
      ).json();
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/customers/${c.id}`,
        headers: auth,
        payload: { name: 'Kemi Adeyemi-Balogun', phones: [{ number: '+234 807 333 4444', label: 'work' }] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'Kemi Adeyemi-Balogun', tags: ['a'] });
      expect(res.json().phones.map((p: { e164: string }) => p.e164)).toEqual(['+2348073334444']);
      expect((await get('/api/v1/lookup?phone=08061112222')).statusCode).toBe(404);
      expect(
        (await get('/api/v1/customers?q=balogun')).json().items.map((i: { id: string }) => i.id),
      ).toContain(c.id);
      const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/customers/${c.id}`, headers: auth });
      expect(del.statusCode).toBe(204);
      expect((await get(`/api/v1/customers/${c.id}`)).statusCode).toBe(404);
    });

    it('logs touches on a timeline, newest first, paginated, and shows them on the caller card', async () => {
      const c = (
        await post('/api/v1/customers', { name: 'Timeline Person', phones: [{ number: '0809 876 5432' }] })
      ).json();
      for (let d = 1; d <= 5; d++) {
        const r = await post(`/api/v1/customers/${c.id}/interactions`, {
          kind: d % 2 ? 'visit' : 'note',
          body: `touch ${d}`,
          occurredAt: `2026-0${d}-10T10:00:00Z`,
        });
        expect(r.statusCode).toBe(201);
      }
      const p1 = (await get(`/api/v1/customers/${c.id}/timeline?limit=3`)).json();
      expect(p1.items.map((i: { body: string }) => i.body)).toEqual(['touch 5', 'touch 4', 'touch 3']);
      const p2 = (await get(`/api/v1/customers/${c.id}/timeline?limit=3&cursor=${p1.nextCursor}`)).json();
      expect(p2.items.map((i: { body: string }) => i.body)).toEqual(['touch 2', 'touch 1']);
      expect(p2.nextCursor).toBeNull();
      const card = (await get('/api/v1/lookup?phone=08098765432')).json();
      expect(card.lastInteraction).toMatchObject({ kind: 'visit', body: 'touch 5' });
      expect(card.interactionCount).toBe(5);
      const bad = await post(`/api/v1/customers/${c.id}/interactions`, { kind: 'telepathy' });
      expect(bad.statusCode).toBe(400);
      expect((await post('/api/v1/customers/nope/interactions', { kind: 'note' })).statusCode).toBe(404);
    });
  });
}
