import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createAccessService } from '../src/modules/access/index.ts';
import { createWorkspaceService } from '../src/modules/workspaces/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { connect } from '../src/platform/db/connect.ts';
import { DIALECTS, freshDb, startTestApp, tmpDir, type TestApp } from './kit.ts';

const FIX = path.resolve(import.meta.dirname, 'fixtures/imports');
const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');
let address = 0;
/** A new client address per sign-in, so the per-address limiter never decides a test about the per-account one. */
const nextAddress = () => `10.77.${Math.floor(++address / 250)}.${(address % 250) + 1}`;

/** An open event stream over real HTTP: what it has received, and a promise of its end. */
function openStream(base: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: () => string; ended: Promise<void>; close: () => void }>(
    (resolve, reject) => {
      const req = http.get(`${base}/api/v1/events`, { headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        const ended = new Promise<void>((done) => {
          res.on('end', done);
          res.on('close', done);
        });
        resolve({ status: res.statusCode ?? 0, body: () => text, ended, close: () => req.destroy() });
      });
      req.on('error', reject);
    },
  );
}

const until = async (what: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 400 && !(await what()); i++) await new Promise((r) => setTimeout(r, 25));
};

for (const dialect of DIALECTS) {
  describe(`access defences (${dialect})`, () => {
    let t: TestApp;
    let base = '';
    beforeAll(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const a = t.app.server.address();
      if (!a || typeof a === 'string') throw new Error('no port');
      base = `http://127.0.0.1:${a.port}`;
    });
    afterAll(() => t.closeAll());

    const signIn = async (email: string, password = 'correct horse') => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
        remoteAddress: nextAddress(),
      });
      expect(res.statusCode).toBe(200);
      return `rapport_session=${res.cookies.find((c) => c.name === 'rapport_session')?.value}`;
    };
    const ownerEmail = async (workspaceId: string) =>
      (await t.services.access.listUsers(workspaceId))[0]?.email as string;
    const customerCount = async (workspaceId: string) =>
      Number(
        (
          await t.conn.db
            .selectFrom('customers')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .where('workspace_id', '=', workspaceId)
            .executeTakeFirstOrThrow()
        ).n,
      );

    describe('event streams', () => {
      it('closes a stream at once when its API key is revoked in this process', async () => {
        const w = await t.newWorkspace();
        const s = await openStream(base, w.auth);
        expect(s.status).toBe(200);
        await until(() => s.body().includes(': connected'));
        const keys = (await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: w.auth })).json();
        const revoked = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/api-keys/${keys.items[0].id}`,
          headers: w.auth,
        });
        expect(revoked.statusCode).toBe(200);
        await s.ended;
        expect(s.body()).toContain('event: closed');
        // and it cannot come back
        expect((await openStream(base, w.auth)).status).toBe(401);
      });

      it('closes a stream when its key is revoked by another process (re-checked every 5 s, not cached)', async () => {
        const w = await t.newWorkspace();
        const s = await openStream(base, w.auth);
        expect(s.status).toBe(200);
        // what the CLI or a second server does: the row changes, this process is not told
        await t.conn.db
          .updateTable('api_keys')
          .set({ revoked_at: new Date().toISOString() })
          .where('workspace_id', '=', w.workspaceId)
          .execute();
        await s.ended;
        expect(s.body()).toContain('event: closed');
      });

      it('stops sending caller cards to a signed-in tab whose user is disabled, or that signed out', async () => {
        const w = await t.newWorkspace();
        const staff = await t.services.access.createUser(
          w.workspaceId,
          { email: `staff-${w.workspaceId}@example.com`, password: 'correct horse', role: 'staff' },
          'test',
        );
        const cookie = await signIn(staff.email);
        const s = await openStream(base, { cookie });
        expect(s.status).toBe(200);
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/calls',
          headers: w.auth,
          payload: { from: '+2348031111111', direction: 'inbound' },
        });
        await until(() => s.body().includes('event: call'));
        await t.app.inject({ method: 'POST', url: `/api/v1/users/${staff.id}/disable`, headers: w.auth });
        await s.ended;
        const seen = s.body();
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/calls',
          headers: w.auth,
          payload: { from: '+2348032222222', direction: 'inbound' },
        });
        expect(s.body()).toBe(seen);
        expect(seen).toContain('event: closed');
        expect(seen).not.toContain('2348032222222');

        const owner = await signIn(await ownerEmail(w.workspaceId));
        const tab = await openStream(base, { cookie: owner });
        expect(tab.status).toBe(200);
        const out = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { cookie: owner, origin: 'http://localhost' },
        });
        expect(out.statusCode).toBe(204);
        await tab.ended;
        expect(tab.body()).toContain('event: closed');
      });

      it('caps open streams at 10 per key or session: the 11th answers 429 problem+json', async () => {
        const w = await t.newWorkspace();
        const open = await Promise.all(Array.from({ length: 10 }, () => openStream(base, w.auth)));
        expect(open.map((s) => s.status)).toEqual(Array(10).fill(200));
        const refused = await t.app.inject({ method: 'GET', url: '/api/v1/events', headers: w.auth });
        expect(refused.statusCode).toBe(429);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.json().code).toBe('TOO_MANY_STREAMS');
        // another key of the same workspace is counted apart
        const other = (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/api-keys',
            headers: w.auth,
            payload: { name: 'second' },
          })
        ).json().key as string;
        const second = await openStream(base, { authorization: `Bearer ${other}` });
        expect(second.status).toBe(200);
        second.close();
        // closing one frees its place
        open[0]?.close();
        await open[0]?.ended;
        let again = await openStream(base, w.auth);
        for (let i = 0; i < 40 && again.status !== 200; i++) {
          await new Promise((r) => setTimeout(r, 25));
          again = await openStream(base, w.auth);
        }
        expect(again.status).toBe(200);
        again.close();
        for (const s of open) s.close();
      });
    });

    /** Wait for a workspace's imports to finish (their worker writes beside the tests that follow). */
    const importsDone = (auth: Record<string, string>) =>
      until(async () =>
        (
          (await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: auth })).json().items as {
            status: string;
          }[]
        ).every((r) => r.status !== 'running'),
      );

    describe('cross-site requests (CSRF)', () => {
      const importAs = (headers: Record<string, string>, type = 'text/plain') =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/imports?fileName=evil.csv',
          headers: { 'content-type': type, ...headers },
          payload: fs.readFileSync(path.join(FIX, 'generic.csv')),
        });

      it('refuses an import into a signed-in workspace from a page on another port of the same host', async () => {
        const w = await t.newWorkspace();
        const cookie = await signIn(await ownerEmail(w.workspaceId));
        // what a page at http://localhost:8080 can make a browser send with a form or a no-cors fetch
        const crossPort = await importAs({ cookie, origin: 'http://localhost:8080' });
        expect(crossPort.statusCode).toBe(403);
        expect(crossPort.headers['content-type']).toContain('application/problem+json');
        expect(crossPort.json().code).toBe('CROSS_ORIGIN_REFUSED');
        const sameSite = await importAs({ cookie, 'sec-fetch-site': 'same-site' });
        expect(sameSite.statusCode).toBe(403);
        const nullOrigin = await importAs({ cookie, origin: 'null' });
        expect(nullOrigin.statusCode).toBe(403);
        const noOrigin = await importAs({ cookie });
        expect(noOrigin.statusCode).toBe(403);
        // right origin, but a type any form can send
        const plain = await importAs({ cookie, origin: 'http://localhost' });
        expect(plain.statusCode).toBe(415);
        expect(plain.json().code).toBe('CONTENT_TYPE_REFUSED');
        const form = await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: {
            cookie,
            origin: 'http://localhost',
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: 'name=Mallory',
        });
        expect(form.statusCode).toBe(415);
        expect(await customerCount(w.workspaceId)).toBe(0);
        expect(
          (await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: w.auth })).json().items,
        ).toEqual([]);
      });

      it('accepts the web app’s own requests: same Origin (or Sec-Fetch-Site), JSON or a file as octet-stream', async () => {
        const w = await t.newWorkspace();
        const cookie = await signIn(await ownerEmail(w.workspaceId));
        const byOrigin = await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: { cookie, origin: 'http://localhost' },
          payload: { name: 'Walk-in' },
        });
        expect(byOrigin.statusCode).toBe(201);
        const byFetchSite = await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/customers/${byOrigin.json().id}`,
          headers: { cookie, 'sec-fetch-site': 'same-origin' },
          payload: { needs: 'window seat' },
        });
        expect(byFetchSite.statusCode).toBe(200);
        const upload = await importAs({ cookie, origin: 'http://localhost' }, 'application/octet-stream');
        expect(upload.statusCode).toBe(202);
        await importsDone(w.auth);
        // behind a proxy the Host is the public one
        const proxied = await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: { cookie, origin: 'https://crm.example.com', host: 'crm.example.com' },
          payload: { name: 'Via proxy' },
        });
        expect(proxied.statusCode).toBe(201);
        // reads are not changed
        const read = await t.app.inject({
          method: 'GET',
          url: '/api/v1/customers',
          headers: { cookie, origin: 'http://elsewhere.example' },
        });
        expect(read.statusCode).toBe(200);
      });

      it('leaves API-key requests alone, and refuses a cross-site sign-in', async () => {
        const w = await t.newWorkspace();
        const res = await importAs({ ...w.auth, origin: 'http://localhost:8080' });
        expect(res.statusCode).toBe(202);
        await importsDone(w.auth);
        const login = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { origin: 'http://localhost:8080' },
          payload: { email: await ownerEmail(w.workspaceId), password: 'correct horse' },
          remoteAddress: nextAddress(),
        });
        expect(login.statusCode).toBe(403);
        expect(login.cookies).toHaveLength(0);
      });
    });

    describe('sign-in guessing', () => {
      const attempt = (email: string, password: string, extra: Record<string, unknown> = {}) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password },
          remoteAddress: nextAddress(),
          ...extra,
        });

      it('locks an account for 15 minutes after 10 failures, whatever the address: 429 with Retry-After', async () => {
        const w = await t.newWorkspace();
        const email = await ownerEmail(w.workspaceId);
        const codes: number[] = [];
        for (let i = 0; i < 10; i++) codes.push((await attempt(email, `guess-${i}`)).statusCode);
        expect(codes).toEqual(Array(10).fill(401));
        const locked = await attempt(email, 'correct horse'); // even the right password
        expect(locked.statusCode).toBe(429);
        expect(locked.headers['content-type']).toContain('application/problem+json');
        expect(locked.json()).toMatchObject({
          code: 'SIGN_IN_LOCKED',
          detail: 'Too many failed sign-ins for this account. Try again in 15 minutes.',
        });
        const retry = Number(locked.headers['retry-after']);
        expect(retry).toBeGreaterThan(800);
        expect(retry).toBeLessThanOrEqual(900);
        expect(locked.cookies).toHaveLength(0);
      });

      it('shares the count between processes on the same database', async () => {
        const w = await t.newWorkspace();
        const email = await ownerEmail(w.workspaceId);
        const config = loadConfig({
          RAPPORT_DATA_DIR: t.dataDir ?? tmpDir(),
          DATABASE_URL: dialect === 'postgres' ? (t.conn.url ?? '') : '',
          LOG_LEVEL: 'silent',
          TRUST_PROXY: 'true',
        });
        const second = await buildApp(config, { serveWeb: false }); // its own connection, like another process
        try {
          for (let i = 0; i < 10; i++) {
            const app = i % 2 ? second.app : t.app;
            const res = await app.inject({
              method: 'POST',
              url: '/api/v1/auth/login',
              payload: { email, password: `guess-${i}` },
              headers: { 'x-forwarded-for': `203.0.113.${i + 1}` }, // a fresh address per try
            });
            expect(res.statusCode).toBe(401);
          }
          for (const app of [t.app, second.app]) {
            const res = await app.inject({
              method: 'POST',
              url: '/api/v1/auth/login',
              payload: { email, password: 'correct horse' },
              headers: { 'x-forwarded-for': '198.51.100.7' },
            });
            expect(res.statusCode).toBe(429);
          }
        } finally {
          await second.close();
        }
      });

      it('counts parallel guesses exactly: 30 at once, 10 checked, 20 refused', async () => {
        const w = await t.newWorkspace();
        const email = await ownerEmail(w.workspaceId);
        const codes = await Promise.all(
          Array.from({ length: 30 }, (_, i) => attempt(email, `parallel-${i}`).then((r) => r.statusCode)),
        );
        expect(codes.filter((c) => c === 401)).toHaveLength(10);
        expect(codes.filter((c) => c === 429)).toHaveLength(20);
      });

      it('resets the count on a successful sign-in, counts unknown emails alike, and unlocks after 15 minutes', async () => {
        const w = await t.newWorkspace();
        const email = await ownerEmail(w.workspaceId);
        for (let i = 0; i < 9; i++) expect((await attempt(email, `miss-${i}`)).statusCode).toBe(401);
        expect((await attempt(email, 'correct horse')).statusCode).toBe(200);
        for (let i = 0; i < 10; i++) expect((await attempt(email, `miss-${i}`)).statusCode).toBe(401);
        expect((await attempt(email, 'correct horse')).statusCode).toBe(429);

        // unknown accounts lock the same way (no telling them apart)
        for (let i = 0; i < 10; i++) expect((await attempt('nobody@example.com', 'x')).statusCode).toBe(401);
        expect((await attempt('nobody@example.com', 'x')).statusCode).toBe(429);

        // 16 minutes on, the lock is over
        const later = new Date(Date.now() + 16 * 60_000);
        const access = createAccessService({
          db: t.conn.db,
          workspaces: createWorkspaceService({ db: t.conn.db }),
          sessionDays: 1,
          clock: () => later,
        });
        await expect(access.login({ email, password: 'correct horse' })).resolves.toMatchObject({
          user: { email },
        });
        // the hourly sweep forgets counts whose window and lock are over
        const rows = () =>
          t.conn.db
            .selectFrom('sign_in_attempts')
            .select('email')
            .where('email', '=', 'nobody@example.com')
            .execute();
        expect(await rows()).toHaveLength(1);
        await access.deleteExpiredSessions();
        expect(await rows()).toHaveLength(0);
      });

      it('refuses the most common passwords when setting one (user create and the CLI)', async () => {
        const w = await t.newWorkspace();
        for (const password of ['password1', 'Iloveyou1', 'qwertyuiop', '12345678']) {
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/v1/users',
            headers: w.auth,
            payload: { email: `weak-${password}@example.com`, password },
          });
          expect(res.statusCode, password).toBe(400);
          expect(res.json().pointer).toBe('/body/password');
          expect(res.json().detail).toMatch(/most common/);
        }
        const setup = await t.app.inject({
          method: 'POST',
          url: '/api/v1/setup',
          payload: {
            workspace: { name: 'Weak', timezone: 'UTC', currency: 'USD', region: 'US' },
            owner: { email: 'weak@example.com', password: 'baseball1' },
          },
          remoteAddress: nextAddress(),
        });
        expect(setup.statusCode).toBe(400);
        expect(setup.json().pointer).toBe('/body/owner/password');
        const fine = await t.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: w.auth,
          payload: { email: 'strong@example.com', password: 'plum-velvet-42' },
        });
        expect(fine.statusCode).toBe(201);
        if (dialect === 'sqlite' && t.dataDir) {
          const env = {
            ...(process.env as Record<string, string>),
            RAPPORT_DATA_DIR: t.dataDir,
            DATABASE_URL: '',
            LOG_LEVEL: 'silent',
          };
          const cli = promisify(execFile)(
            process.execPath,
            [
              BIN,
              'user',
              'create',
              '--workspace',
              w.workspaceId,
              '--email',
              'cli@example.com',
              '--password',
              'football',
            ],
            { env },
          );
          await expect(cli).rejects.toMatchObject({ stderr: expect.stringMatching(/most common/) });
        }
      });
    });

    describe('authentication on the decoded route', () => {
      it('asks for a key however the path is spelled', async () => {
        const w = await t.newWorkspace();
        for (const url of [
          '/%61pi/v1/imports/fields',
          '/api/v1/%69mports/fields',
          '/%61%70%69/v1/customers',
          '/api/v1/%6de',
          '/api/%761/api-keys',
          '/api/v1/customers/%64uplicates',
        ]) {
          const anonymous = await t.app.inject({ method: 'GET', url });
          expect(anonymous.statusCode, url).toBe(401);
          expect(anonymous.json().code, url).toBe('UNAUTHENTICATED');
          expect((await t.app.inject({ method: 'GET', url, headers: w.auth })).statusCode, url).toBe(200);
        }
        const write = await t.app.inject({
          method: 'POST',
          url: '/%61pi/v1/customers',
          payload: { name: 'Sneaky' },
        });
        expect(write.statusCode).toBe(401);
        expect(await customerCount(w.workspaceId)).toBe(0);
      });
    });

    describe('security headers', () => {
      it('sends a CSP, nosniff, no framing and a referrer policy on every answer', async () => {
        const w = await t.newWorkspace();
        for (const [url, headers] of [
          ['/healthz', {}],
          ['/openapi.json', {}],
          ['/api/v1/me', {}],
          ['/api/v1/me', w.auth],
          ['/api/v1/nowhere', w.auth],
        ] as const) {
          const res = await t.app.inject({ method: 'GET', url, headers });
          const csp = String(res.headers['content-security-policy']);
          expect(csp, url).toContain("default-src 'self'");
          expect(csp, url).toContain("script-src 'self'");
          expect(csp, url).not.toMatch(/script-src[^;]*unsafe-inline/);
          expect(csp, url).toContain("frame-ancestors 'none'");
          expect(csp, url).toContain("object-src 'none'");
          expect(res.headers['x-content-type-options'], url).toBe('nosniff');
          expect(res.headers['x-frame-options'], url).toBe('DENY');
          expect(res.headers['referrer-policy'], url).toBe('same-origin');
          expect(res.headers['strict-transport-security'], url).toBeUndefined(); // plain HTTP on a shop LAN
        }
        const stream = await openStream(base, w.auth);
        stream.close();
        expect(stream.status).toBe(200);
      });
    });
  });
}

