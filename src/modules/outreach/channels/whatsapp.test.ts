import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  graphError,
  signWhatsApp,
  startFakeWhatsApp,
  whatsAppInboundPayload,
  whatsAppStatusPayload,
  type FakeWhatsApp,
} from '../../../../test/fakes/whatsapp.ts';
import { isStopWord, type DeliveryReport, type InboundMessage, type OutgoingMessage } from './channel.ts';
import {
  createWhatsApp,
  parseWhatsAppWebhook,
  verifyWhatsAppChallenge,
  verifyWhatsAppSignature,
} from './whatsapp.ts';

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: '0190a8c2-0000-7000-8000-000000000002',
  to: '+16505551234',
  purpose: 'service',
  subject: null,
  text: 'Your order is ready: https://shop.example/o/42',
  ...overrides,
});

let fake: FakeWhatsApp;
/** Every result any test got back: none may contain the access token (checked at the end). */
const results: unknown[] = [];
const whatsapp = (
  options: { accessToken?: string; phoneNumberId?: string; apiBase?: string; timeoutMs?: number } = {},
) => {
  const adapter = createWhatsApp({
    phoneNumberId: options.phoneNumberId ?? fake.phoneNumberId,
    accessToken: options.accessToken ?? fake.accessToken,
    apiBase: options.apiBase ?? fake.apiBase,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return {
    send: async (m: OutgoingMessage) => {
      const result = await adapter.send(m);
      results.push(result);
      return result;
    },
  };
};

beforeAll(async () => {
  fake = await startFakeWhatsApp();
});
afterAll(async () => {
  await fake.close();
});

describe('WhatsApp Cloud API: send', () => {
  it('sends a text message inside the customer-service window', async () => {
    const result = await whatsapp().send(message());
    const sent = fake.messages.at(-1)!;
    expect(result).toEqual({ ok: true, providerId: sent.id, status: 'queued' });
    expect(sent.id).toMatch(/^wamid\./);

    const request = fake.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/v21.0/${fake.phoneNumberId}/messages`);
    expect(request.headers.authorization).toBe(`Bearer ${fake.accessToken}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'text',
      text: { preview_url: true, body: 'Your order is ready: https://shop.example/o/42' },
    });
  });

  it('sends the approved template when the caller gives one', async () => {
    const template = { name: 'order_ready', language: 'en_GB', parameters: ['Ada', '#42'] };
    const result = await whatsapp().send(message({ template }));
    expect(result).toMatchObject({ ok: true, providerId: fake.messages.at(-1)!.id });
    expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'template',
      template: {
        name: 'order_ready',
        language: { code: 'en_GB' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ada' },
              { type: 'text', text: '#42' },
            ],
          },
        ],
      },
    });

    await whatsapp().send(message({ template: { name: 'hello_world', language: 'en_US', parameters: [] } }));
    expect(JSON.parse(fake.requests.at(-1)!.body).template).toEqual({
      name: 'hello_world',
      language: { code: 'en_US' },
    });
  });

  it('maps a wrong access token (401, 190) to a permanent failure that names the token', async () => {
    const wrong = `EAA${'x'.repeat(40)}`;
    const result = await whatsapp({ accessToken: wrong }).send(message());
    expect(result).toEqual({
      ok: false,
      permanent: true,
      code: '190',
      reason: 'WhatsApp 190: the access token is invalid or expired; check the WhatsApp settings',
    });
    // Graph sends token errors over 400 too
    fake.answerNext(
      graphError(400, 190, 'Error validating access token: Session has expired', { subcode: 463 }),
    );
    expect(await whatsapp().send(message())).toMatchObject({ ok: false, permanent: true, code: '190' });
  });

  it('maps an unknown phone number id (100, subcode 33) to a permanent failure', async () => {
    const result = await whatsapp({ phoneNumberId: '999' }).send(message());
    expect(result).toMatchObject({ ok: false, permanent: true, code: '100' });
    expect(result.ok === false && result.reason).toContain("Object with ID '999' does not exist");
    expect(result).not.toHaveProperty('suppress');
  });

  it('honours Retry-After on HTTP 429', async () => {
    fake.answerNext(graphError(429, 130429, '(#130429) Rate limit hit', { headers: { 'retry-after': '3' } }));
    expect(await whatsapp().send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: '130429',
      retryAfterMs: 3000,
    });
  });

  it.each([
    [4, '(#4) Application request limit reached'],
    [80007, '(#80007) Rate limit issues'],
    [130429, '(#130429) Rate limit hit'],
    [131048, '(#131048) Spam rate limit hit'],
    [131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit'],
  ])('treats rate-limit code %s as temporary', async (code, text) => {
    fake.answerNext(graphError(400, code, text));
    const result = await whatsapp().send(message());
    expect(result).toMatchObject({ ok: false, permanent: false, code: String(code) });
    expect(result).not.toHaveProperty('retryAfterMs');
  });

  it.each([
    [131026, 'Message undeliverable', 'invalid_address', 'not on WhatsApp'],
    [131050, 'Unable to deliver the message', 'opted_out', 'stopped marketing messages'],
    [131047, 'Re-engagement message', undefined, 'an approved template is needed'],
    [131009, 'Parameter value is not valid', undefined, 'Parameter value is not valid'],
  ])('maps code %s to a permanent failure', async (code, title, suppress, reason) => {
    fake.answerNext(graphError(400, code, `(#${code}) ${title}`, { details: title }));
    const result = await whatsapp().send(message());
    expect(result).toMatchObject({ ok: false, permanent: true, code: String(code) });
    expect(result.ok === false && result.suppress).toBe(suppress);
    expect(result.ok === false && result.reason).toContain(reason);
  });

  it('treats 5xx answers, JSON or not, as temporary', async () => {
    fake.answerNext(graphError(500, 2, 'Service temporarily unavailable'));
    expect(await whatsapp().send(message())).toMatchObject({ ok: false, permanent: false, code: '2' });
    fake.answerNext({ status: 502, body: 'Bad Gateway' });
    expect(await whatsapp().send(message())).toMatchObject({ ok: false, permanent: false, code: 'http_502' });
  });

  it('treats a reset connection, a closed server and a timeout as temporary', async () => {
    fake.answerNext({ reset: true });
    expect(await whatsapp().send(message())).toMatchObject({ ok: false, permanent: false });

    const gone = await startFakeWhatsApp();
    await gone.close();
    expect(await whatsapp({ apiBase: gone.apiBase }).send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: 'ECONNREFUSED',
    });

    fake.answerNext({ hang: true });
    expect(await whatsapp({ timeoutMs: 300 }).send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: 'timeout',
    });
  });

  it('never returns the access token, even when Meta echoes it', async () => {
    fake.answerNext(graphError(400, 100, `(#100) Invalid parameter near ${fake.accessToken}`));
    const result = await whatsapp().send(message());
    expect(result.ok === false && result.reason).toContain('[redacted]');
    for (const r of results) expect(JSON.stringify(r)).not.toContain(fake.accessToken);
  });
});

