import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

/**
 * Issue 18, occasions: over 400 simulated days (fake clock, a DST zone, the leap day of 2028, a year-less
 * birthday, a clock set back a day, two schedulers on every tick) each greeting is queued exactly once, on its
 * local date in the workspace zone, and never without consent; a scheduler down at the hour still greets later
 * that day and never the next day for yesterday.
 */
const ZONE = 'America/New_York';
for (const dialect of DIALECTS) {
  describe(`occasions (${dialect})`, () => {
    let t: TestApp;
    let second: RunningApp;
    let auth: { authorization: string };
    let ws: string;
    let now = new Date('2027-02-01T00:30:00Z');
    const env = { RAPPORT_SMTP_URL: 'smtp://127.0.0.1:1', RAPPORT_PUBLIC_URL: 'https://crm.example.test' };
    beforeAll(async () => {
      t = await startTestApp(dialect, { env, clock: () => now });
      // a second app over the same database: another process running the same scheduler
      second = await buildApp(
        loadConfig({ RAPPORT_DATA_DIR: t.dataDir ?? tmpDir(), LOG_LEVEL: 'silent', ...env }),
        { conn: t.conn, serveWeb: false, clock: () => now },
      );
      ({ auth, workspaceId: ws } = await t.newWorkspace({ name: 'Sweet Spot' }));
      await t.services.workspaces.updateWorkspace(ws, { timezone: ZONE }, 'test');
      await second.services.workspaces.updateWorkspace(ws, { timezone: ZONE }, 'test');
      // quiet from 23:00: a greeting from 20:00 still arrives the same evening
      const o = await put('/api/v1/outreach/settings', {
        fromEmail: 'hi@sweet.example',
        quietHours: { start: '23:00', end: '07:00' },
      });
      expect(o.statusCode).toBe(200);
    });
    afterAll(async () => {
      await second.close();
      await t.closeAll();
    });
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    const put = (url: string, payload: object) =>
      t.app.inject({ method: 'PUT', url, headers: auth, payload });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth });
    const customer = async (name: string, extra: object, consent = true) => {
      const r = await post('/api/v1/customers', {
        name,
        emails: [{ address: `${name.toLowerCase().replace(/\W/g, '')}@example.com` }],
        consent: { marketing: consent, source: 'counter' },
        ...extra,
      });
      expect(r.statusCode).toBe(201);
      return r.json().id as string;
    };
    const greetings = async () =>
      (
        await t.conn.db
          .selectFrom('messages')
          .select(['dedupe_key', 'customer_id', 'subject'])
          .where('workspace_id', '=', ws)
          .where('dedupe_key', 'like', 'occasion:%')
          .execute()
      ).map((m) => m.dedupe_key);

    it('greets each occasion exactly once, on its local date, over 400 days', async () => {
      const ada = await customer('Ada Leap', { birthday: '2000-02-29' });
      const bo = await customer('Bo Yearless', { birthday: '--03-14' }); // US clocks go forward that day
      const cy = await customer('Cy Married', { anniversary: '2010-11-07' }); // and back that day
      const dee = await customer('Dee NoConsent', { birthday: '1990-06-15' }, false);
      const eve = await customer('Eve Custom', {});
      const fay = await customer('Fay Newyear', { birthday: '1985-12-31' });
      const yearly = await post(`/api/v1/customers/${eve}/occasions`, {
        label: 'Shop anniversary',
        date: '--01-01',
      });
      const once = await post(`/api/v1/customers/${eve}/occasions`, {
        label: 'Graduation',
        date: '2027-05-05',
        yearly: false,
      });
      expect([yearly.statusCode, once.statusCode]).toEqual([201, 201]);
      expect(
        (await post(`/api/v1/customers/${eve}/occasions`, { label: 'x', date: '--05-05', yearly: false }))
          .statusCode,
      ).toBe(400);
      const s = await put('/api/v1/occasions/settings', {
        birthday: { enabled: true, hour: 20 },
        anniversary: { enabled: true, hour: 20 },
        custom: { enabled: true, hour: 9, channel: 'email' },
      });
      expect(s.statusCode).toBe(200);
      expect(s.json().birthday).toEqual({ enabled: true, templateId: null, channel: 'email', hour: 20 });

      const up = (await get('/api/v1/occasions/upcoming?days=30')).json();
      expect(up.from).toBe('2027-01-31'); // 00:30 UTC is still the 31st in New York
      expect(up.items.map((i: { name: string; date: string }) => `${i.name} ${i.date}`)).toEqual([
        'Ada Leap 2027-02-28',
      ]);

      // every 3 hours for 400 days; two schedulers per tick; on day 170 the clock is set back a day
      const seen = new Map<string, string>();
      const start = now.getTime();
      const ticks: number[] = [];
      for (let h = 0; h <= 400 * 24; h += 3) ticks.push(start + h * 3_600_000);
      const back = ticks.findIndex((x) => x >= start + 170 * 86_400_000);
      ticks.splice(back + 1, 0, ...ticks.slice(back - 8, back + 1)); // the last 24 hours again
      for (const at of ticks) {
        now = new Date(at);
        await Promise.all([t.services.occasions.greetDue(ws), second.services.occasions.greetDue(ws)]);
        for (const k of await greetings())
          if (!seen.has(k)) seen.set(k, DateTime.fromJSDate(now, { zone: ZONE }).toISODate() as string);
      }
      const y = yearly.json().id;
      const o = once.json().id;
      expect(Object.fromEntries(seen)).toEqual({
        [`occasion:${ada}:birthday:2027`]: '2027-02-28',
        [`occasion:${bo}:birthday:2027`]: '2027-03-14',
        [`occasion:${eve}:custom:${o}:2027`]: '2027-05-05',
        [`occasion:${cy}:anniversary:2027`]: '2027-11-07',
        [`occasion:${fay}:birthday:2027`]: '2027-12-31',
        [`occasion:${eve}:custom:${y}:2028`]: '2028-01-01',
        [`occasion:${ada}:birthday:2028`]: '2028-02-29',
      });
      const all = await greetings();
      expect(all.length).toBe(new Set(all).size);
      expect(all.some((k) => k.includes(dee))).toBe(false);
      const msg = await t.conn.db
        .selectFrom('messages')
        .select(['subject', 'purpose', 'body'])
        .where('workspace_id', '=', ws)
        .where('dedupe_key', '=', `occasion:${eve}:custom:${o}:2027`)
        .executeTakeFirstOrThrow();
      expect(msg.purpose).toBe('marketing');
      expect(msg.subject).toBe('Graduation: best wishes, Eve!');
    });

    it('catches up later the same local day, never the next day for yesterday, never a day late', async () => {
      await t.services.workspaces.updateWorkspace(ws, { timezone: 'Europe/London' }, 'test');
      await second.services.workspaces.updateWorkspace(ws, { timezone: 'Europe/London' }, 'test');
      await put('/api/v1/outreach/settings', { quietHours: { start: '20:00', end: '08:00' } });
      await put('/api/v1/occasions/settings', { birthday: { hour: 9 } });
      const gil = await customer('Gil Late', { birthday: '--08-10' });
      const hal = await customer('Hal Missed', { birthday: '--08-12' });
      const tick = async (iso: string) => {
        now = new Date(iso);
        return t.services.occasions.greetDue(ws);
      };
      expect((await tick('2028-08-10T07:30:00Z')).queued).toBe(0); // 08:30 in London: before the hour
      expect(await greetings()).not.toContain(`occasion:${gil}:birthday:2028`);
      expect(await tick('2028-08-10T17:00:00Z')).toMatchObject({ day: '2028-08-10', queued: 1 }); // down at 09:00
      expect(await greetings()).toContain(`occasion:${gil}:birthday:2028`);
      expect((await tick('2028-08-12T07:00:00Z')).queued).toBe(0); // 08:00: before the hour
      // 21:00: quiet hours until tomorrow 08:00 — it would arrive a day late, so it is not queued
      expect(await tick('2028-08-12T20:00:00Z')).toMatchObject({ day: '2028-08-12', queued: 0 });
      expect(await tick('2028-08-13T08:30:00Z')).toMatchObject({ day: '2028-08-13', queued: 0 });
      expect((await greetings()).some((k) => k.includes(hal))).toBe(false);
    });

    it('keeps settings per kind and custom dates per customer, in this workspace only', async () => {
      const other = await t.newWorkspace();
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/occasions/settings', headers: other.auth })).json()
          .birthday.enabled,
      ).toBe(false);
      const id = await customer('Ivy Dates', {});
      const added = (
        await post(`/api/v1/customers/${id}/occasions`, { label: 'Name day', date: '--09-29' })
      ).json();
      expect((await get(`/api/v1/customers/${id}/occasions`)).json().items).toHaveLength(1);
      const gone = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/customers/${id}/occasions/${added.id}`,
        headers: other.auth,
      });
      expect(gone.statusCode).toBe(404);
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/customers/${id}/occasions/${added.id}`,
        headers: auth,
      });
      expect(del.statusCode).toBe(204);
      expect((await get(`/api/v1/customers/${id}/occasions`)).json().items).toHaveLength(0);
      expect((await put('/api/v1/occasions/settings', { birthday: { templateId: 'nope' } })).statusCode).toBe(
        400,
      );
    });
  });
}
