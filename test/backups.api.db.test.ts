import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupService } from '../src/modules/backups/index.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`backups API (${dialect})`, () => {
    let t: TestApp;
    // a clock the test moves: retention and the daily schedule are about days
    let now = new Date('2026-03-01T09:30:00Z');
    beforeAll(async () => {
      t = await startTestApp(dialect, { clock: () => now });
    });
    afterAll(() => t.closeAll());

    if (dialect === 'postgres') {
      it('refuses scheduled backups and "back up now" with a 409 that explains pg_dump', async () => {
        const ws = await t.newWorkspace();
        const put = await t.app.inject({
          method: 'PUT',
          url: '/api/v1/backups/settings',
          headers: ws.auth,
          payload: { enabled: true },
        });
        expect(put.statusCode).toBe(409);
        expect(put.json().code).toBe('BACKUP_POSTGRES');
        expect(put.json().detail ?? put.json().title).toMatch(/pg_dump -Fc/);
        const post = await t.app.inject({ method: 'POST', url: '/api/v1/backups', headers: ws.auth });
        expect(post.statusCode).toBe(409);
        const get = await t.app.inject({ method: 'GET', url: '/api/v1/backups/settings', headers: ws.auth });
        expect(get.json()).toMatchObject({ enabled: false, database: 'postgres' });
        expect(get.json().postgresHelp).toMatch(/pg_restore/);
      });
      return;
    }

    it('keeps settings, queues "back up now" once a minute, and lists a verified backup', async () => {
      const ws = await t.newWorkspace();
      const get = await t.app.inject({ method: 'GET', url: '/api/v1/backups/settings', headers: ws.auth });
      expect(get.json()).toMatchObject({ enabled: false, hour: 2, keep: 7, folder: 'backups' });
      const put = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/backups/settings',
        headers: ws.auth,
        payload: { enabled: true, hour: 3, keep: 2 },
      });
      expect(put.json()).toMatchObject({ enabled: true, hour: 3, keep: 2, database: 'sqlite' });
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/backups/settings',
        headers: ws.auth,
        payload: { folder: '../../etc' },
      });
      expect(bad.statusCode).toBe(400);

      const a = await t.app.inject({ method: 'POST', url: '/api/v1/backups', headers: ws.auth });
      const b = await t.app.inject({ method: 'POST', url: '/api/v1/backups', headers: ws.auth });
      expect(a.statusCode).toBe(202);
      expect(b.json().jobId).toBe(a.json().jobId);

      const made = await t.services.backups.runBackup(ws.workspaceId, 'manual');
      expect(made).toMatchObject({ status: 'ok', verified: true });
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/backups', headers: ws.auth })).json();
      expect(list.items).toHaveLength(1);
      expect(list.items[0].sizeBytes).toBe(
        fs.statSync(path.join(t.dataDir as string, 'backups', made.name)).size,
      );
      expect(list.items[0].rows.workspaces).toBeGreaterThanOrEqual(1);

      // another workspace's backup answers 404, and a shared database's backup is not downloadable
      const other = await t.newWorkspace();
      const theirs = await t.app.inject({
        method: 'GET',
        url: `/api/v1/backups/${made.name}`,
        headers: other.auth,
      });
      expect(theirs.statusCode).toBe(404);
      const shared = await t.app.inject({
        method: 'GET',
        url: `/api/v1/backups/${made.name}`,
        headers: ws.auth,
      });
      expect(shared.statusCode).toBe(409);
      expect(shared.json().code).toBe('BACKUP_SHARED_DATABASE');
    });

    it('queues one backup for "back up now" pressed 50 times at once over HTTP', async () => {
      const ws = await t.newWorkspace();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const res = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${base}/api/v1/backups`, { method: 'POST', headers: ws.auth }).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { jobId: string },
          })),
        ),
      );
      expect(res.map((r) => r.status)).toEqual(Array(50).fill(202));
      expect(new Set(res.map((r) => r.body.jobId)).size).toBe(1);
    });

    it('prunes to the number to keep, oldest first, files and list alike', async () => {
      const ws = await t.newWorkspace();
      await t.services.backups.updateSettings(
        ws.workspaceId,
        { keep: 2 },
        {
          workspaceId: ws.workspaceId,
          kind: 'cli',
          id: 'cli',
          scopes: new Set(['admin']),
        },
      );
      const names: string[] = [];
      for (let d = 1; d <= 4; d++) {
        now = new Date(`2026-03-0${d + 1}T03:00:00Z`);
        names.push((await t.services.backups.runBackup(ws.workspaceId, 'schedule')).name);
      }
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/backups', headers: ws.auth })).json();
      expect(list.items.map((i: { name: string }) => i.name)).toEqual([names[3], names[2]]);
      const dir = path.join(t.dataDir as string, 'backups');
      for (const n of names.slice(0, 2)) expect(fs.existsSync(path.join(dir, n))).toBe(false);
      for (const n of names.slice(2)) expect(fs.existsSync(path.join(dir, n))).toBe(true);
    });

    it('queues the daily backup once per local day, with two schedulers at once', async () => {
      const ws = await t.newWorkspace(); // Africa/Lagos: UTC+1
      await t.app.inject({
        method: 'PUT',
        url: '/api/v1/backups/settings',
        headers: ws.auth,
        payload: { enabled: true, hour: 4 },
      });
      const second = createBackupService({
        db: t.conn.db,
        dialect: t.dialect,
        workspaces: t.services.workspaces,
        queue: t.services.queue,
        dataDir: t.dataDir as string,
        clock: () => now,
      });
      const jobsOf = () =>
        t.conn.db
          .selectFrom('jobs')
          .select('idempotency_key')
          .where('workspace_id', '=', ws.workspaceId)
          .where('kind', '=', 'backup')
          .execute();
      now = new Date('2026-04-10T02:30:00Z'); // 03:30 in Lagos: before the hour
      await Promise.all([t.services.backups.scheduleDue(), second.scheduleDue()]);
      expect(await jobsOf()).toHaveLength(0);
      now = new Date('2026-04-10T03:05:00Z'); // 04:05 local
      await Promise.all([
        t.services.backups.scheduleDue(),
        second.scheduleDue(),
        t.services.backups.scheduleDue(),
      ]);
      now = new Date('2026-04-10T09:05:00Z'); // later the same day: nothing new
      await Promise.all([t.services.backups.scheduleDue(), second.scheduleDue()]);
      expect(await jobsOf()).toEqual([{ idempotency_key: 'daily:2026-04-10' }]);
      now = new Date('2026-04-11T03:10:00Z');
      await Promise.all([t.services.backups.scheduleDue(), second.scheduleDue()]);
      expect((await jobsOf()).map((j) => j.idempotency_key).sort()).toEqual([
        'daily:2026-04-10',
        'daily:2026-04-11',
      ]);
    });
  });
}

describe('backup download (sqlite, one workspace)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.closeAll());

  it('lets the owner download the verified copy, a real SQLite database', async () => {
    const ws = await t.newWorkspace();
    const made = await t.services.backups.runBackup(ws.workspaceId, 'manual');
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/backups/${made.name}`, headers: ws.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(made.name);
    expect(gunzipSync(res.rawPayload).subarray(0, 15).toString()).toBe('SQLite format 3');
    const staff = await t.app.inject({
      method: 'GET',
      url: `/api/v1/backups/${made.name}`,
      headers: (await t.newWorkspace({ scopes: ['read', 'write'] })).auth,
    });
    expect(staff.statusCode).toBe(403);
  });
});
