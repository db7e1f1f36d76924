import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/platform/crypto/secrets.ts';
import { createWebhookService, isPrivateAddress, post, refusal } from '../src/modules/webhooks/index.ts';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

/**
 * Issue 19: domain events delivered as Standard Webhooks. A real HTTP receiver on 127.0.0.1 (the app runs with
 * RAPPORT_WEBHOOK_ALLOW_PRIVATE=true) checks every signature with the standardwebhooks package; a fake clock
 * drives the retries; two dispatchers at once deliver each event once; and with private addresses not allowed,
 * loopback, private and link-local targets are refused — also when a name resolves to one.
 */
type Hit = { path: string; headers: Record<string, string>; body: string };

function startReceiver() {
  const hits: Hit[] = [];
  /** What a path answers: a fixed status, or a list used up one per request (then 200). */
  const answers = new Map<string, number | number[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.push({ path, headers: req.headers as Record<string, string>, body });
      const a = answers.get(path);
      const status = Array.isArray(a) ? (a.shift() ?? 200) : (a ?? 200);
      if (status >= 300 && status < 400) res.setHeader('location', '/elsewhere');
      res.writeHead(status).end('ok');
    });
  });
  return new Promise<{ url: string; hits: Hit[]; answers: typeof answers; close: () => Promise<void> }>(
    (resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          hits,
          answers,
          close: () => new Promise((r) => server.close(() => r())),
        }),
      ),
  );
}

