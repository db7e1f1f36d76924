import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_NO_UPLOAD, recoverImports, type StartImport } from '../src/modules/imports/index.ts';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');

function customersCsv(n: number): string {
  const rows = ['Customer ID,First Name,Last Name,Phone,Email'];
  for (let i = 0; i < n; i++)
    rows.push(
      `C${i},Ada,Okafor ${i},+1 415 ${String(300 + Math.floor(i / 10000))} ${String(10000 + (i % 10000)).slice(-4)},r${i}@example.com`,
    );
  return rows.join('\n') + '\n';
}

/**
 * #11: after a crash an import run stayed "running" forever and its upload stayed on disk. At start a server
 * resumes it from its upload (or fails it with a reason when the upload is gone) and removes uploads no run needs.
 */
for (const dialect of DIALECTS) {
  describe(`a restart resumes or fails imports a crash left running (${dialect})`, () => {
    let t: TestApp;
    let uploads: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      uploads = path.join(t.dataDir ?? tmpDir(), 'uploads');
      fs.mkdirSync(uploads, { recursive: true });
    });
    afterAll(() => t.closeAll());

    const silent = { info: () => {}, warn: () => {} };
    const inProcess: StartImport = (o, onStarted) => t.services.imports.runImport({ ...o, onStarted });

    /** Import `file` with the CLI and kill -9 it once some batches are committed; the run id it left. */
    async function crashImport(ws: string, file: string): Promise<string> {
      const env = {
        ...process.env,
        RAPPORT_DATA_DIR: t.dataDir ?? '/nonexistent',
        DATABASE_URL: t.conn.url ?? '',
        LOG_LEVEL: 'silent',
      };
      const child = spawn(process.execPath, [BIN, 'import', file, '--workspace', ws, '--currency', 'USD'], {
        env,
        stdio: 'ignore',
      });
      let run: { id: string; records_done: number } | undefined;
      for (let i = 0; i < 1800 && Number(run?.records_done ?? 0) < 1000; i++) {
        await new Promise((r) => setTimeout(r, 50));
        run = await t.conn.db
          .selectFrom('import_runs')
          .select(['id', 'records_done'])
          .where('workspace_id', '=', ws)
          .executeTakeFirst();
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (!run) throw new Error('the import never started');
      return run.id;
    }
    const runOf = (ws: string, id: string) => t.services.imports.getRunOrThrow(ws, id);

    it('resumes an interrupted run from its upload, ends it with exact counts and removes the upload', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const file = path.join(tmpDir(), 'customers.csv');
      fs.writeFileSync(file, customersCsv(6000));
      const id = await crashImport(w.workspaceId, file);
      expect((await runOf(w.workspaceId, id)).status).toBe('running'); // what a crash leaves
      fs.copyFileSync(file, path.join(uploads, `${id}.upload`)); // as the API keeps an upload while it runs

      const r = await recoverImports({
        imports: t.services.imports,
        uploadsDir: uploads,
        startImport: inProcess,
        log: silent,
      });
      expect(r.resumed).toEqual([id]);
      await r.done;
      const run = await runOf(w.workspaceId, id);
      expect(run).toMatchObject({
        status: 'done',
        recordsDone: 6000,
        counts: { customers: { created: 6000, unchanged: 0 }, rejected: 0 },
      });
      expect(fs.existsSync(path.join(uploads, `${id}.upload`))).toBe(false);
      const n = await t.conn.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', w.workspaceId)
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(6000);
    }, 180_000);

    it('fails an interrupted run whose upload is gone, with a reason; the next import of the file resumes it', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const file = path.join(tmpDir(), 'customers.csv');
      fs.writeFileSync(file, customersCsv(6000));
      const id = await crashImport(w.workspaceId, file);
      const r = await recoverImports({
        imports: t.services.imports,
        uploadsDir: uploads,
        startImport: inProcess,
        log: silent,
      });
      expect(r.failed).toContain(id);
      await r.done;
      expect(await runOf(w.workspaceId, id)).toMatchObject({
        status: 'failed',
        error: INTERRUPTED_NO_UPLOAD,
      });
      // a second server starting finds nothing more to do
      const again = await recoverImports({
        imports: t.services.imports,
        uploadsDir: uploads,
        startImport: inProcess,
        log: silent,
      });
      expect(again.failed).not.toContain(id);
      expect(again.resumed).not.toContain(id);

      const resumed = await t.services.imports.runImport({
        workspaceId: w.workspaceId,
        file,
        currency: 'USD',
      });
      expect(resumed).toMatchObject({ resumed: true, joined: false });
      expect(resumed.run).toMatchObject({ id, status: 'done', recordsDone: 6000 });
      expect(resumed.counts.customers).toMatchObject({ created: 6000, unchanged: 0 });
    }, 180_000);

    it('a run that failed before its first batch counts every row when resumed', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const file = path.join(tmpDir(), 'early.csv');
      fs.writeFileSync(file, customersCsv(50));
      const dry = await t.services.imports.runImport({
        workspaceId: w.workspaceId,
        file,
        currency: 'USD',
        dryRun: true,
      });
      const at = new Date().toISOString();
      await t.conn.db
        .insertInto('import_runs')
        .values({
          workspace_id: w.workspaceId,
          id: 'early-run',
          file_name: 'early.csv',
          file_hash: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
          file_bytes: fs.statSync(file).size,
          preset: dry.preset,
          options: JSON.stringify({ currency: 'USD', preset: dry.preset }),
          status: 'failed',
          records_done: 0,
          bytes_done: 0,
          counts: JSON.stringify({
            customers: { created: 0, updated: 0, unchanged: 0 },
            orders: { created: 0, unchanged: 0 },
            rejected: 0,
            warnings: 0,
          }),
          error: 'database unavailable',
          created_at: at,
          updated_at: at,
          finished_at: at,
          active_key: null,
          owner: null,
        })
        .execute();
      const r = await t.services.imports.runImport({ workspaceId: w.workspaceId, file, currency: 'USD' });
      expect(r).toMatchObject({ resumed: true, run: { id: 'early-run', status: 'done', recordsDone: 50 } });
      expect(r.counts.customers).toEqual({ created: 50, updated: 0, unchanged: 0 });
    });

    it('removes uploads whose run has ended', async () => {
      const w = await t.newWorkspace({ region: 'US' });
      const file = path.join(tmpDir(), 'few.csv');
      fs.writeFileSync(file, customersCsv(5));
      const r = await t.services.imports.runImport({ workspaceId: w.workspaceId, file, currency: 'USD' });
      const left = path.join(uploads, `${r.run?.id}.upload`);
      fs.copyFileSync(file, left);
      const rec = await recoverImports({
        imports: t.services.imports,
        uploadsDir: uploads,
        startImport: inProcess,
        log: silent,
      });
      expect(rec.removed).toContain(`${r.run?.id}.upload`);
      expect(fs.existsSync(left)).toBe(false);
    });
  });
}
