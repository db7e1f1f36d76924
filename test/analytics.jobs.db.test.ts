import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateBgNbdLog } from '../src/stats/index.ts';
import { buildApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { DIALECTS, freshDb, tmpDir } from './kit.ts';

/** The server's background jobs: a requested refit runs in a worker thread and lands as the latest run. */
for (const dialect of DIALECTS) {
  describe(`refit job in a worker thread (${dialect})`, () => {
    let db: Awaited<ReturnType<typeof freshDb>>;
    let running: RunningApp;
    beforeAll(async () => {
      db = await freshDb(dialect);
      const config = loadConfig({
        RAPPORT_DATA_DIR: db.dataDir ?? tmpDir(),
        DATABASE_URL: db.databaseUrl ?? '',
        LOG_LEVEL: 'silent',
      });
      running = await buildApp(config, { conn: db, serveWeb: false, jobs: true });
    });
    afterAll(async () => {
      await running.close(); // stops the runner: nothing keeps polling
      await db.close();
    });

    it('POST /api/v1/analytics/refit → 202, then the worker stores a run and predictions', async () => {
      const s = running.services;
      const w = await s.workspaces.createWorkspace({
        name: 'Bakery',
        timezone: 'Africa/Lagos',
        currency: 'NGN',
        region: 'NG',
      });
      const { key } = await s.access.createApiKey(
        w.id,
        { name: 't', scopes: ['read', 'write', 'admin'] },
        'test',
      );
      const auth = { authorization: `Bearer ${key}` };
      const ids = await s.customers.createCustomers(
        w.id,
        Array.from({ length: 60 }, (_, i) => ({ name: `Regular ${i}` })),
        'test',
      );
      const today = Math.floor(Date.now() / 86_400_000);
      const log = simulateBgNbdLog(
        { r: 0.5, alpha: 20, a: 0.6, b: 3 },
        {
          customers: 60,
          startDay: today - 400,
          cohortDays: 200,
          horizonDays: 399,
          unitDays: 1,
          spend: { p: 6, q: 4, gamma: 3000 },
          seed: 5,
        },
      );
      for (let i = 0; i < log.day.length; i++)
        await running.app.inject({
          method: 'POST',
          url: '/api/v1/orders',
          headers: auth,
          payload: {
            customerId: ids[log.customerId[i] as number],
            placedAt: new Date((log.day[i] as number) * 86_400_000 + 43_200_000).toISOString(),
            lines: [{ name: 'Bread', unitPrice: Math.max(1, Math.round(log.amount[i] as number)) }],
          },
        });
      const res = await running.app.inject({ method: 'POST', url: '/api/v1/analytics/refit', headers: auth });
      expect(res.statusCode).toBe(202);
      let run: { status?: string } = {};
      // generous: on a loaded 2-core CI machine the worker thread (tsx + fit) can take a while to start
      for (let i = 0; i < 1200 && run.status !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const latest = await running.app.inject({
          method: 'GET',
          url: '/api/v1/analytics/runs/latest',
          headers: auth,
        });
        if (latest.statusCode === 200) run = latest.json();
        if (run.status === 'failed' || run.status === 'insufficient_data') break;
      }
      expect(run).toMatchObject({ status: 'done', trigger: 'manual', customers: 60 });
      const p = (
        await running.app.inject({
          method: 'GET',
          url: `/api/v1/customers/${ids[3]}/predictions`,
          headers: auth,
        })
      ).json();
      expect(p.status).toBe('ready');
      expect(p.explanation).toMatch(/^Buys about every/);
      // the run is stored inside the job; the job is marked done just after the handler returns
      let job = await s.queue.get(w.id, res.json().jobId);
      for (let i = 0; i < 200 && job?.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await s.queue.get(w.id, res.json().jobId);
      }
      expect(job).toMatchObject({ status: 'done' });
    }, 180_000);
  });
}
