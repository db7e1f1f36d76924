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
  });
}
