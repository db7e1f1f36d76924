import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');

/** A spreadsheet nobody designed for import: none of its column names is one the generic preset knows but one. */
const SHEET = [
  'Client;Mobile no.;E-mail address;Notes;Since',
  'Amaka Eze;0803 111 2222;amaka@example.com;Likes mornings;2019',
  'Bola Adeyemi;0805 333 4444;;Pays cash;2021',
  ';;;;2022',
  '',
].join('\r\n');
/** The same columns next month: other order, other case, other rows. */
const NEXT_MONTH = [
  'notes;e-mail address;CLIENT;Since;Mobile No.',
  'Wants a call back;chidi@example.com;Chidi Okafor;2023;0806 555 6666',
  '',
].join('\r\n');
const MAPPING = {
  Client: 'name',
  'Mobile no.': 'mobile',
  'E-mail address': 'email',
  Notes: 'notes',
  Since: 'ignore',
};

type Column = { header: string; used: boolean; field?: string; examples: string[] };

for (const dialect of DIALECTS) {
  describe(`generic CSV with a saved column mapping (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    type Auth = { authorization: string };
    const upload = (url: string, auth: Auth, body: string) =>
      t.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'text/csv' }, payload: body });
    const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, auth: Auth, payload?: object) =>
      t.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
    const q = (columns: object) => `columns=${encodeURIComponent(JSON.stringify(columns))}`;
    const waitFor = async (auth: Auth, id: string) => {
      let run = (await send('GET', `/api/v1/imports/${id}`, auth)).json();
      for (let i = 0; i < 300 && run.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        run = (await send('GET', `/api/v1/imports/${id}`, auth)).json();
      }
      return run;
    };
    const customers = async (auth: Auth) =>
      (await send('GET', '/api/v1/customers?limit=100', auth)).json().items as {
        id: string;
        name: string;
        phone: string | null;
        email: string | null;
      }[];

    it('reads a spreadsheet through a mapping given with the preview, by column name', async () => {
      const w = await t.newWorkspace();
      // as detected: generic, reading only the columns it knows by name, each with its first values
      const plain = await upload('/api/v1/imports/preview', w.auth, SHEET);
      expect(plain.statusCode).toBe(200);
      expect(plain.json()).toMatchObject({ preset: 'generic', mapping: null });
      const cols = new Map((plain.json().columns as Column[]).map((c) => [c.header, c]));
      expect(cols.get('E-mail address')).toMatchObject({ used: true, field: 'email' });
      expect(cols.get('Notes')).toMatchObject({ used: true, field: 'notes' });
      expect(cols.get('Client')).toMatchObject({
        used: false,
        field: 'ignore',
        examples: ['Amaka Eze', 'Bola Adeyemi'],
      });
      expect(cols.get('Mobile no.')?.examples).toEqual(['0803 111 2222', '0805 333 4444']);
      expect(plain.json().sample[0].customer.name).toBe('amaka@example.com');

      // with the mapping: names, mobiles, emails and notes from their columns; "Since" left out
      const mapped = await upload(`/api/v1/imports/preview?${q(MAPPING)}`, w.auth, SHEET);
      expect(mapped.statusCode).toBe(200);
      expect(mapped.json()).toMatchObject({ preset: 'mapping', mapping: null });
      expect(mapped.json().sample[0].customer).toMatchObject({
        name: 'Amaka Eze',
        phones: [{ number: '0803 111 2222', label: 'mobile' }],
        emails: [{ address: 'amaka@example.com' }],
        needs: 'Likes mornings',
      });
      expect(mapped.json().sample[1].customer).toMatchObject({ name: 'Bola Adeyemi', emails: [] });
      expect(mapped.json().sample[2]).toMatchObject({ line: 4, error: expect.stringContaining('no name') });
      const used = (mapped.json().columns as Column[]).map((c) => [c.header, c.used, c.field]);
      expect(used).toEqual([
        ['Client', true, 'name'],
        ['Mobile no.', true, 'mobile'],
        ['E-mail address', true, 'email'],
        ['Notes', true, 'notes'],
        ['Since', false, 'ignore'],
      ]);
    });

    it('refuses an unknown field, a column the file lacks and a mapping that names nobody, saying where', async () => {
      const w = await t.newWorkspace();
      const unknown = await upload(
        `/api/v1/imports/preview?${q({ ...MAPPING, 'Mobile no.': 'cellphone' })}`,
        w.auth,
        SHEET,
      );
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json()).toMatchObject({
        code: 'MAPPING_UNKNOWN_FIELD',
        pointer: '/querystring/columns/Mobile no.',
      });
      expect(unknown.json().detail).toContain('"cellphone" is not a Rapport field');
      const missing = await upload(
        `/api/v1/imports?${q({ ...MAPPING, Birthday: 'birthday' })}`,
        w.auth,
        SHEET,
      );
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({
        code: 'MAPPING_COLUMN_MISSING',
        pointer: '/querystring/columns/Birthday',
      });
      expect(missing.json().detail).toContain('The file has no column "Birthday"');
      // a column the file lacks but that is ignored anyway is fine
      expect(
        (await upload(`/api/v1/imports/preview?${q({ ...MAPPING, Extra: 'ignore' })}`, w.auth, SHEET))
          .statusCode,
      ).toBe(200);
      const nobody = await upload(
        `/api/v1/imports/preview?${q({ Notes: 'notes', Since: 'ignore' })}`,
        w.auth,
        SHEET,
      );
      expect(nobody.json()).toMatchObject({ code: 'MAPPING_NO_NAME', pointer: '/querystring/columns' });
      const badJson = await upload('/api/v1/imports/preview?columns=%7Bnope', w.auth, SHEET);
      expect(badJson.json()).toMatchObject({ code: 'MAPPING_INVALID_JSON', pointer: '/querystring/columns' });
      const both = await upload(`/api/v1/imports/preview?preset=generic&${q(MAPPING)}`, w.auth, SHEET);
      expect(both.json().code).toBe('IMPORT_LAYOUT_CONFLICT');
      // nothing was imported by the refused upload
      expect(await customers(w.auth)).toHaveLength(0);
      expect((await send('GET', '/api/v1/imports', w.auth)).json().items).toHaveLength(0);
    });

    it('saves a mapping under a name, detects it for the next file with the same header, and imports with it', async () => {
      const w = await t.newWorkspace();
      const fields = (await send('GET', '/api/v1/imports/fields', w.auth)).json().items as { id: string }[];
      expect(fields.map((f) => f.id)).toEqual(
        expect.arrayContaining(['name', 'mobile', 'email', 'notes', 'tags']),
      );

      const saved = await send('POST', '/api/v1/imports/mappings', w.auth, {
        name: 'Shop sheet',
        columns: MAPPING,
      });
      expect(saved.statusCode).toBe(201);
      expect(saved.json()).toMatchObject({ name: 'Shop sheet', columns: MAPPING });
      const id = saved.json().id as string;
      expect((await send('GET', '/api/v1/imports/mappings', w.auth)).json().items).toEqual([saved.json()]);

      // the same file is now read with the saved mapping, without asking
      const again = await upload('/api/v1/imports/preview', w.auth, SHEET);
      expect(again.json()).toMatchObject({
        preset: 'mapping:Shop sheet',
        mapping: { id, name: 'Shop sheet' },
      });
      expect(again.json().sample[0].customer.name).toBe('Amaka Eze');
      // …unless the generic layout is asked for
      expect((await upload('/api/v1/imports/preview?preset=generic', w.auth, SHEET)).json().preset).toBe(
        'generic',
      );

      const started = await upload('/api/v1/imports?fileName=sheet.csv', w.auth, SHEET);
      expect(started.statusCode).toBe(202);
      const done = await waitFor(w.auth, started.json().id);
      expect(done).toMatchObject({
        status: 'done',
        preset: 'mapping:Shop sheet',
        counts: { customers: { created: 2 }, rejected: 1 },
      });
      const people = await customers(w.auth);
      expect(people.map((c) => [c.name, c.phone, c.email]).sort()).toEqual([
        ['Amaka Eze', '+2348031112222', 'amaka@example.com'],
        ['Bola Adeyemi', '+2348053334444', null],
      ]);
      const amaka = (
        await send('GET', `/api/v1/customers/${people.find((c) => c.name === 'Amaka Eze')?.id}`, w.auth)
      ).json();
      expect(amaka.needs).toBe('Likes mornings');

      // next month's file: same columns in another order and case → the saved mapping; by name too
      const next = await upload('/api/v1/imports/preview', w.auth, NEXT_MONTH);
      expect(next.json()).toMatchObject({ preset: 'mapping:Shop sheet', mapping: { id } });
      expect(next.json().sample[0].customer).toMatchObject({
        name: 'Chidi Okafor',
        phones: [{ number: '0806 555 6666', label: 'mobile' }],
      });
      const byName = await upload(
        `/api/v1/imports?mapping=${encodeURIComponent('Shop sheet')}`,
        w.auth,
        NEXT_MONTH,
      );
      expect(byName.statusCode).toBe(202);
      expect(await waitFor(w.auth, byName.json().id)).toMatchObject({
        counts: { customers: { created: 1 } },
      });
      // the first file again: nothing new
      const rerun = await upload('/api/v1/imports', w.auth, SHEET);
      const rerunDone = await waitFor(w.auth, rerun.json().id);
      expect(rerunDone.counts.customers.created).toBe(0);
      expect(await customers(w.auth)).toHaveLength(3);

      // a file with other columns is not read with it; naming the mapping for it says which column is missing
      const other = 'Client;Phone\r\nZed;0809 000 0000\r\n';
      expect((await upload('/api/v1/imports/preview', w.auth, other)).json().preset).toBe('generic');
      const wrong = await upload('/api/v1/imports/preview?mapping=Shop%20sheet', w.auth, other);
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json()).toMatchObject({ code: 'MAPPING_COLUMN_MISSING', pointer: '/querystring/mapping' });
      expect(wrong.json().detail).toContain('no column "Mobile no.", which the mapping "Shop sheet" reads');
    });

    it('keeps names unique, changes and deletes mappings, and hides them from other workspaces', async () => {
      const w = await t.newWorkspace();
      const other = await t.newWorkspace();
      const saved = (
        await send('POST', '/api/v1/imports/mappings', w.auth, { name: 'Clients', columns: MAPPING })
      ).json();
      const taken = await send('POST', '/api/v1/imports/mappings', w.auth, {
        name: ' Clients ',
        columns: MAPPING,
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({ code: 'MAPPING_NAME_TAKEN', pointer: '/body/name' });
      // the same name in another workspace is fine
      expect(
        (await send('POST', '/api/v1/imports/mappings', other.auth, { name: 'Clients', columns: MAPPING }))
          .statusCode,
      ).toBe(201);

      const bad = await send('POST', '/api/v1/imports/mappings', w.auth, {
        name: 'Bad',
        columns: { Client: 'name', 'Mobile/cell': 'cellphone' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        code: 'MAPPING_UNKNOWN_FIELD',
        pointer: '/body/columns/Mobile~1cell',
      });
      const twins = await send('POST', '/api/v1/imports/mappings', w.auth, {
        name: 'Twins',
        columns: { Client: 'name', ' client ': 'company' },
      });
      expect(twins.json()).toMatchObject({
        code: 'MAPPING_DUPLICATE_COLUMN',
        pointer: '/body/columns/ client ',
      });

      const changed = await send('PUT', `/api/v1/imports/mappings/${saved.id}`, w.auth, {
        name: 'Clients 2024',
        columns: { ...MAPPING, Since: 'tags' },
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ name: 'Clients 2024', columns: { Since: 'tags' } });
      const preview = await upload('/api/v1/imports/preview', w.auth, SHEET);
      expect(preview.json().sample[0].customer.tags).toEqual(['2019']);

      // another workspace's mapping: 404 by id and by name, never detected
      expect(
        (
          await send('PUT', `/api/v1/imports/mappings/${saved.id}`, other.auth, {
            name: 'x',
            columns: MAPPING,
          })
        ).statusCode,
      ).toBe(404);
      expect((await send('DELETE', `/api/v1/imports/mappings/${saved.id}`, other.auth)).statusCode).toBe(404);
      expect(
        (await upload(`/api/v1/imports/preview?mapping=${saved.id}`, other.auth, SHEET)).statusCode,
      ).toBe(404);
      const theirs = await upload('/api/v1/imports/preview', other.auth, SHEET);
      expect(theirs.json().mapping).toMatchObject({ name: 'Clients' });
      expect(theirs.json().mapping.id).not.toBe(saved.id);

      expect((await send('DELETE', `/api/v1/imports/mappings/${saved.id}`, w.auth)).statusCode).toBe(204);
      expect((await send('DELETE', `/api/v1/imports/mappings/${saved.id}`, w.auth)).statusCode).toBe(404);
      expect((await upload('/api/v1/imports/preview', w.auth, SHEET)).json().preset).toBe('generic');
    });

    it('resumes an interrupted mapped import only under the same mapping', async () => {
      const w = await t.newWorkspace();
      const dir = tmpDir();
      const file = path.join(dir, 'sheet.csv');
      fs.writeFileSync(file, SHEET);
      const run = (columns: Record<string, string>) =>
        t.services.imports.runImport({ workspaceId: w.workspaceId, file, columns });
      // a first run that stopped after the first row (as a kill would leave it)
      const first = await run(MAPPING);
      expect(first.resumed).toBe(false);
      await t.conn.db
        .updateTable('import_runs')
        .set({ status: 'failed', records_done: 1 })
        .where('workspace_id', '=', w.workspaceId)
        .execute();
      // another mapping of the same file starts afresh (all three rows read again)…
      const other = await run({ ...MAPPING, Since: 'tags' });
      expect(other).toMatchObject({ resumed: false, counts: { customers: { updated: 2 }, rejected: 1 } });
      // …the same mapping resumes after the first row
      const same = await run(MAPPING);
      expect(same.resumed).toBe(true);
      expect(same.run?.id).toBe(first.run?.id);
      expect(other.run?.id).not.toBe(first.run?.id);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('imports from the command line with --mapping <name>, and says which column a file lacks', async () => {
      const w = await t.newWorkspace({ name: 'Cli Shop' });
      await send('POST', '/api/v1/imports/mappings', w.auth, { name: 'Shop sheet', columns: MAPPING });
      const dir = tmpDir();
      const file = path.join(dir, 'export.csv');
      // the saved columns plus one more: not detected by its header, but named on the command line it reads
      fs.writeFileSync(
        file,
        [
          'Client;Mobile no.;E-mail address;Notes;Since;Branch',
          'Amaka Eze;0803 111 2222;amaka@example.com;Likes mornings;2019;Ikeja',
          'Bola Adeyemi;0805 333 4444;;Pays cash;2021;Lekki',
          '',
        ].join('\r\n'),
      );
      const env = {
        ...(process.env as Record<string, string>),
        RAPPORT_DATA_DIR: t.dataDir ?? dir,
        DATABASE_URL: t.conn.url ?? '',
        LOG_LEVEL: 'silent',
      };
      const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { env });
      expect((await cli('import', '--help')).stdout).toContain('--mapping <name>');
      const { stdout } = await cli('import', file, '--workspace', 'Cli Shop', '--mapping', 'Shop sheet');
      expect(stdout).toContain('as "mapping:Shop sheet"');
      expect(stdout).toContain('customers: 2 created');
      expect((await customers(w.auth)).map((c) => c.name).sort()).toEqual(['Amaka Eze', 'Bola Adeyemi']);

      fs.writeFileSync(file, 'Client;Phone\r\nZed;0809 000 0000\r\n');
      const failed = await cli('import', file, '--workspace', 'Cli Shop', '--mapping', 'Shop sheet').catch(
        (e: { stderr: string; code: number }) => e,
      );
      expect('code' in failed && failed.code).not.toBe(0);
      expect((failed as { stderr: string }).stderr).toContain('The file has no column "Mobile no."');
      const unknown = await cli('import', file, '--workspace', 'Cli Shop', '--mapping', 'Nope').catch(
        (e: { stderr: string }) => e,
      );
      expect((unknown as { stderr: string }).stderr).toContain('No saved mapping "Nope"');
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
}