describe('WhatsApp webhooks: verification', () => {
  // Computed independently: printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'my-app-secret'
  const BODY = '{"object":"whatsapp_business_account","entry":[]}';
  const SIGNATURE = 'sha256=6181ffb07e99b650e7cd9a132e3f66127ec8827e9bab6e8df0feba5a07ea4c64';

  it('accepts a known signature over the raw body, as a string or a Buffer', () => {
    expect(verifyWhatsAppSignature({ appSecret: 'my-app-secret', rawBody: BODY, signature: SIGNATURE })).toBe(
      true,
    );
    expect(
      verifyWhatsAppSignature({
        appSecret: 'my-app-secret',
        rawBody: Buffer.from(BODY),
        signature: SIGNATURE,
      }),
    ).toBe(true);
    expect(signWhatsApp('my-app-secret', BODY)).toBe(SIGNATURE);
  });

  it('rejects a tampered body, another secret, a bare hex digest or no signature', () => {
    const check = (rawBody: string, signature: string | undefined, appSecret = 'my-app-secret') =>
      verifyWhatsAppSignature({ appSecret, rawBody, signature });
    expect(check(BODY.replace('[]', '[{}]'), SIGNATURE)).toBe(false);
    expect(check(`${BODY} `, SIGNATURE)).toBe(false);
    expect(check(BODY, SIGNATURE, 'other-secret')).toBe(false);
    expect(check(BODY, SIGNATURE.replace('sha256=', ''))).toBe(false);
    expect(check(BODY, `sha1=${createHmac('sha1', 'my-app-secret').update(BODY).digest('hex')}`)).toBe(false);
    expect(check(BODY, undefined)).toBe(false);
    expect(check(BODY, '')).toBe(false);
  });

  it('answers the subscription handshake only with our verify token', () => {
    const query = {
      'hub.mode': 'subscribe',
      'hub.verify_token': 'meatyhamhock',
      'hub.challenge': '1158201444',
    };
    expect(verifyWhatsAppChallenge({ verifyToken: 'meatyhamhock', query })).toBe('1158201444');
    expect(verifyWhatsAppChallenge({ verifyToken: 'other', query })).toBeUndefined();
    expect(
      verifyWhatsAppChallenge({ verifyToken: 'meatyhamhock', query: { ...query, 'hub.mode': 'x' } }),
    ).toBe(undefined);
    const { 'hub.challenge': _challenge, ...noChallenge } = query;
    expect(verifyWhatsAppChallenge({ verifyToken: 'meatyhamhock', query: noChallenge })).toBeUndefined();
    expect(verifyWhatsAppChallenge({ verifyToken: '', query: { ...query, 'hub.verify_token': '' } })).toBe(
      undefined,
    );
  });
});

