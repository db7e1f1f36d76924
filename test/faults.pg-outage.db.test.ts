import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../src/platform/config.ts';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/** Read a Server-Sent Events stream, resolving `next(type)` with the next event of that type. */
async function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const seen: string[] = [];
  const reader = res.body?.getReader();
  void (async () => {
    let buf = '';
    const dec = new TextDecoder();
    try {
      for (;;) {
        const r = await reader?.read();
        if (!r || r.done) return;
        buf += dec.decode(r.value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const event = /^event: (.*)$/m.exec(buf.slice(0, i))?.[1];
          if (event) seen.push(event);
          buf = buf.slice(i + 2);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { status: res.status, seen, close: () => controller.abort() };
}

/**
 * #11 Faults: PostgreSQL terminating every connection of the app (a failover, an admin, a restart) must not
 * kill the server. Requests in flight answer 503 problem+json; the pool reconnects; LISTEN is subscribed again.
 * The server runs as its own process (src/main.ts, with the jobs runner), as in production.
 */
describe.skipIf(!DIALECTS.includes('postgres'))('PostgreSQL connections terminated under load', () => {
  let t: TestApp;
  let server: ChildProcess;
  let base: string;
  let exited: number | null | undefined;
  let stderr = '';
  let auth: { authorization: string };
  const dbName = () => new URL(t.conn.url ?? '').pathname.slice(1);

  beforeAll(async () => {
    t = await startTestApp('postgres');
    ({ auth } = await t.newWorkspace());
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: t.conn.url ?? '',
        DATABASE_POOL_SIZE: '6',
        PORT: String(port),
        HOST: '127.0.0.1',
        RAPPORT_DATA_DIR: tmpDir(),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    server.once('exit', (code) => (exited = code));
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`${base}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(async () => {
    if (exited === undefined) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    await t.closeAll();
  });

  it('stays up, answers 2xx or 503 problem+json meanwhile, then serves and delivers live events again', async () => {
    const stream = await openStream(`${base}/api/v1/events`, auth);
    expect(stream.status).toBe(200);
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let stop = false;
    let n = 0;
    const client = async (k: number) => {
      while (!stop) {
        const i = n++;
        const write = i % 3 === 0;
        try {
          const res = await fetch(`${base}/api/v1/customers${write ? '' : '?limit=5'}`, {
            method: write ? 'POST' : 'GET',
            headers: { ...auth, ...(write && { 'content-type': 'application/json' }) },
            ...(write && {
              body: JSON.stringify({
                name: `Load ${k}-${i}`,
                phones: [{ number: `+1 415 555 ${1000 + (i % 9000)}` }],
              }),
            }),
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const body = await res.text();
          if (res.status === 503) {
            const p = JSON.parse(body) as { code?: string };
            if (
              !res.headers.get('content-type')?.includes('application/problem+json') ||
              p.code !== 'DATABASE_UNAVAILABLE'
            )
              bad.push(`503 ${body.slice(0, 200)}`);
          } else if (res.status >= 300) bad.push(`${res.status} ${body.slice(0, 200)}`);
        } catch (err) {
          bad.push(`request failed: ${String(err)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const load = [1, 2, 3, 4, 5, 6].map((k) => client(k));
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    let terminated = 0;
    try {
      for (let round = 0; round < 5; round++) {
        await new Promise((r) => setTimeout(r, 400));
        const r = await admin.query(
          'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [dbName()],
        );
        terminated += (r.rows[0] as { n: number }).n;
      }
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      stop = true;
      await Promise.all(load);
      await admin.end();
    }
    expect(terminated).toBeGreaterThan(5);
    expect(exited, stderr.slice(-2000)).toBeUndefined();
    expect(bad, JSON.stringify([...statuses])).toEqual([]);
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);

    // serving again: a write and a read succeed
    let again = 0;
    for (let i = 0; i < 50 && again !== 201; i++) {
      again = (
        await fetch(`${base}/api/v1/customers`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'After the outage', phones: [{ number: '+1 415 555 0000' }] }),
        })
      ).status;
      if (again !== 201) await new Promise((r) => setTimeout(r, 100));
    }
    expect(again).toBe(201);
    // and LISTEN was subscribed again: a call still reaches the open stream
    let delivered = false;
    for (let i = 0; i < 20 && !delivered; i++) {
      const res = await fetch(`${base}/api/v1/calls`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+1 415 555 0000' }),
      });
      expect([201, 503]).toContain(res.status);
      for (let w = 0; w < 10 && !stream.seen.includes('call'); w++)
        await new Promise((r) => setTimeout(r, 50));
      delivered = stream.seen.includes('call');
    }
    stream.close();
    expect(delivered).toBe(true);
    expect(exited).toBeUndefined();
    console.info(`[pg outage] ${terminated} backends terminated; answers ${JSON.stringify([...statuses])}`);
  }, 120_000);
});
