import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

const FIX = path.resolve(import.meta.dirname, 'fixtures/imports');

for (const dialect of DIALECTS) {
  describe(`imports and exports over HTTP (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    const upload = (url: string, auth: { authorization: string }, file: string, type = 'text/csv') =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { ...auth, 'content-type': type },
        payload: fs.readFileSync(path.join(FIX, file)),
      });

    it('previews an upload: detected layout, headers and the first mapped records', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const res = await upload('/api/v1/imports/preview?currency=USD', w.auth, 'shopify-orders.csv');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ preset: 'shopify-orders', encoding: 'utf-8', delimiter: ',' });
      expect(res.json().headers).toContain('Lineitem name');
      expect(res.json().sample[0].order.lines).toHaveLength(2);
      // the column mapping: which columns the layout reads, which it leaves out
      const columns = new Map(
        (res.json().columns as { header: string; used: boolean }[]).map((c) => [c.header, c.used]),
      );
      expect(columns.get('Lineitem name')).toBe(true);
      expect(columns.get('Email')).toBe(true);
      expect(columns.get('Lineitem requires shipping')).toBe(false);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/customers', headers: w.auth })).json().items,
      ).toHaveLength(0);
    });

    it('imports in a worker thread, answers 202 at once, and reports progress, counts and rejected lines', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const res = await upload(
        '/api/v1/imports?currency=USD&fileName=orders.csv',
        w.auth,
        'shopify-orders.csv',
      );
      expect(res.statusCode).toBe(202);
      const id = res.json().id;
      expect(res.headers.location).toBe(`/api/v1/imports/${id}`);
      let run = res.json();
      for (let i = 0; i < 200 && run.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        run = (await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: w.auth })).json();
      }
      expect(run).toMatchObject({
        status: 'done',
        fileName: 'orders.csv',
        preset: 'shopify-orders',
        counts: { orders: { created: 2 }, rejected: 1 },
      });
      const report = await t.app.inject({
        method: 'GET',
        url: `/api/v1/imports/${id}/report.csv`,
        headers: w.auth,
      });
      expect(report.headers['content-type']).toContain('text/csv');
      expect(report.body).toContain('6,rejected');
      const notes = await t.app.inject({
        method: 'GET',
        url: `/api/v1/imports/${id}/notes?kind=rejected&limit=5`,
        headers: w.auth,
      });
      expect(notes.statusCode).toBe(200);
      expect(notes.json().items).toEqual([{ line: 6, kind: 'rejected', reason: expect.any(String) }]);
      const other = await t.newWorkspace();
      const hidden = await t.app.inject({
        method: 'GET',
        url: `/api/v1/imports/${id}/notes`,
        headers: other.auth,
      });
      expect(hidden.statusCode).toBe(404);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: w.auth })).json().items[0].id,
      ).toBe(id);
    });

    it('answers a dry run with the counts and saves nothing; refuses an empty upload', async () => {
      const w = await t.newWorkspace();
      const res = await upload('/api/v1/imports?dryRun=true', w.auth, 'google-contacts.csv');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ preset: 'google-contacts', counts: { customers: { created: 1 } } });
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/customers', headers: w.auth })).json().items,
      ).toHaveLength(0);
      const empty = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { ...w.auth, 'content-type': 'text/csv' },
        payload: '',
      });
      expect(empty.statusCode).toBe(400);
      // a spreadsheet workbook (a zip) or other binary file: 415 saying how to make a CSV of it
      for (const [payload, words] of [
        [
          Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(300, 1)]),
          'save or export it as CSV',
        ],
        [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), 'save it as CSV'],
        [Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7919) % 256)), 'not text'],
      ] as const) {
        const bad = await t.app.inject({
          method: 'POST',
          url: '/api/v1/imports/preview',
          headers: { ...w.auth, 'content-type': 'application/octet-stream' },
          payload,
        });
        expect(bad.statusCode).toBe(415);
        expect(bad.json()).toMatchObject({ code: 'IMPORT_NOT_TEXT', detail: expect.stringContaining(words) });
      }
      // …while UTF-16 and Windows-1252 text is fine
      const utf16 = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports/preview',
        headers: { ...w.auth, 'content-type': 'text/csv' },
        payload: Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from('Name,Email\r\nZoë,z@example.com\r\n', 'utf16le'),
        ]),
      });
      expect(utf16.json()).toMatchObject({
        headers: ['Name', 'Email'],
        sample: [{ customer: { name: 'Zoë' } }],
      });
      const json = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: w.auth,
        payload: { rows: [] },
      });
      expect(json.statusCode).toBe(415);
      expect(json.json().code).toBe('IMPORT_NOT_A_FILE');
    });

    it('exports CSV (formula-safe) and JSON', async () => {
      const w = await t.newWorkspace();
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: w.auth,
        payload: { name: '@danger', phones: [{ number: '0803 123 4567' }] },
      });
      const csv = await t.app.inject({ method: 'GET', url: '/api/v1/export/customers.csv', headers: w.auth });
      expect(csv.statusCode).toBe(200);
      expect(csv.body).toContain("'@danger");
      const json = await t.app.inject({ method: 'GET', url: '/api/v1/export.json', headers: w.auth });
      expect(JSON.parse(json.body).customers[0].name).toBe('@danger');
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/export/secrets.csv', headers: w.auth }))
          .statusCode,
      ).toBe(400);
    });
    it('export.json goes back in over HTTP as application/json; other routes still read JSON bodies', async () => {
      const a = await t.newWorkspace();
      for (const name of ['Ada Obi', 'Bayo Ade'])
        expect(
          (
            await t.app.inject({
              method: 'POST',
              url: '/api/v1/customers',
              headers: a.auth,
              payload: { name },
            })
          ).statusCode,
        ).toBe(201);
      const json = (await t.app.inject({ method: 'GET', url: '/api/v1/export.json', headers: a.auth })).body;
      const b = await t.newWorkspace();
      const send = (url: string) =>
        t.app.inject({
          method: 'POST',
          url,
          headers: { ...b.auth, 'content-type': 'application/json' },
          payload: json,
        });
      const preview = await send('/api/v1/imports/preview');
      expect(preview.statusCode).toBe(200);
      expect(preview.json().preset).toBe('rapport-json');
      const dry = await send('/api/v1/imports?fileName=export.json&dryRun=true');
      expect(dry.statusCode).toBe(200);
      expect(dry.json().counts.customers).toMatchObject({ created: 2 });
      // the JSON parser is replaced for the uploads only
      const made = await t.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: { ...b.auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Chidi Eze' }),
      });
      expect(made.statusCode).toBe(201);
      expect(made.json().name).toBe('Chidi Eze');
    });
    it('a vCard’s warnings, with their lines: in the dry run’s answer, the run’s notes and its report', async () => {
      const w = await t.newWorkspace();
      const vcf = fs.readFileSync(path.join(FIX, 'corpus/vcard-warnings.vcf'));
      const post = (query: string) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/imports?fileName=contacts.vcf${query}`,
          headers: { ...w.auth, 'content-type': 'text/vcard' },
          payload: vcf,
        });
      const dry = await post('&dryRun=true');
      expect(dry.statusCode).toBe(200);
      expect(dry.json().counts).toMatchObject({ warnings: 3, rejected: 1 });
      const warned = (dry.json().notes as { line: number; kind: string; reason: string }[]).filter(
        (n) => n.kind === 'warning',
      );
      expect(warned.map((n) => n.line)).toEqual([1, 8, 14]);
      expect(warned[0]?.reason).toContain('line 4: BDAY "not a date" is not a date; left out');
      expect(warned[0]?.reason).toContain('"12345" is not a valid phone number; kept as typed');

      const res = await post('');
      expect(res.statusCode).toBe(202);
      let run = res.json();
      for (let i = 0; i < 200 && run.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        run = (
          await t.app.inject({ method: 'GET', url: `/api/v1/imports/${run.id}`, headers: w.auth })
        ).json();
      }
      expect(run.counts).toEqual(dry.json().counts);
      const notes = await t.app.inject({
        method: 'GET',
        url: `/api/v1/imports/${run.id}/notes?kind=warning`,
        headers: w.auth,
      });
      expect(notes.json().items).toEqual(warned);
      const report = await t.app.inject({
        method: 'GET',
        url: `/api/v1/imports/${run.id}/report.csv`,
        headers: w.auth,
      });
      expect(report.body).toContain('8,warning,"line 11: ""this line is broken"" could not be read');
      expect(report.body).toContain('27,rejected,not a readable vCard: the card has no END:VCARD');
    });
  });
}
