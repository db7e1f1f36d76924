import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { restoreSqlite } from '../src/platform/db/backup.ts';
import { startTestApp, tmpDir, type TestApp } from './kit.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Run the `rapport` CLI (from src/) on a data dir; resolves with its exit code and output. */
function cli(args: string[], dataDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, RAPPORT_DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => resolve({ code, out }));
  });
}

type Ack = { customerId: string; orderId: string; lines: number; at: number };

describe('backup under a write load (sqlite: the online backup API)', () => {
  let t: TestApp;
  let base: string;
  let auth: { authorization: string };
  const work = tmpDir('rapport-backup-load-');
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    auth = (await t.newWorkspace()).auth;
  });
  afterAll(async () => {
    await t.closeAll();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('restores a copy taken mid-load that holds every write acknowledged before it began, consistently', async () => {
    const acks: Ack[] = [];
    let stop = false;
    const post = async (url: string, body: unknown) => {
      const r = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (r.status !== 201) throw new Error(`${url}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { id: string };
    };
    // four writers: a customer, then an order of 1–3 lines for them; each records what was acknowledged, when
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const c = await post('/api/v1/customers', { name: `Writer ${w} customer ${i}` });
        const lines = 1 + (i % 3);
        const o = await post('/api/v1/orders', {
          customerId: c.id,
          placedAt: '2026-01-05T10:00:00Z',
          lines: Array.from({ length: lines }, (_, k) => ({ name: `Item ${k}`, unitPrice: 100 + k })),
        });
        acks.push({ customerId: c.id, orderId: o.id, lines, at: Date.now() });
      }
    };
    const writers = [1, 2, 3, 4].map(writer);
    while (acks.length < 40) await new Promise((r) => setTimeout(r, 20));

    const out = path.join(work, 'mid-load.db.gz');
    const began = Date.now();
    const before = acks.filter((a) => a.at < began);
    const backup = await cli(['backup', '--out', out], t.dataDir as string);
    const duringBackup = acks.length - before.length;
    stop = true;
    await Promise.all(writers);
    expect(backup.out).toMatch(/^OK: .*verified: integrity ok/m);
    expect(backup.code).toBe(0);
    expect(duringBackup).toBeGreaterThan(0); // the load really ran while the copy was taken

    // restore refuses while the server runs on the data dir it would replace
    await expect(restoreSqlite(out, t.dataDir as string)).rejects.toThrow(/server .* is using/);
    const refused = await cli(['restore', out], t.dataDir as string);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/stop it first/);

    // into a fresh data dir, then opened by the app
    const fresh = path.join(work, 'restored');
    const restored = await restoreSqlite(out, fresh);
    expect(restored.ok).toBe(true);
    const sqlite = new SqliteDatabase(path.join(fresh, 'rapport.db'), { readonly: true });
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const has = (table: string, id: string) =>
      !!sqlite.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id);
    const missing = before.filter((a) => !has('customers', a.customerId) || !has('orders', a.orderId));
    expect(missing).toEqual([]);
    // consistent: no order without its lines, each with as many lines as acknowledged, no line without its order
    const lineCount = sqlite.prepare('SELECT count(*) AS n FROM order_lines WHERE order_id = ?');
    for (const a of acks.filter((x) => has('orders', x.orderId)))
      expect((lineCount.get(a.orderId) as { n: number }).n).toBe(a.lines);
    const orphans = sqlite
      .prepare(
        'SELECT (SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)) AS bare, (SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)) AS stray',
      )
      .get();
    expect(orphans).toEqual({ bare: 0, stray: 0 });
    const copied = (sqlite.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
    expect(copied).toBeGreaterThanOrEqual(before.length);
    expect(copied).toBeLessThanOrEqual(acks.length);
    sqlite.close();

    const app = await buildApp(
      loadConfig({ RAPPORT_DATA_DIR: fresh, DATABASE_URL: '', LOG_LEVEL: 'silent' }),
      {
        serveWeb: false,
      },
    );
    try {
      const sample = before[before.length - 1] as Ack;
      const res = await app.app.inject({
        method: 'GET',
        url: `/api/v1/customers/${sample.customerId}`,
        headers: auth,
      });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses a corrupted backup, with --check and on restore, and leaves the database as it was', async () => {
    const good = path.join(work, 'good.db');
    expect((await cli(['backup', '--out', good], t.dataDir as string)).code).toBe(0);
    const bad = path.join(work, 'bad.db');
    const bytes = fs.readFileSync(good);
    bytes.fill(0x5a, 4096 * 2, 4096 * 4); // two pages of garbage in the middle
    fs.writeFileSync(bad, bytes);
    const check = await cli(['restore', '--check', bad], t.dataDir as string);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/not a usable backup/);
    const target = path.join(work, 'target');
    await restoreSqlite(good, target);
    const before = fs.readFileSync(path.join(target, 'rapport.db'));
    const restore = await cli(['restore', bad], target);
    expect(restore.code).toBe(1);
    expect(restore.out).toMatch(/did not verify, nothing was changed/);
    expect(fs.readFileSync(path.join(target, 'rapport.db')).equals(before)).toBe(true);
    expect(fs.readdirSync(target).filter((f) => f.includes('before-restore'))).toEqual([]);
    // the good one checks out
    expect((await cli(['restore', '--check', good], t.dataDir as string)).out).toMatch(/^OK: /m);
  });
});
