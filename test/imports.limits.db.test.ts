import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * #11 Faults: an upload with no line breaks kept the request thread busy for minutes, and one NUL character
 * failed a whole import on PostgreSQL. Previews read a bounded start of the file and refuse over-long lines
 * and headers clearly; NUL is removed from every value read.
 */
for (const dialect of DIALECTS) {
  describe(`import uploads within limits (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let workspaceId: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth, workspaceId } = await t.newWorkspace({ region: 'US' }));
    });
    afterAll(() => t.closeAll());
    const upload = (url: string, payload: string | Buffer) =>
      t.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'text/csv' }, payload });

    it('refuses a 10 MB file without line breaks with a clear 422, and serves other requests meanwhile', async () => {
      const big = Buffer.alloc(10 * 1024 * 1024, 'x');
      let previewDone = false;
      let healthDuring = 0;
      const preview = upload('/api/v1/imports/preview', big).finally(() => (previewDone = true));
      while (!previewDone) {
        const h = await t.app.inject({ method: 'GET', url: '/healthz' });
        expect(h.statusCode).toBe(200);
        if (!previewDone) healthDuring++;
        await new Promise((r) => setTimeout(r, 10));
      }
      const res = await preview;
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'IMPORT_LINE_TOO_LONG' });
      expect(res.json().detail).toMatch(/Line 1 .* longer than/);
      expect(healthDuring).toBeGreaterThan(0);
      // a header line, then one endless line (or a quote never closed): the same answer, naming line 2
      for (const body of ['Name,Phone\n' + 'y'.repeat(2_000_000), 'Name,Phone\n"' + 'z,'.repeat(1_000_000)]) {
        const r = await upload('/api/v1/imports/preview', body);
        expect(r.statusCode).toBe(422);
        expect(r.json()).toMatchObject({ code: 'IMPORT_LINE_TOO_LONG' });
      }
      // an import of such a file is refused the same way, before a run starts
      const imp = await upload('/api/v1/imports', big);
      expect(imp.statusCode).toBe(422);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: auth })).json().items,
      ).toEqual([]);
    });

    it('refuses a header of more than 1,000 columns', async () => {
      const header = Array.from({ length: 2000 }, (_, i) => `c${i}`).join(',');
      const res = await upload('/api/v1/imports/preview', `${header}\n1,2,3\n`);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'IMPORT_TOO_MANY_COLUMNS' });
    });

    it('rejects an order past the amount bounds by its line, and imports the rest', async () => {
      const head =
        'Name,Email,Financial Status,Currency,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Phone,Id';
      const csv = [
        head,
        '#1,b1@example.com,paid,USD,2024-01-02 10:00:00 +0000,1,Bread,4.50,BR,Bisi One,+1 415 555 0101,7001',
        '#2,b2@example.com,paid,USD,2024-01-02 10:00:00 +0000,2,Gold,90071992547409.91,GD,Bisi Two,+1 415 555 0102,7002',
        '#3,b3@example.com,paid,XXX,2024-01-02 10:00:00 +0000,1,Jam,3.25,JM,Bisi Three,+1 415 555 0103,7003',
        '#4,b4@example.com,paid,USD,2024-01-02 10:00:00 +0000,1000000000,Salt,1.00,SL,Bisi Four,+1 415 555 0104,7004',
      ].join('\n');
      const res = await upload('/api/v1/imports?dryRun=true', csv);
      expect(res.statusCode).toBe(200);
      const r = res.json() as {
        counts: { orders: { created: number } };
        rejections: { line: number; reason: string }[];
      };
      expect(r.counts.orders.created).toBe(1);
      expect(r.rejections.map((x) => x.line)).toEqual([3, 4, 5]);
      expect(r.rejections[0]?.reason).toMatch(/unitPrice|minor units/);
      expect(r.rejections[1]?.reason).toMatch(/currency/);
    }, 60_000);

    it('imports a row with a NUL character with the NUL removed; the rest of the file is imported too', async () => {
      const csv =
        'Customer ID,First Name,Last Name,Phone,Email\nN1,Ada\u0000,Obi,+1 415 200 0001,n1@example.com\nN2,Bola,Ade\u0000ola,+1 415 200 0002,n2@example.com\n';
      const res = await upload('/api/v1/imports?dryRun=false', csv);
      expect(res.statusCode).toBe(202);
      let run = res.json() as { id: string; status: string };
      for (let i = 0; i < 300 && run.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        run = (await t.app.inject({ method: 'GET', url: `/api/v1/imports/${run.id}`, headers: auth })).json();
      }
      expect(run).toMatchObject({ status: 'done', counts: { customers: { created: 2 }, rejected: 0 } });
      const names = await t.conn.db
        .selectFrom('customers')
        .select('name')
        .where('workspace_id', '=', workspaceId)
        .orderBy('name')
        .execute();
      expect(names.map((n) => n.name)).toEqual(['Ada Obi', 'Bola Adeola']);
    }, 60_000);
  });
}
