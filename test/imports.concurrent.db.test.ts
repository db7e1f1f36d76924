import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

/** A customers file of `n` people, each with a phone and an email. */
function customersCsv(n: number): string {
  const rows = ['Customer ID,First Name,Last Name,Phone,Email'];
  for (let i = 0; i < n; i++)
    rows.push(
      `C${i},Ada,Okafor ${i},+1 415 ${String(200 + Math.floor(i / 10000))} ${String(10000 + (i % 10000)).slice(-4)},c${i}@example.com`,
    );
  return rows.join('\n') + '\n';
}

/**
 * #11: two (or ten) imports of the same file at the same time must import it once: one run, one set of rows,
 * exact counts, every answer naming that run.
 */
for (const dialect of DIALECTS) {
  describe(`imports of the same file at the same time run once (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    const countCustomers = async (ws: string) =>
      Number(
        (
          await t.conn.db
            .selectFrom('customers')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('workspace_id', '=', ws)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('ten uploads at once: every answer is the same run, 2,000 customers once, counts exact', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const body = customersCsv(2000);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.app.inject({
            method: 'POST',
            url: '/api/v1/imports?fileName=customers.csv',
            headers: { ...w.auth, 'content-type': 'text/csv' },
            payload: body,
          }),
        ),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(202));
      // Uploads that overlap share one run. On a loaded machine an upload can be read only after the run of
      // the others has ended: it is then a new run of the same file, which creates nobody.
      const ids = [...new Set(answers.map((a) => (a.json() as { id: string }).id))];
      type Run = { id: string; status: string; counts: { customers: { created: number; updated: number } } };
      const finished: Run[] = [];
      for (const id of ids) {
        let run = (
          await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: w.auth })
        ).json() as Run;
        for (let i = 0; i < 600 && run.status === 'running'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          run = (await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: w.auth })).json();
        }
        expect(run).toMatchObject({ status: 'done', counts: { customers: { updated: 0 }, rejected: 0 } });
        finished.push(run);
      }
      expect(finished.map((r) => r.counts.customers.created).sort((a, b) => b - a)).toEqual([
        2000,
        ...Array(ids.length - 1).fill(0),
      ]);
      expect(await countCustomers(w.workspaceId)).toBe(2000);
      const runs = (await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: w.auth })).json()
        .items;
      expect(runs).toHaveLength(ids.length);
      // the uploads of every request are gone
      const uploads = path.join(t.dataDir ?? tmpDir(), 'uploads');
      for (let i = 0; i < 50 && fs.existsSync(uploads) && fs.readdirSync(uploads).length; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(fs.existsSync(uploads) ? fs.readdirSync(uploads) : []).toEqual([]);
    }, 120_000);

    it('two imports in one process at once: one runs, the other joins it and writes nothing', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const file = path.join(tmpDir(), 'customers.csv');
      fs.writeFileSync(file, customersCsv(3000));
      const [a, b] = await Promise.all([
        t.services.imports.runImport({ workspaceId: w.workspaceId, file, currency: 'USD' }),
        t.services.imports.runImport({ workspaceId: w.workspaceId, file, currency: 'USD' }),
      ]);
      // overlapping, they share one run and one of them joins it; on a loaded machine the second can start
      // only after the first has ended: then it is a new run of the same file that creates nobody
      if (a.run?.id === b.run?.id) expect([a.joined, b.joined].sort()).toEqual([false, true]);
      else expect([a.joined, b.joined]).toEqual([false, false]);
      const [ran, other] = a.counts.customers.created > 0 ? [a, b] : [b, a];
      expect(ran.counts.customers.created).toBe(3000);
      if (!other.joined) expect(other.counts.customers).toMatchObject({ created: 0 });
      expect(await countCustomers(w.workspaceId)).toBe(3000);
      // once it has ended, the same file imported again is a new run that changes nothing
      const again = await t.services.imports.runImport({ workspaceId: w.workspaceId, file, currency: 'USD' });
      expect(again.joined).toBe(false);
      expect(again.run?.id).not.toBe(ran.run?.id);
      expect(again.counts.customers).toMatchObject({ created: 0, unchanged: 3000 });
    }, 120_000);
  });
}