describe('files and logs', () => {
  it('creates the SQLite database, its WAL and shared-memory files 0600 in a 0700 folder', async () => {
    const dataDir = path.join(tmpDir(), 'nested', 'data');
    const old = process.umask(0o022);
    try {
      const conn = connect({ dataDir });
      await conn.db.schema.createTable('probe').addColumn('x', 'integer').execute();
      for (const f of ['rapport.db', 'rapport.db-wal', 'rapport.db-shm'])
        expect((fs.statSync(path.join(dataDir, f)).mode & 0o777).toString(8), f).toBe('600');
      expect((fs.statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
      await conn.close();
      // a database made by an earlier version with a wider mode is narrowed when opened
      fs.chmodSync(path.join(dataDir, 'rapport.db'), 0o644);
      const again = connect({ dataDir });
      expect((fs.statSync(path.join(dataDir, 'rapport.db')).mode & 0o777).toString(8)).toBe('600');
      await again.close();
    } finally {
      process.umask(old);
    }
  });

  it('writes uploads 0600 in a 0700 uploads folder', async () => {
    const t = await startTestApp('sqlite');
    const old = process.umask(0o022);
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const a = t.app.server.address();
      if (!a || typeof a === 'string') throw new Error('no port');
      const w = await t.newWorkspace();
      const uploads = path.join(t.dataDir as string, 'uploads');
      // send half the file, look at it on disk while the upload is still open, then finish
      const req = http.request(`http://127.0.0.1:${a.port}/api/v1/imports/preview`, {
        method: 'POST',
        headers: { ...w.auth, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
      });
      const answered = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
      const csv = fs.readFileSync(path.join(FIX, 'generic.csv'));
      req.write(csv.subarray(0, 40));
      await until(() => fs.existsSync(uploads) && fs.readdirSync(uploads).length > 0);
      const [name] = fs.readdirSync(uploads);
      expect((fs.statSync(path.join(uploads, name as string)).mode & 0o777).toString(8)).toBe('600');
      expect((fs.statSync(uploads).mode & 0o777).toString(8)).toBe('700');
      req.end(csv.subarray(40));
      expect(await answered).toBe(200);
    } finally {
      process.umask(old);
      await t.closeAll();
    }
  });

  it('leaves phone numbers and search terms out of request logs', async () => {
    const db = await freshDb('sqlite');
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    const config = loadConfig({ RAPPORT_DATA_DIR: db.dataDir as string, LOG_LEVEL: 'info' });
    const app = await buildApp(config, { conn: db, serveWeb: false, logStream });
    try {
      const w = await app.services.workspaces.createWorkspace({
        name: 'Logs',
        timezone: 'Africa/Lagos',
        currency: 'NGN',
        region: 'NG',
      });
      const { key } = await app.services.access.createApiKey(w.id, { name: 'k' }, 'test');
      const auth = { authorization: `Bearer ${key}` };
      await app.app.inject({ method: 'GET', url: '/api/v1/lookup?phone=%2B2348035551234', headers: auth });
      await app.app.inject({
        method: 'GET',
        url: '/api/v1/customers?q=Adaeze%20Okafor&limit=5',
        headers: auth,
      });
      await app.app.inject({ method: 'GET', url: '/api/v1/nowhere?phone=08035551234' });
      const log = lines.join('');
      expect(log).toContain('/api/v1/lookup?phone=[redacted]');
      expect(log).toContain('/api/v1/customers?q=[redacted]&limit=5');
      expect(log).not.toMatch(/5551234/);
      expect(log).not.toMatch(/Adaeze/);
      expect(log).not.toContain(key.split('_')[2]);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
