import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilio, startFakeTwilio, twilioError, type FakeTwilio } from '../../../../test/fakes/twilio.ts';
import { isStopWord, type DeliveryReport, type InboundMessage, type OutgoingMessage } from './channel.ts';
import {
  createTwilioSms,
  emptyTwiml,
  parseTwilioInbound,
  parseTwilioStatus,
  verifyTwilioSignature,
  type TwilioParams,
} from './twilio.ts';
import { WebhookPayloadError } from './provider-http.ts';

const FROM = '+15005550006';
const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: '0190a8c2-0000-7000-8000-000000000001',
  to: '+447700900123',
  purpose: 'marketing',
  subject: null,
  text: 'Your table is ready. Reply STOP to opt out.',
  ...overrides,
});

let fake: FakeTwilio;
/** Every result any test got back: none may contain a credential (checked at the end). */
const results: unknown[] = [];
const sms = (options: { authToken?: string; from?: string; timeoutMs?: number; apiBase?: string } = {}) => {
  const adapter = createTwilioSms({
    accountSid: fake.accountSid,
    authToken: options.authToken ?? fake.authToken,
    from: options.from ?? FROM,
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
  fake = await startFakeTwilio();
});
afterAll(async () => {
  await fake.close();
});

describe('Twilio SMS: send', () => {
  it('posts the documented form with Basic auth and returns the message SID', async () => {
    const before = fake.requests.length;
    const result = await sms().send(
      message({ statusCallbackUrl: 'https://crm.example/hooks/twilio/status' }),
    );
    const sent = fake.messages.at(-1)!;
    expect(result).toEqual({ ok: true, providerId: sent.sid, status: 'queued' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);

    const request = fake.requests[before]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const [user, password] = Buffer.from(request.headers.authorization!.replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    expect([user, password]).toEqual([fake.accountSid, fake.authToken]);
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      To: '+447700900123',
      From: FROM,
      Body: 'Your table is ready. Reply STOP to opt out.',
      StatusCallback: 'https://crm.example/hooks/twilio/status',
    });
  });

  it('sends through a Messaging Service when `from` is an MG SID', async () => {
    const service = `MG${'ab12'.repeat(8)}`;
    const result = await sms({ from: service }).send(message());
    const form = Object.fromEntries(new URLSearchParams(fake.requests.at(-1)!.body));
    expect(form.MessagingServiceSid).toBe(service);
    expect(form.From).toBeUndefined();
    expect(form.StatusCallback).toBeUndefined();
    expect(result).toMatchObject({ ok: true, status: 'queued' }); // Twilio answers `accepted`
  });

  it.each([
    ['+15005550001', '21211', 'invalid_address'],
    ['0612345678', '21211', 'invalid_address'],
    ['+15005550009', '21614', 'invalid_address'],
    ['+15005550004', '21610', 'opted_out'],
    ['+15005550002', '21612', undefined],
    ['+15005550003', '21408', undefined],
  ])('maps a refusal for %s to permanent %s (suppress: %s)', async (to, code, suppress) => {
    const result = await sms().send(message({ to }));
    expect(result).toMatchObject({ ok: false, permanent: true, code });
    expect(result.ok === false && result.suppress).toBe(suppress ?? undefined);
    expect(result.ok === false && result.reason).toContain(`Twilio ${code}`);
  });

  it('maps wrong credentials (401, 20003) to a permanent failure that names the credentials', async () => {
    const wrongToken = 'f'.repeat(32);
    const result = await sms({ authToken: wrongToken }).send(message());
    expect(fake.requests.at(-1)!.headers.authorization).toBeDefined();
    expect(result).toEqual({
      ok: false,
      permanent: true,
      code: '20003',
      reason: 'Twilio 20003: the Account SID or Auth Token is wrong; check the SMS settings',
    });
    expect(JSON.stringify(result)).not.toContain(wrongToken);
  });

  it('honours Retry-After on a 429 (20429) and retries later', async () => {
    fake.answerNext(twilioError(429, 20429, 'Too Many Requests', { 'retry-after': '7' }));
    expect(await sms().send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: '20429',
      retryAfterMs: 7000,
    });

    fake.answerNext(twilioError(429, 20429, 'Too Many Requests'));
    const withoutHeader = await sms().send(message());
    expect(withoutHeader).toMatchObject({ ok: false, permanent: false, code: '20429' });
    expect(withoutHeader).not.toHaveProperty('retryAfterMs');

    fake.answerNext(
      twilioError(429, 20429, 'Too Many Requests', { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }),
    );
    expect(await sms().send(message())).toMatchObject({ permanent: false, retryAfterMs: 0 });
  });

  it('treats 5xx answers, JSON or not, as temporary', async () => {
    fake.answerNext(twilioError(500, 20500, 'Internal Server Error'));
    expect(await sms().send(message())).toMatchObject({ ok: false, permanent: false, code: '20500' });
    fake.answerNext({
      status: 503,
      body: '<html>Service Unavailable</html>',
      headers: { 'retry-after': '2' },
    });
    expect(await sms().send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: 'http_503',
      retryAfterMs: 2000,
    });
  });

  it('treats other 4xx answers as permanent without suppressing the number', async () => {
    fake.answerNext(
      twilioError(400, 21606, "The 'From' phone number provided is not a valid message-capable number"),
    );
    const result = await sms().send(message());
    expect(result).toMatchObject({ ok: false, permanent: true, code: '21606' });
    expect(result).not.toHaveProperty('suppress');
  });

  it('treats a reset connection, a closed server and a timeout as temporary', async () => {
    fake.answerNext({ reset: true });
    // undici names a socket closed mid-request UND_ERR_SOCKET ("other side closed")
    expect(await sms().send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/),
    });

    const gone = await startFakeTwilio({ accountSid: fake.accountSid, authToken: fake.authToken });
    await gone.close();
    expect(await sms({ apiBase: gone.apiBase }).send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: 'ECONNREFUSED',
    });

    fake.answerNext({ hang: true });
    expect(await sms({ timeoutMs: 300 }).send(message())).toMatchObject({
      ok: false,
      permanent: false,
      code: 'timeout',
    });
  });

  it('never returns the Auth Token, even when Twilio echoes it', async () => {
    const basic = Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64');
    fake.answerNext(twilioError(400, 21601, `token ${fake.authToken} and header Basic ${basic} rejected`));
    const result = await sms().send(message());
    expect(result).toMatchObject({ ok: false, permanent: true, code: '21601' });
    expect(result.ok === false && result.reason).toContain('[redacted]');
    for (const r of results) {
      expect(JSON.stringify(r)).not.toContain(fake.authToken);
      expect(JSON.stringify(r)).not.toContain(basic);
    }
  });
});

