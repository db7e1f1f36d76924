import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/** The queue's filters through HTTP (the web app's "Follow-ups due" chip sends followUpDue=true). */
for (const dialect of DIALECTS) {
  describe(`complaint queue filters over HTTP (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });

    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth } = await t.newWorkspace());
      const customerId = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: auth,
          payload: { name: 'Chiamaka Obi' },
        })
      ).json().id;
      const c = await t.app.inject({
        method: 'POST',
        url: '/api/v1/complaints',
        headers: auth,
        payload: { customerId, channel: 'phone', words: 'Stale bread', severity: 'low' },
      });
      expect(c.statusCode, c.body).toBe(201);
    });
    afterAll(() => t.closeAll());

    it('answers followUpDue=true and =false (it was refused with 400 once validated twice)', async () => {
      const due = await get('/api/v1/complaints?followUpDue=true');
      expect(due.statusCode, due.body).toBe(200);
      expect(due.json().items).toEqual([]); // nothing resolved yet, so no follow-up is due
      const notDue = await get('/api/v1/complaints?followUpDue=false');
      expect(notDue.statusCode, notDue.body).toBe(200);
      expect(notDue.json().items).toHaveLength(1);
      expect((await get('/api/v1/complaints?followUpDue=yes')).statusCode).toBe(400);
    });

    it('"Most urgent" puts breached, then critical first, then by due time, the same a page at a time', async () => {
      const { auth: a2 } = await t.newWorkspace();
      const post = (url: string, payload: object) =>
        t.app.inject({ method: 'POST', url, headers: a2, payload });
      const customerId = (await post('/api/v1/customers', { name: 'Tunde Bakare' })).json().id;
      const hour = 3_600_000;
      const now = Date.now();
      // each complaint's next deadline set outright: the SLA policy would not give these four by itself
      const cases = [
        { words: 'low, due in an hour', severity: 'low', dueIn: hour },
        { words: 'high, due today', severity: 'high', dueIn: 3 * hour },
        { words: 'critical, due tomorrow', severity: 'critical', dueIn: 24 * hour },
        { words: 'low, breached', severity: 'low', dueIn: -2 * hour },
      ];
      for (const c of cases) {
        const r = await post('/api/v1/complaints', {
          customerId,
          channel: 'phone',
          words: c.words,
          severity: c.severity,
        });
        expect(r.statusCode, r.body).toBe(201);
        const due = new Date(now + c.dueIn).toISOString();
        await t.conn.db
          .updateTable('complaints')
          .set({ next_due_at: due, first_response_due_at: due })
          .where('id', '=', r.json().id)
          .execute();
      }
      const expected = ['low, breached', 'critical, due tomorrow', 'low, due in an hour', 'high, due today'];
      const g2 = (url: string) => t.app.inject({ method: 'GET', url, headers: a2 });
      const all = (await g2('/api/v1/complaints?order=due')).json();
      expect(all.items.map((c: { words: string }) => c.words)).toEqual(expected);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { words: string }[]; nextCursor: string | null } = (
          await g2(`/api/v1/complaints?order=due&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        expect(page.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.items.map((c) => c.words));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    });
  });
}
