/**
 * The package as it ships: the compiled server (`node dist/main.js`, no TypeScript loader) started on a fresh,
 * empty database, and the README's "API in one minute" run against it word for word with the compiled CLI
 * (scripts/api-example.js; scripts/compose-smoke.sh runs the same against `docker compose up`), then an
 * import and a refit, which run in worker threads loaded from the compiled `.js`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../scripts/api-example.js';
import { testDatabaseUrl } from '../src/platform/config.ts';
import { DIALECTS, tmpDir } from './kit.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'rapport.js');
const run = promisify(execFile);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: testDatabaseUrl() as string });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

for (const dialect of DIALECTS)
  describe(`the built package on ${dialect}: compiled server and CLI, the README's API example`, () => {
    const dataDir = tmpDir('rapport-package-');
    const dbName = `rapport_pkg_${randomBytes(6).toString('hex')}`;
    let server: ChildProcess;
    let url = '';
    let env: Record<string, string> = {};
    let log = '';

    beforeAll(async () => {
      let databaseUrl = '';
      if (dialect === 'postgres') {
        await admin(`CREATE DATABASE ${dbName}`); // empty: the server migrates it at start
        const u = new URL(testDatabaseUrl() as string);
        u.pathname = `/${dbName}`;
        databaseUrl = u.toString();
      }
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      env = {
        ...(process.env as Record<string, string>),
        PORT: String(port),
        HOST: '127.0.0.1',
        RAPPORT_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'warn',
      };
      server = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js')], { cwd: ROOT, env });
      server.stdout?.on('data', (d) => (log += d));
      server.stderr?.on('data', (d) => (log += d));
      for (let i = 0; ; i++) {
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (server.exitCode !== null || i > 600)
          throw new Error(`the compiled server did not come up (exit ${server.exitCode}):\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (dialect === 'postgres') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    });

    it('runs as plain JavaScript: dist/main.js, with no TypeScript loader in the process', async () => {
      expect(fs.existsSync(path.join(ROOT, 'dist', 'main.js'))).toBe(true);
      const argv = fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(argv.slice(1)).toEqual([path.join(ROOT, 'dist', 'main.js')]); // no --import, no loader
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const spec = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(spec.paths)).toContain('/api/v1/customers');
    });

    it("does what the README's API example says, with the compiled `rapport` command", () => {
      const result = runExample({ url, rapport: `node ${JSON.stringify(BIN)}`, env });
      expect(result.failures, `${result.stderr}\nserver log:\n${log}`).toEqual([]);
      expect(result.steps.length).toBeGreaterThanOrEqual(4);
    });

    it('runs heavy work in compiled worker threads: an import over HTTP and a model refit', async () => {
      const { stdout } = await run(
        process.execPath,
        [BIN, 'apikey', 'create', '--workspace', "Ada's Bakery", '--scope', 'read,write,admin'],
        { env },
      );
      const auth = { authorization: `Bearer ${stdout.trim().split('\n').at(-1)}` };
      const get = async (p: string) => {
        const r = await fetch(`${url}${p}`, { headers: auth });
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      };
      const poll = async (
        p: string,
        settled: (r: { status: number; body: Record<string, unknown> }) => boolean,
      ) => {
        for (let i = 0; i < 600; i++) {
          const r = await get(p);
          if (settled(r)) return r;
          await new Promise((res) => setTimeout(res, 100));
        }
        throw new Error(`${p} did not settle`);
      };

      const started = await fetch(`${url}/api/v1/imports?fileName=generic.csv`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: fs.readFileSync(path.join(ROOT, 'test/fixtures/imports/generic.csv')),
      });
      expect(started.status).toBe(202);
      const id = ((await started.json()) as { id: string }).id;
      const imported = await poll(`/api/v1/imports/${id}`, (r) => r.body.status !== 'running');
      expect(imported.body).toMatchObject({ status: 'done', preset: 'generic' });
      expect((imported.body.counts as { customers: { created: number } }).customers.created).toBeGreaterThan(
        0,
      );

      const refit = await fetch(`${url}/api/v1/analytics/refit`, { method: 'POST', headers: auth });
      expect(refit.status).toBe(202);
      const latest = await poll(
        '/api/v1/analytics/runs/latest',
        (r) => r.status === 200 && r.body.status !== 'running',
      );
      // no orders yet: the worker finishes the run and says the data is too thin, rather than failing
      expect(latest.body).toMatchObject({ status: 'insufficient_data', error: null });
    });

    it('stops cleanly on SIGTERM', async () => {
      const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    });
  });