describe('Twilio webhooks: signatures', () => {
  // Twilio's documented example (twilio-php RequestValidatorTest, the helper libraries' docs).
  const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  // deliberately out of alphabetical order: the signature sorts them
  const DOC_PARAMS = {
    Digits: '1234',
    To: '+18005551212',
    From: '+14158675309',
    Caller: '+14158675309',
    CallSid: 'CA1234567890ABCDE',
  };
  const DOC_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
  const verify = (over: Partial<Parameters<typeof verifyTwilioSignature>[0]> = {}) =>
    verifyTwilioSignature({
      authToken: '12345',
      url: DOC_URL,
      params: DOC_PARAMS,
      signature: DOC_SIGNATURE,
      ...over,
    });

  it("accepts Twilio's documented example", () => {
    expect(verify()).toBe(true);
    // the fake's own, independent signer agrees
    expect(signTwilio('12345', DOC_URL, DOC_PARAMS)).toBe(DOC_SIGNATURE);
  });

  it('rejects a tampered parameter, an added parameter, another URL, another token or no signature', () => {
    expect(verify({ params: { ...DOC_PARAMS, Digits: '9999' } })).toBe(false);
    expect(verify({ params: { ...DOC_PARAMS, Extra: '1' } })).toBe(false);
    expect(verify({ url: `${DOC_URL}&baz=3` })).toBe(false);
    expect(verify({ url: 'http://mycompany.com/myapp.php?foo=1&bar=2' })).toBe(false);
    expect(verify({ authToken: '54321' })).toBe(false);
    expect(verify({ signature: undefined })).toBe(false);
    expect(verify({ signature: '' })).toBe(false);
    expect(verify({ signature: DOC_SIGNATURE.slice(0, -2) })).toBe(false);
    expect(verify({ url: 'not a url' })).toBe(false);
  });

  it('accepts the URL with or without the default port, as Twilio signs either', () => {
    const url = 'https://crm.example/hooks/twilio/status?ws=1';
    const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    const withPort = signTwilio('tok-abc', 'https://crm.example:443/hooks/twilio/status?ws=1', params);
    expect(verifyTwilioSignature({ authToken: 'tok-abc', url, params, signature: withPort })).toBe(true);
    const withoutPort = signTwilio('tok-abc', url, params);
    expect(
      verifyTwilioSignature({
        authToken: 'tok-abc',
        url: 'https://crm.example:443/hooks/twilio/status?ws=1',
        params,
        signature: withoutPort,
      }),
    ).toBe(true);
    const otherPort = signTwilio('tok-abc', 'https://crm.example:8443/hooks/twilio/status?ws=1', params);
    expect(verifyTwilioSignature({ authToken: 'tok-abc', url, params, signature: otherPort })).toBe(false);
  });

  it('signs a repeated parameter with its distinct values sorted', () => {
    const url = 'https://crm.example/hooks';
    const data = `${url}Digits1234Digits5678SidCA1`;
    const signature = createHmac('sha1', 'tok').update(data).digest('base64');
    const params: TwilioParams = { Sid: 'CA1', Digits: ['5678', '1234', '1234'] };
    expect(verifyTwilioSignature({ authToken: 'tok', url, params, signature })).toBe(true);
  });
});

