import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`duplicates and merge (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth } = await t.newWorkspace());
    });
    afterAll(() => t.closeAll());
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });

    it('suggests duplicates by phone, email and name, and merges keeping everything of both', async () => {
      const a = (
        await post('/api/v1/customers', {
          name: 'Ada Okafor',
          phones: [{ number: '0803 123 4567' }],
          tags: ['vip'],
          needs: 'Mornings',
        })
      ).json();
      const b = (
        await post('/api/v1/customers', {
          name: 'ada okafor',
          phones: [{ number: '+234 803 123 4567' }, { number: '0805 000 1111' }],
          emails: [{ address: 'ada@example.com' }],
          tags: ['wholesale'],
          birthday: '--04-17',
        })
      ).json();
      await post('/api/v1/customers', { name: 'Someone Else', phones: [{ number: '0809 999 9999' }] });
      await post(`/api/v1/customers/${a.id}/interactions`, { kind: 'note', body: 'on A' });
      await post(`/api/v1/customers/${b.id}/interactions`, { kind: 'visit', body: 'on B' });
      await post('/api/v1/orders', { customerId: b.id, lines: [{ name: 'Cake', unitPrice: 5000 }] });

      const dups = (await get('/api/v1/customers/duplicates')).json().items;
      expect(dups).toHaveLength(1);
      expect(dups[0].customers.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
      expect(dups[0].reasons.map((r: { reason: string }) => r.reason).sort()).toEqual(['name', 'phone']);

      const merged = await post(`/api/v1/customers/${a.id}/merge`, { otherId: b.id });
      expect(merged.statusCode).toBe(200);
      const m = merged.json();
      expect(m.phones.map((p: { e164: string }) => p.e164)).toEqual(['+2348031234567', '+2348050001111']);
      expect(m.emails.map((e: { address: string }) => e.address)).toEqual(['ada@example.com']);
      expect(m.tags).toEqual(['vip', 'wholesale']);
      expect(m).toMatchObject({ name: 'Ada Okafor', needs: 'Mornings', birthday: '--04-17' });
      const timeline = (await get(`/api/v1/customers/${a.id}/timeline`))
        .json()
        .items.map((i: { kind: string; body: string }) => i.body);
      expect(timeline).toEqual(
        expect.arrayContaining(['on A', 'on B', 'Merged with the duplicate record "ada okafor"']),
      );
      expect((await get(`/api/v1/customers/${a.id}/orders`)).json().items).toHaveLength(1);
      expect((await get(`/api/v1/customers/${b.id}`)).statusCode).toBe(404);
      expect((await get('/api/v1/lookup?phone=08050001111')).json().id).toBe(a.id);
      expect((await get('/api/v1/customers/duplicates')).json().items).toHaveLength(0);
    });

    it('refuses a merge with itself, across kinds, or with an unknown id', async () => {
      const p = (await post('/api/v1/customers', { name: 'P' })).json();
      const biz = (await post('/api/v1/customers', { name: 'B Ltd', kind: 'business' })).json();
      expect((await post(`/api/v1/customers/${p.id}/merge`, { otherId: p.id })).json().code).toBe(
        'MERGE_SAME',
      );
      expect((await post(`/api/v1/customers/${p.id}/merge`, { otherId: biz.id })).json().code).toBe(
        'MERGE_KIND_MISMATCH',
      );
      expect((await post(`/api/v1/customers/${p.id}/merge`, { otherId: 'nope' })).statusCode).toBe(404);
    });
  });
}