describe('WhatsApp webhooks: parsing', () => {
  const phoneNumberId = '106540352242922';

  it('maps statuses, with their errors, to delivery reports', () => {
    const delivered = whatsAppStatusPayload({
      phoneNumberId,
      messageId: 'wamid.A',
      recipientId: '16505551234',
      status: 'delivered',
    });
    expect(parseWhatsAppWebhook(delivered)).toEqual({
      statuses: [{ providerId: 'wamid.A', status: 'delivered' }],
      inbound: [],
    });

    const failed = (code: number, title: string) =>
      parseWhatsAppWebhook(
        whatsAppStatusPayload({
          phoneNumberId,
          messageId: 'wamid.B',
          recipientId: '16505551234',
          status: 'failed',
          errors: [{ code, title }],
        }),
      ).statuses[0];
    expect(failed(131050, 'Unable to deliver the message')).toMatchObject({
      providerId: 'wamid.B',
      status: 'failed',
      errorCode: '131050',
      suppress: 'opted_out',
    });
    expect(failed(131026, 'Message undeliverable')).toMatchObject({
      errorCode: '131026',
      suppress: 'invalid_address',
    });
    const other = failed(131049, 'This message was not delivered to maintain healthy ecosystem engagement');
    expect(other).toMatchObject({ errorCode: '131049' });
    expect(other).not.toHaveProperty('suppress');
    expect(other!.reason).toContain('healthy ecosystem engagement');
  });

  it('reads text, quick-reply button and interactive replies, and recognises STOP', () => {
    const text = parseWhatsAppWebhook(
      whatsAppInboundPayload({
        phoneNumberId,
        from: '16505551234',
        text: 'Stop',
        id: 'wamid.C',
        timestamp: 1749416383,
      }),
    );
    expect(text.inbound).toEqual([
      {
        channel: 'whatsapp',
        from: '+16505551234',
        text: 'Stop',
        providerId: 'wamid.C',
        at: '2025-06-08T20:59:43.000Z',
      },
    ]);
    expect(isStopWord(text.inbound[0]!.text)).toBe(true);

    const button = parseWhatsAppWebhook(
      whatsAppInboundPayload({ phoneNumberId, from: '16505551234', text: 'Unsubscribe', kind: 'button' }),
    );
    expect(button.inbound[0]!.text).toBe('Unsubscribe');
    expect(isStopWord(button.inbound[0]!.text)).toBe(true);

    const interactive = parseWhatsAppWebhook(
      whatsAppInboundPayload({
        phoneNumberId,
        from: '16505551234',
        text: 'Yes, book it',
        kind: 'interactive',
      }),
    );
    expect(interactive.inbound[0]!.text).toBe('Yes, book it');
  });

  it('reads several entries and skips what it does not know', () => {
    const status = whatsAppStatusPayload({
      phoneNumberId,
      messageId: 'wamid.D',
      recipientId: '1',
      status: 'read',
    });
    const message = whatsAppInboundPayload({
      phoneNumberId,
      from: '447700900123',
      text: 'hello',
      id: 'wamid.E',
    });
    const odd = {
      id: '1',
      changes: [
        { field: 'message_template_status_update', value: { event: 'APPROVED' } },
        {
          field: 'messages',
          value: { statuses: [{ id: 'wamid.F', status: 'deleted' }, { status: 'sent' }] },
        },
        { field: 'messages', value: { messages: [{ id: 'wamid.G', type: 'system' }] } },
      ],
    };
    const parsed = parseWhatsAppWebhook({ ...status, entry: [...status.entry, ...message.entry, odd] });
    expect(parsed.statuses).toEqual([{ providerId: 'wamid.D', status: 'read' }]);
    expect(parsed.inbound.map((m) => [m.providerId, m.from, m.text])).toEqual([
      ['wamid.E', '+447700900123', 'hello'],
    ]);

    expect(parseWhatsAppWebhook({ object: 'page', entry: status.entry })).toEqual({
      statuses: [],
      inbound: [],
    });
    expect(parseWhatsAppWebhook(null)).toEqual({ statuses: [], inbound: [] });
    expect(parseWhatsAppWebhook('nonsense')).toEqual({ statuses: [], inbound: [] });
  });
});

