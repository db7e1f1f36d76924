import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

type SseEvent = { event: string; data: Record<string, unknown>; receivedAt: number };

/** Open the SSE stream over real HTTP and collect events until closed. */
async function openStream(baseUrl: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events`, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  const reader = res.body?.getReader();
  void (async () => {
    let buf = '';
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            events.push({ event, data: JSON.parse(data) as Record<string, unknown>, receivedAt: Date.now() });
            waiters.splice(0).forEach((w) => w());
          }
        }
      }
    } catch {
      /* aborted */
    }
  })();
  const next = (type: string, timeoutMs = 3000) =>
    new Promise<SseEvent>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${type}" event within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = () => {
        const e = events.find((x) => x.event === type);
        if (e) {
          events.splice(events.indexOf(e), 1);
          clearTimeout(timer);
          resolve(e);
        } else waiters.push(check);
      };
      check();
    });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    next,
    close: () => controller.abort(),
  };
}

for (const dialect of DIALECTS) {
  describe(`calls pop the caller's card on every staff screen (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = t.app.server.address();
      base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    });
    afterAll(() => t.closeAll());

    it('needs authentication for the stream', async () => {
      expect((await fetch(`${base}/api/v1/events`)).status).toBe(401);
    });

    // Latency (the product promises under a second) is measured in bench/lookup.ts, not asserted here.
    it('records a known caller on their timeline and pushes their card, only to their workspace', async () => {
      const a = await t.newWorkspace();
      const b = await t.newWorkspace();
      const c = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/customers',
          headers: a.auth,
          payload: { name: 'Chioma Obi', phones: [{ number: '0803 123 4567' }], tags: ['vip'] },
        })
      ).json();
      const screen = await openStream(base, a.auth);
      const other = await openStream(base, b.auth);
      expect(screen.status).toBe(200);
      expect(screen.contentType).toContain('text/event-stream');
      const res = await fetch(`${base}/api/v1/calls`, {
        method: 'POST',
        headers: { ...a.auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          from: '+234 803 123 4567',
          to: '+234 1 234 5678',
          direction: 'inbound',
          at: new Date().toISOString(),
        }),
      });
      expect(res.status).toBe(201);
      const e = await screen.next('call');
      expect(e.data.customer).toMatchObject({ id: c.id, name: 'Chioma Obi', tags: ['vip'] });
      await expect(other.next('call', 300)).rejects.toThrow(/no "call" event/);
      const timeline = (
        await t.app.inject({ method: 'GET', url: `/api/v1/customers/${c.id}/timeline`, headers: a.auth })
      ).json();
      expect(timeline.items[0]).toMatchObject({
        kind: 'call',
        direction: 'inbound',
        phone: '+234 803 123 4567',
      });
      screen.close();
      other.close();
    });

    it('pushes an unknown caller with their number so staff can create the customer', async () => {
      const a = await t.newWorkspace();
      const screen = await openStream(base, a.auth);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/calls',
        headers: a.auth,
        payload: { from: '0809 000 1111' },
      });
      expect(res.statusCode).toBe(201);
      const e = await screen.next('call');
      expect(e.data).toMatchObject({ customer: null, phone: '0809 000 1111', e164: '+2348090001111' });
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/v1/calls', headers: a.auth, payload: { to: '1' } }))
          .statusCode,
      ).toBe(400);
      screen.close();
    });
  });
}

describe.skipIf(!DIALECTS.includes('postgres'))(
  'calls reach screens served by another app process (postgres LISTEN/NOTIFY)',
  () => {
    let first: TestApp;
    let second: RunningApp;
    beforeAll(async () => {
      first = await startTestApp('postgres');
      const config = loadConfig({
        RAPPORT_DATA_DIR: tmpDir(),
        DATABASE_URL: first.conn.url ?? '',
        LOG_LEVEL: 'silent',
      });
      second = await buildApp(config, { serveWeb: false });
      await second.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await second.close();
      await first.closeAll();
    });

    it('delivers a call posted to one process to an SSE client of the other', async () => {
      const a = await first.newWorkspace();
      const addr = second.app.server.address();
      const screen = await openStream(
        `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
        a.auth,
      );
      await first.app.inject({
        method: 'POST',
        url: '/api/v1/calls',
        headers: a.auth,
        payload: { from: '0803 555 0000' },
      });
      const e = await screen.next('call');
      expect(e.data.phone).toBe('0803 555 0000');
      screen.close();
    });
  },
);
