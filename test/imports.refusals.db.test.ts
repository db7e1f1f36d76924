import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');

/** #13: the CLI refuses what HTTP refuses, with the same words; a CSV that cannot be parsed is a 400 everywhere. */
for (const dialect of DIALECTS) {
  describe(`import refusals, CLI and HTTP alike (${dialect})`, () => {
    let t: TestApp;
    let env: Record<string, string>;
    const dir = tmpDir();
    beforeAll(async () => {
      t = await startTestApp(dialect);
      const url = (t.conn as { url?: string }).url;
      env = {
        ...(process.env as Record<string, string>),
        RAPPORT_DATA_DIR: t.dataDir ?? '/nonexistent',
        DATABASE_URL: dialect === 'postgres' ? (url ?? '') : '',
        LOG_LEVEL: 'silent',
      };
    });
    afterAll(async () => {
      await t.closeAll();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const files: [string, Buffer, RegExp][] = [
      ['empty.csv', Buffer.alloc(0), /empty/i],
      [
        'customers.csv.gz',
        gzipSync(Buffer.from('Name,Email\nAda,ada@example.com\n'.repeat(50))),
        /not text/i,
      ],
      [
        'book.xlsx',
        Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]),
        /workbook/i,
      ],
      ['noise.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /not text/i],
    ];

    it('refuses an empty file, gzip, a workbook and random bytes: exit code 1, the words of the HTTP refusal', async () => {
      const w = await t.newWorkspace();
      const ws = (await t.services.workspaces.getWorkspaceOrThrow(w.workspaceId)).id;
      for (const [name, bytes, words] of files) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, bytes);
        const http = await t.app.inject({
          method: 'POST',
          url: '/api/v1/imports?dryRun=true',
          headers: { ...w.auth, 'content-type': 'text/csv' },
          payload: bytes,
        });
        expect(http.statusCode, name).toBeGreaterThanOrEqual(400);
        expect(http.json().detail ?? http.json().title, name).toMatch(words);
        const cli = await run(process.execPath, [BIN, 'import', file, '--workspace', ws], { env }).then(
          () => undefined,
          (e: { code: number; stderr: string; stdout: string }) => e,
        );
        expect(cli?.code, name).toBe(1);
        expect(`${cli?.stderr}${cli?.stdout}`, name).toMatch(words);
        expect(`${cli?.stdout}`).not.toContain('Imported');
        if (name !== 'empty.csv') expect(`${cli?.stderr}${cli?.stdout}`).toContain(http.json().detail);
      }
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/customers', headers: w.auth })).json().items,
      ).toEqual([]);
    });

    it('answers a CSV with a quote never closed with the same 400 on a dry run as the import reports', async () => {
      const w = await t.newWorkspace();
      const body = Buffer.from('Name,Email\nAda,ada@example.com\nBob,"bob@example.com\nCy,cy@example.com\n');
      const dry = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports?dryRun=true',
        headers: { ...w.auth, 'content-type': 'text/csv' },
        payload: body,
      });
      expect(dry.statusCode).toBe(400);
      expect(dry.json()).toMatchObject({ code: 'IMPORT_CSV_INVALID' });
      expect(dry.json().detail).toMatch(/^This file cannot be read as CSV: a quoted value is never closed/);
      // a big file breaking near its end: what was read before the break is saved, and the report says how much
      const rows = Array.from({ length: 30_000 }, (_, i) => `Person ${i},p${i}@example.com`).join('\n');
      const file = path.join(dir, 'unclosed.csv');
      fs.writeFileSync(file, `Name,Email\n${rows}\nBob,"bob@example.com\nCy,cy@example.com\n`);
      const real = await t.services.imports
        .runImport({ workspaceId: w.workspaceId, file })
        .catch((e: Error) => e);
      expect(real).toBeInstanceOf(Error);
      const message = (real as Error).message;
      expect(message).toMatch(/^This file cannot be read as CSV: a quoted value is never closed/);
      const saved = Number(
        /(\d+) records were saved before this point; importing the fixed file again completes/.exec(
          message,
        )?.[1],
      );
      expect(saved).toBeGreaterThan(0);
      const runs = await t.services.imports.listRuns(w.workspaceId);
      expect(runs[0]).toMatchObject({ status: 'failed', error: message });
      expect(runs[0]?.counts.customers.created).toBe(saved);
      // the fixed file completes it, without duplicates
      fs.writeFileSync(file, `Name,Email\n${rows}\nBob,bob@example.com\nCy,cy@example.com\n`);
      const done = await t.services.imports.runImport({ workspaceId: w.workspaceId, file });
      expect(done.counts.customers).toMatchObject({ created: 30_002 - saved, unchanged: saved });
    });
  });
}