describe('WhatsApp webhooks: end to end through HTTP', () => {
  /** A stand-in for Rapport's webhook route: handshake on GET, verify the raw body on POST, then parse. */
  const VERIFY_TOKEN = 'rapport-verify-token';
  let receiver: http.Server;
  let base: string;
  const statuses: DeliveryReport[] = [];
  const inbound: InboundMessage[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method === 'GET') {
          const query = Object.fromEntries(new URL(req.url!, base).searchParams);
          const challenge = verifyWhatsAppChallenge({ verifyToken: VERIFY_TOKEN, query });
          if (challenge === undefined) res.writeHead(403).end();
          else res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
          return;
        }
        const rawBody = Buffer.concat(chunks);
        const signature = req.headers['x-hub-signature-256'];
        const valid = verifyWhatsAppSignature({
          appSecret: fake.appSecret,
          rawBody,
          signature: typeof signature === 'string' ? signature : undefined,
        });
        if (!valid) {
          res.writeHead(403).end();
          return;
        }
        const parsed = parseWhatsAppWebhook(JSON.parse(rawBody.toString('utf8')));
        statuses.push(...parsed.statuses);
        inbound.push(...parsed.inbound);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('completes the subscription handshake only with the right verify token', async () => {
    expect(await fake.verifySubscription(`${base}/hooks/whatsapp`, VERIFY_TOKEN, '1158201444')).toMatchObject(
      {
        status: 200,
        body: '1158201444',
      },
    );
    expect((await fake.verifySubscription(`${base}/hooks/whatsapp`, 'guess')).status).toBe(403);
  });

  it('verifies and parses the statuses and messages the fake posts', async () => {
    const result = await whatsapp().send(message());
    if (!result.ok) throw new Error(result.reason);
    expect((await fake.sendStatus(`${base}/hooks/whatsapp`, result.providerId, 'delivered')).status).toBe(
      200,
    );
    expect(
      (
        await fake.sendStatus(`${base}/hooks/whatsapp`, result.providerId, 'failed', [
          { code: 131050, title: 'Unable to deliver the message' },
        ])
      ).status,
    ).toBe(200);
    expect(statuses).toEqual([
      { providerId: result.providerId, status: 'delivered' },
      {
        providerId: result.providerId,
        status: 'failed',
        errorCode: '131050',
        reason: 'WhatsApp 131050: the customer stopped marketing messages from this business',
        suppress: 'opted_out',
      },
    ]);

    expect(
      (await fake.sendInbound(`${base}/hooks/whatsapp`, { from: '+16505551234', text: 'STOP' })).status,
    ).toBe(200);
    expect(inbound).toMatchObject([{ channel: 'whatsapp', from: '+16505551234', text: 'STOP' }]);
  });

  it('rejects a body that does not match its signature', async () => {
    const genuine = JSON.stringify(
      whatsAppInboundPayload({ phoneNumberId: fake.phoneNumberId, from: '1', text: 'hi' }),
    );
    const forged = genuine.replace('"hi"', '"STOP"');
    const response = await fetch(`${base}/hooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWhatsApp(fake.appSecret, genuine),
      },
      body: forged,
    });
    expect(response.status).toBe(403);
    expect(inbound.map((m) => m.text)).toEqual(['STOP']);
  });
});