for (const dialect of DIALECTS) {
  describe(`webhooks (${dialect})`, () => {
    let t: TestApp;
    let rx: Awaited<ReturnType<typeof startReceiver>>;
    let auth: { authorization: string };
    let now = new Date();
    beforeAll(async () => {
      rx = await startReceiver();
      t = await startTestApp(dialect, {
        env: { RAPPORT_WEBHOOK_ALLOW_PRIVATE: 'true' },
        clock: () => now,
        outbox: false,
      });
    });
    beforeEach(async () => {
      now = new Date();
      ({ auth } = await t.newWorkspace());
    });
    afterAll(async () => {
      await t.closeAll();
      await rx.close();
    });
    const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
    const endpoint = async (path: string, events: string[] = []) => {
      const r = await req('POST', '/api/v1/webhooks', { url: `${rx.url}${path}`, events });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; secret: string; enabled: boolean };
    };
    const customer = async (name: string) => {
      const r = await req('POST', '/api/v1/customers', { name });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const hitsOn = (path: string) => rx.hits.filter((h) => h.path === path);
    const deliveries = async (id: string, status?: string) =>
      (await req('GET', `/api/v1/webhooks/${id}/deliveries${status ? `?status=${status}` : ''}`)).json()
        .items as {
        id: string;
        status: string;
        attempts: number;
        responseStatus: number | null;
        durationMs: number | null;
        error: string | null;
        nextAttemptAt: string | null;
        lastAttemptAt: string | null;
      }[];

    it('answers the secret once, signs each event so standardwebhooks verifies it, and filters by event', async () => {
      const all = await endpoint('/sig/all');
      expect(all.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const orders = await endpoint('/sig/orders', ['order.created']);
      const got = await req('GET', `/api/v1/webhooks/${all.id}`);
      expect(got.json()).not.toHaveProperty('secret');
      expect(got.body).not.toContain(all.secret.slice(6));
      expect((await req('GET', '/api/v1/webhooks')).body).not.toContain(all.secret.slice(6));

      const id = await customer('Ada Obi');
      expect((await req('PATCH', `/api/v1/customers/${id}`, { name: 'Ada Obi-Eze' })).statusCode).toBe(200);
      await t.services.webhooks.createDispatcher().drain();

      const hits = hitsOn('/sig/all');
      // deliveries go out side by side: they may arrive in either order
      expect(hits.map((h) => JSON.parse(h.body).type).sort()).toEqual([
        'customer.created',
        'customer.updated',
      ]);
      for (const h of hits) {
        const verified = new Webhook(all.secret).verify(h.body, h.headers) as {
          type: string;
          data: { id: string };
        };
        expect(verified.data.id).toBe(id);
      }
      // a signature made with another secret, or over a changed body, does not verify
      const first = hits[0] as Hit;
      expect(() => new Webhook(orders.secret).verify(first.body, first.headers)).toThrow();
      expect(() => new Webhook(all.secret).verify(first.body.replace('Ada', 'Eve'), first.headers)).toThrow();
      expect(hitsOn('/sig/orders')).toEqual([]);

      const log = await deliveries(all.id);
      expect(log.map((d) => [d.status, d.attempts, d.responseStatus])).toEqual([
        ['delivered', 1, 200],
        ['delivered', 1, 200],
      ]);
      expect(log.every((d) => d.durationMs !== null && d.durationMs >= 0)).toBe(true);
    });

    it('delivers every event exactly once per endpoint with two dispatchers running at once', async () => {
      const a = await endpoint('/once/a');
      await endpoint('/once/b');
      const ids = [];
      for (let i = 0; i < 12; i++) ids.push(await customer(`Customer ${i}`));
      const d1 = t.services.webhooks.createDispatcher();
      const d2 = t.services.webhooks.createDispatcher();
      await Promise.all([d1.drain(), d2.drain(), d1.drain(), d2.drain()]);
      await Promise.all([d1.drain(), d2.drain()]);
      for (const path of ['/once/a', '/once/b']) {
        const h = hitsOn(path);
        expect(h).toHaveLength(12);
        expect(new Set(h.map((x) => x.headers['webhook-id'])).size).toBe(12);
        expect(new Set(h.map((x) => JSON.parse(x.body).data.id))).toEqual(new Set(ids));
      }
      expect((await deliveries(a.id)).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    });

    it('retries with exponential backoff, keeps the webhook-id, then gives up after 24 hours; a dead letter replays', async () => {
      rx.answers.set('/retry/flaky', [500, 503]);
      const flaky = await endpoint('/retry/flaky');
      await customer('Flaky Fola');
      const d = t.services.webhooks.createDispatcher();
      await d.drain();
      let [row] = await deliveries(flaky.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 500 });
      expect(Date.parse(row!.nextAttemptAt!) - now.getTime()).toBe(30_000);
      await d.drain(); // not due yet: nothing sent
      expect(hitsOn('/retry/flaky')).toHaveLength(1);
      now = new Date(now.getTime() + 30_000);
      await d.drain();
      [row] = await deliveries(flaky.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 2, responseStatus: 503 });
      expect(Date.parse(row!.nextAttemptAt!) - now.getTime()).toBe(60_000);
      now = new Date(now.getTime() + 60_000);
      await d.drain();
      [row] = await deliveries(flaky.id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 3, responseStatus: 200, error: null });
      expect(new Set(hitsOn('/retry/flaky').map((h) => h.headers['webhook-id'])).size).toBe(1);

      // always down: retried until a day has passed, then a dead letter
      rx.answers.set('/retry/down', 500);
      const down = await endpoint('/retry/down');
      await customer('Down Dayo');
      const start = now.getTime();
      await d.drain();
      for (let i = 0; i < 40; i++) {
        [row] = await deliveries(down.id);
        if (row!.status !== 'pending') break;
        now = new Date(Date.parse(row!.nextAttemptAt!));
        await d.drain();
      }
      expect(row!.status).toBe('failed');
      expect(row!.error).toMatch(/^Gave up after \d+ attempts: answered 500/);
      expect(Date.parse(row!.lastAttemptAt!) - start).toBeLessThanOrEqual(24 * 3_600_000);
      expect(Date.parse(row!.lastAttemptAt!) - start).toBeGreaterThan(20 * 3_600_000);
      expect(hitsOn('/retry/down')).toHaveLength(row!.attempts);
      expect((await deliveries(down.id, 'failed')).map((x) => x.id)).toEqual([row!.id]);

      // the receiver is back: "send again"
      rx.answers.set('/retry/down', 200);
      expect((await req('POST', `/api/v1/webhooks/${down.id}/deliveries/${row!.id}/replay`)).statusCode).toBe(
        200,
      );
      const again = await req('POST', `/api/v1/webhooks/${down.id}/deliveries/${row!.id}/replay`);
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('WEBHOOK_NOT_DEAD');
      await d.drain();
      [row] = await deliveries(down.id);
      expect(row).toMatchObject({ status: 'delivered', responseStatus: 200 });
      expect(await deliveries(down.id, 'failed')).toEqual([]);
    });

    it('does not follow redirects', async () => {
      rx.answers.set('/redirect', 302);
      const ep = await endpoint('/redirect');
      await customer('Redirected Remi');
      await t.services.webhooks.createDispatcher().drain();
      const [row] = await deliveries(ep.id);
      expect(row).toMatchObject({ status: 'pending', responseStatus: 302 });
      expect(row!.error).toContain('redirects are not followed');
      expect(rx.hits.filter((h) => h.path === '/elsewhere')).toEqual([]);
    });

    it('turns an endpoint off after three 410 Gone answers; events after that are not sent', async () => {
      rx.answers.set('/gone', 410);
      const ep = await endpoint('/gone');
      const d = t.services.webhooks.createDispatcher();
      for (const n of ['One', 'Two', 'Three']) await customer(`Gone ${n}`);
      await d.drain();
      expect((await deliveries(ep.id)).map((x) => x.status)).toEqual(['failed', 'failed', 'failed']);
      const got = (await req('GET', `/api/v1/webhooks/${ep.id}`)).json();
      expect(got).toMatchObject({ enabled: false });
      expect(got.disabledReason).toContain('410 Gone');
      await customer('Gone Four');
      await d.drain();
      expect(hitsOn('/gone')).toHaveLength(3);
      expect(await deliveries(ep.id)).toHaveLength(3);
      // turned on again by the owner: events from then on
      rx.answers.set('/gone', 200);
      expect((await req('PATCH', `/api/v1/webhooks/${ep.id}`, { enabled: true })).json()).toMatchObject({
        enabled: true,
        disabledReason: null,
      });
      await customer('Back Bisi');
      await d.drain();
      expect(JSON.parse(hitsOn('/gone').at(-1)!.body).data.name).toBe('Back Bisi');
      expect(hitsOn('/gone')).toHaveLength(4);
    });

    it('signs with both secrets during a rotation, then with the new one only', async () => {
      const ep = await endpoint('/rotate');
      const r = await req('POST', `/api/v1/webhooks/${ep.id}/rotate`);
      expect(r.statusCode).toBe(200);
      const rotated = r.json() as { secret: string; previousSecretValidUntil: string };
      expect(rotated.secret).not.toBe(ep.secret);
      expect(Date.parse(rotated.previousSecretValidUntil) - now.getTime()).toBe(24 * 3_600_000);
      await customer('Rota Rita');
      const d = t.services.webhooks.createDispatcher();
      await d.drain();
      const [h] = hitsOn('/rotate');
      expect(h!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      expect(new Webhook(rotated.secret).verify(h!.body, h!.headers)).toMatchObject({
        type: 'customer.created',
      });
      expect(new Webhook(ep.secret).verify(h!.body, h!.headers)).toMatchObject({ type: 'customer.created' });

      // a test send, a day later: one signature, the new secret's
      now = new Date(now.getTime() + 24 * 3_600_000 + 1000);
      const sent = await req('POST', `/api/v1/webhooks/${ep.id}/test`);
      expect(sent.statusCode).toBe(202);
      await d.drain();
      const last = hitsOn('/rotate').at(-1)!;
      expect(JSON.parse(last.body).type).toBe('webhook.test');
      const sigs = last.headers['webhook-signature']!.split(' ');
      expect(sigs).toHaveLength(1);
      const signer = new Webhook(rotated.secret);
      const ts = new Date(Number(last.headers['webhook-timestamp']) * 1000);
      expect(sigs[0]).toBe(signer.sign(last.headers['webhook-id']!, ts, last.body));
    });

    it("turns other modules' changes into their events, each written with the change", async () => {
      await endpoint('/modules');
      const call = async (method: 'POST' | 'PATCH', url: string, body?: object) => {
        const r = await req(method, url, body ?? {});
        expect(r.statusCode, `${url}: ${r.body}`).toBeLessThan(300);
        return r.json();
      };
      const who = await customer('Module Mo');
      const order = await call('POST', '/api/v1/orders', {
        customerId: who,
        lines: [{ name: 'Cake', unitPrice: 500 }],
      });
      await call('POST', `/api/v1/orders/${order.id}/refunds`, { amount: 100, reason: 'Late' });
      const k = await call('POST', '/api/v1/complaints', {
        customerId: who,
        channel: 'phone',
        words: 'Late cake',
        severity: 'high',
      });
      await call('PATCH', `/api/v1/complaints/${k.id}`, { paraphrase: 'Late cake' });
      const offered = await call('POST', `/api/v1/complaints/${k.id}/offer`, {
        options: [{ kind: 'apology' }],
      });
      await call('POST', `/api/v1/complaints/${k.id}/resolve`, {
        offerId: offered.offers[0].id,
        choice: 0,
        summary: 'Apologised',
        apologized: true,
      });
      await call('POST', `/api/v1/complaints/${k.id}/close`, { customerConfirmed: true });
      const e = await call('POST', '/api/v1/enquiries', {
        customerId: who,
        kind: 'quote',
        channel: 'email',
        body: 'Price?',
      });
      await call('POST', `/api/v1/enquiries/${e.id}/respond`, { note: 'Sent it' });
      const p = await call('POST', '/api/v1/promises', {
        customerId: who,
        what: 'Call back',
        dueAt: '2099-01-02',
      });
      await call('POST', `/api/v1/promises/${p.id}/keep`);
      await call('POST', '/api/v1/calls', { from: '0803 111 2222' });
      await t.services.webhooks.createDispatcher().drain();
      const types = hitsOn('/modules').map((h) => JSON.parse(h.body).type as string);
      for (const type of [
        'customer.created',
        'order.created',
        'order.refunded',
        'complaint.opened',
        'complaint.offered',
        'complaint.resolved',
        'complaint.closed',
        'enquiry.created',
        'enquiry.answered',
        'promise.created',
        'promise.kept',
        'call.received',
      ])
        expect(types, type).toContain(type);
      const refund = hitsOn('/modules').find((h) => JSON.parse(h.body).type === 'order.refunded')!;
      expect(JSON.parse(refund.body).data).toMatchObject({ id: order.id, amount: 100, reason: 'Late' });
    });

    it('edits, deletes, and answers 404 for an unknown endpoint', async () => {
      const ep = await endpoint('/crud');
      const p = await req('PATCH', `/api/v1/webhooks/${ep.id}`, {
        events: ['complaint.closed'],
        enabled: false,
      });
      expect(p.json()).toMatchObject({ events: ['complaint.closed'], enabled: false });
      const bad = await req('PATCH', `/api/v1/webhooks/${ep.id}`, { events: ['customer.exploded'] });
      expect(bad.statusCode).toBe(400);
      expect((await req('DELETE', `/api/v1/webhooks/${ep.id}`)).statusCode).toBe(204);
      expect((await req('GET', `/api/v1/webhooks/${ep.id}`)).statusCode).toBe(404);
      expect((await req('DELETE', `/api/v1/webhooks/${ep.id}`)).statusCode).toBe(404);
      const events = (await req('GET', '/api/v1/webhooks/events')).json().items as string[];
      expect(events).toContain('order.refunded');
      expect(events).toContain('complaint.closed');
    });
  });

  describe(`webhooks refuse private addresses (${dialect})`, () => {
    let t: TestApp;
    let rx: Awaited<ReturnType<typeof startReceiver>>;
    beforeAll(async () => {
      rx = await startReceiver();
      t = await startTestApp(dialect, { outbox: false });
    });
    afterAll(async () => {
      await t.closeAll();
      await rx.close();
    });

    it.each([
      'http://127.0.0.1/hook',
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://192.168.1.10/hook',
      'http://172.16.0.1/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://localhost:3000/hook',
    ])('refuses %s when the webhook is added', async (url) => {
      const { auth } = await t.newWorkspace();
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: auth,
        payload: { url },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
    });

    it('refuses a name that resolves to a private address, at creation and at delivery (DNS rebinding)', async () => {
      const port = new URL(rx.url).port;
      const toLoopback = async () => [{ address: '127.0.0.1', family: 4 }];
      const policy = { allowPrivate: false, lookup: toLoopback };
      expect(await refusal(`http://hooks.example.test:${port}/x`, policy)).toMatch(
        /resolves to .*127\.0\.0\.1/,
      );
      expect(
        await refusal('https://hooks.example.test/x', {
          allowPrivate: false,
          lookup: async () => [{ address: '169.254.169.254', family: 4 }],
        }),
      ).toMatch(/169\.254\.169\.254/);
      expect(
        await refusal('https://hooks.example.test/x', {
          allowPrivate: false,
          lookup: async () => [
            { address: '93.184.216.34', family: 4 },
            { address: '::1', family: 6 },
          ],
        }),
      ).toMatch(/::1/);
      expect(
        await refusal('https://hooks.example.test/x', {
          allowPrivate: false,
          lookup: async () => [{ address: '93.184.216.34', family: 4 }],
        }),
      ).toBeNull();

      // the name looked public when the webhook was added, and points at this machine when it is delivered
      let lookups = 0;
      const rebinding = async () =>
        lookups++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
      const service = createWebhookService({
        db: t.conn.db,
        box: createSecretBox({ secretKey: 'k'.repeat(40), dataDir: tmpDir() }),
        allowPrivate: false,
        lookup: rebinding,
      });
      const { workspaceId } = await t.newWorkspace();
      const actor = { workspaceId, kind: 'cli' as const, id: 'test', scopes: new Set(['admin' as const]) };
      const ep = await service.create(
        workspaceId,
        { url: `http://hooks.example.test:${port}/rebind`, events: [] },
        actor,
      );
      await service.sendTest(workspaceId, ep.id);
      await service.createDispatcher().drain();
      const [row] = (await service.deliveries(workspaceId, ep.id, { limit: 10 })).items;
      expect(row).toMatchObject({ status: 'pending', responseStatus: null, attempts: 1 });
      expect(row!.error).toMatch(/refused: hooks\.example\.test resolves to 127\.0\.0\.1/);
      expect(rx.hits).toEqual([]);
      // and the sending side refuses IP literals itself
      const direct = await post(`${rx.url}/direct`, {}, '{}', policy);
      expect(direct.error).toMatch(/refused: 127\.0\.0\.1/);
      expect(rx.hits).toEqual([]);
    });

    it('knows private addresses from public ones', () => {
      for (const ip of [
        '127.0.0.1',
        '10.0.0.1',
        '172.31.255.255',
        '192.168.0.1',
        '169.254.169.254',
        '0.0.0.0',
        '100.64.0.1',
        '::1',
        '::',
        'fc00::1',
        'fe80::1',
        '::ffff:10.0.0.1',
      ])
        expect(isPrivateAddress(ip), ip).toBe(true);
      for (const ip of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
        expect(isPrivateAddress(ip), ip).toBe(false);
    });
  });
}