describe('Twilio webhooks: parsing', () => {
  it('maps status callbacks to delivery reports', () => {
    expect(parseTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'delivered' })).toEqual({
      providerId: 'SM1',
      status: 'delivered',
    });
    expect(parseTwilioStatus({ SmsSid: 'SM2', SmsStatus: 'sent' })).toEqual({
      providerId: 'SM2',
      status: 'sent',
    });
    expect(parseTwilioStatus({ MessageSid: 'SM3', MessageStatus: 'accepted' }).status).toBe('queued');
    expect(parseTwilioStatus({ MessageSid: 'SM4', MessageStatus: 'read' }).status).toBe('read');
  });

  it.each([
    ['30003', 'undelivered', undefined],
    ['30005', 'undelivered', 'invalid_address'],
    ['30006', 'failed', 'invalid_address'],
    ['21610', 'failed', 'opted_out'],
    ['30007', 'undelivered', undefined],
    ['30008', 'failed', undefined],
    ['63016', 'failed', undefined],
  ])('maps ErrorCode %s', (code, status, suppress) => {
    const report = parseTwilioStatus({ MessageSid: 'SM9', MessageStatus: status, ErrorCode: code });
    expect(report).toMatchObject({ providerId: 'SM9', status, errorCode: code });
    expect(report.suppress).toBe(suppress);
    expect(report.reason).toMatch(new RegExp(`^Twilio ${code}: `));
  });

  it('refuses a callback without a SID or with an unknown status', () => {
    expect(() => parseTwilioStatus({ MessageStatus: 'delivered' })).toThrow(WebhookPayloadError);
    expect(() => parseTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'exploded' })).toThrow(
      WebhookPayloadError,
    );
    expect(() => parseTwilioInbound({ Body: 'hi' })).toThrow(WebhookPayloadError);
  });

  it('parses an incoming SMS and recognises STOP', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    const inbound = parseTwilioInbound({ From: '+447700900123', Body: ' stop ', MessageSid: 'SM5' }, at);
    expect(inbound).toEqual({
      channel: 'sms',
      from: '+447700900123',
      text: ' stop ',
      providerId: 'SM5',
      at: '2026-03-01T10:00:00.000Z',
    });
    expect(isStopWord(inbound.text)).toBe(true);
    expect(isStopWord(parseTwilioInbound({ From: '+1', Body: 'Stop all', MessageSid: 'SM6' }).text)).toBe(
      true,
    );
    expect(
      isStopWord(parseTwilioInbound({ From: '+1', Body: 'Please stop by', MessageSid: 'SM7' }).text),
    ).toBe(false);
  });

  it('answers inbound webhooks with empty TwiML', () => {
    expect(emptyTwiml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });
});

describe('Twilio webhooks: end to end through HTTP', () => {
  /** A stand-in for Rapport's webhook routes: verify with the adapter's functions, then parse. */
  let receiver: http.Server;
  let base: string;
  const reports: DeliveryReport[] = [];
  const inbound: InboundMessage[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(raw));
        const url = `${base}${req.url}`;
        const signature = req.headers['x-twilio-signature'];
        const valid = verifyTwilioSignature({
          authToken: fake.authToken,
          url,
          params,
          signature: typeof signature === 'string' ? signature : undefined,
        });
        if (!valid) {
          res.writeHead(403).end();
          return;
        }
        if (req.url!.startsWith('/status')) reports.push(parseTwilioStatus(params));
        else inbound.push(parseTwilioInbound(params));
        res.writeHead(200, { 'content-type': 'text/xml' }).end(emptyTwiml());
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('verifies and parses the status callbacks the fake posts for a sent message', async () => {
    const result = await sms().send(message({ statusCallbackUrl: `${base}/status?message=abc` }));
    if (!result.ok) throw new Error(result.reason);
    expect((await fake.sendStatusCallback(result.providerId, 'sent')).status).toBe(200);
    const reply = await fake.sendStatusCallback(result.providerId, 'undelivered', { errorCode: 30005 });
    expect(reply.status).toBe(200);
    expect(reports.slice(-2)).toEqual([
      { providerId: result.providerId, status: 'sent' },
      {
        providerId: result.providerId,
        status: 'undelivered',
        errorCode: '30005',
        reason: 'Twilio 30005: unknown destination handset',
        suppress: 'invalid_address',
      },
    ]);
  });

  it('verifies an incoming SMS, answers TwiML, and rejects a forged one', async () => {
    const reply = await fake.sendInbound(`${base}/inbound`, {
      from: '+447700900123',
      to: FROM,
      body: 'STOP',
    });
    expect(reply).toMatchObject({ status: 200, contentType: 'text/xml', body: emptyTwiml() });
    expect(inbound.at(-1)).toMatchObject({ channel: 'sms', from: '+447700900123', text: 'STOP' });
    expect(inbound.at(-1)!.providerId).toBe(reply.messageSid);

    const params = { From: '+447700900123', Body: 'START', MessageSid: 'SM0' };
    const forged = await fetch(`${base}/inbound`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilio(fake.authToken, `${base}/inbound`, { ...params, Body: 'STOP' }),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(forged.status).toBe(403);
    expect(inbound.at(-1)!.text).toBe('STOP');
  });
});
