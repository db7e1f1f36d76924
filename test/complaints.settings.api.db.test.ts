import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * The SLA settings preview: the deadlines an example complaint would get, in business time of the workspace's
 * zone, under the saved settings or under unsaved changes (which it does not store), and the field pointers
 * of refused settings that the settings page maps onto its inputs.
 */
for (const dialect of DIALECTS) {
  describe(`complaint settings preview (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers = auth) =>
      t.app.inject({ method, url, headers, ...(payload && { payload }) });
    const preview = (payload: object, headers = auth) =>
      call('POST', '/api/v1/complaints/settings/preview', payload, headers);

    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth } = await t.newWorkspace()); // Africa/Lagos (UTC+1, no DST), open Mon–Fri 09:00–17:00
    });
    afterAll(() => t.closeAll());

    it('gives each severity its deadlines over the weekend, from a local receipt time', async () => {
      const res = await preview({ receivedAt: '2026-03-06T16:00' }); // Friday 16:00 in Lagos
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        timezone: 'Africa/Lagos',
        receivedAt: '2026-03-06T15:00:00.000Z',
        targets: {
          // 1 h: the last hour of Friday. 8 h: 1 h Friday + 7 h Monday.
          critical: {
            firstResponseDueAt: '2026-03-06T16:00:00.000Z',
            resolutionDueAt: '2026-03-09T15:00:00.000Z',
          },
          // 4 h: 1 h Friday + 3 h Monday = Monday 12:00. 16 h: 1 + 8 + 7 = Tuesday 16:00.
          high: {
            firstResponseDueAt: '2026-03-09T11:00:00.000Z',
            resolutionDueAt: '2026-03-10T15:00:00.000Z',
          },
          medium: {
            firstResponseDueAt: '2026-03-09T15:00:00.000Z',
            resolutionDueAt: '2026-03-13T15:00:00.000Z',
          },
          low: {
            firstResponseDueAt: '2026-03-10T15:00:00.000Z',
            resolutionDueAt: '2026-03-20T15:00:00.000Z',
          },
        },
      });
    });

    it('tries unsaved changes (targets, holidays) without storing them', async () => {
      const s = (await call('GET', '/api/v1/complaints/settings')).json();
      const res = await preview({
        receivedAt: '2026-03-06T16:00',
        settings: {
          targets: { ...s.targets, high: { firstResponseMinutes: 120, resolutionMinutes: 960 } },
          holidays: ['2026-03-09'],
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      // 2 h: 1 h Friday, Monday a holiday, 1 h Tuesday = Tuesday 10:00 Lagos.
      expect(res.json().targets.high.firstResponseDueAt).toBe('2026-03-10T09:00:00.000Z');
      const after = (await call('GET', '/api/v1/complaints/settings')).json();
      expect(after.targets.high.firstResponseMinutes).toBe(240);
      expect(after.holidays).toEqual([]);
    });

    it('reads the wall-clock time in the workspace zone across a DST change', async () => {
      const other = await t.newWorkspace();
      const moved = await call('PATCH', '/api/v1/workspace', { timezone: 'Europe/London' }, other.auth);
      expect(moved.statusCode, moved.body).toBe(200);
      // Friday 27 March 2026 16:00 GMT; clocks go forward on Sunday 29th; Monday 12:00 BST = 11:00 UTC.
      const res = await preview({ receivedAt: '2026-03-27T16:00' }, other.auth);
      expect(res.json()).toMatchObject({
        timezone: 'Europe/London',
        receivedAt: '2026-03-27T16:00:00.000Z',
        targets: { high: { firstResponseDueAt: '2026-03-30T11:00:00.000Z' } },
      });
    });

    it('points at the field a refused change breaks, in a preview and in a save', async () => {
      const s = (await call('GET', '/api/v1/complaints/settings')).json();
      const targets = { ...s.targets, low: { firstResponseMinutes: 100, resolutionMinutes: 10 } };
      const tried = await preview({ receivedAt: '2026-03-06T16:00', settings: { targets } });
      expect(tried.statusCode).toBe(400);
      expect(tried.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        pointer: '/body/settings/targets/low',
        errors: [
          {
            pointer: '/body/settings/targets/low',
            message: 'Resolution cannot be due before the first response',
          },
        ],
      });
      const saved = await call('PATCH', '/api/v1/complaints/settings', {
        targets,
        businessHours: { ...s.businessHours, sat: { open: '14:00', close: '10:00' } },
      });
      expect(saved.statusCode).toBe(400);
      expect(saved.json().errors).toEqual(
        expect.arrayContaining([
          { pointer: '/body/targets/low', message: 'Resolution cannot be due before the first response' },
          { pointer: '/body/businessHours/sat', message: 'Closing time must be after opening time' },
        ]),
      );
      expect((await preview({ receivedAt: '2026-03-06 16:00' })).json().pointer).toBe('/body/receivedAt');
    });

    it('lets staff preview the saved settings but not change them', async () => {
      const staff = await t.newWorkspace({ scopes: ['read', 'write'] });
      expect((await preview({ receivedAt: '2026-03-06T16:00' }, staff.auth)).statusCode).toBe(200);
      const denied = await call('PATCH', '/api/v1/complaints/settings', { followUpDays: 5 }, staff.auth);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().code).toBe('FORBIDDEN_SCOPE');
    });
  });
}
