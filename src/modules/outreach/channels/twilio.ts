/**
 * SMS through Twilio Programmable Messaging, as Twilio documents it:
 * - send: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 * - errors: https://www.twilio.com/docs/api/errors (21211, 21610, 21614, 20003, 20429, 30003…)
 * - webhook signatures: https://www.twilio.com/docs/usage/webhooks/webhooks-security
 * - status callbacks: https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
 * - inbound messages and TwiML: https://www.twilio.com/docs/messaging/guides/webhook-request
 */
import { createHmac } from 'node:crypto';
import type {
  ChannelAdapter,
  DeliveryReport,
  InboundMessage,
  OutgoingMessage,
  SendResult,
} from './channel.ts';
import {
  asString,
  callProvider,
  isRecord,
  parseJson,
  parseRetryAfter,
  redact,
  safeEqual,
  WebhookPayloadError,
  type FetchFn,
} from './provider-http.ts';

export type TwilioSmsOptions = {
  accountSid: string;
  authToken: string;
  /** An E.164 number or alphanumeric sender id, or a Messaging Service SID (MG + 32 hex). */
  from: string;
  apiBase?: string;
  fetch?: FetchFn;
  /** Per request; a request that takes longer is a temporary failure. Default 30 s. */
  timeoutMs?: number;
};

/** Twilio's form parameters: a repeated key carries several values. */
export type TwilioParams = Record<string, string | readonly string[] | undefined>;

const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

/** Send-time error codes that end the message for good and say the number itself is dead. */
const SEND_SUPPRESS: Record<string, 'invalid_address' | 'opted_out'> = {
  '21211': 'invalid_address', // invalid 'To' phone number
  '21614': 'invalid_address', // 'To' is not a valid mobile number
  '21610': 'opted_out', // the recipient replied STOP
};

export function createTwilioSms(options: TwilioSmsOptions): ChannelAdapter {
  const { accountSid, authToken, from, apiBase = 'https://api.twilio.com', timeoutMs } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${apiBase.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const clean = (text: string) => redact(text, [authToken, authorization]);

  return {
    channel: 'sms',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const form = new URLSearchParams();
      form.set('To', message.to);
      form.set(MESSAGING_SERVICE_SID.test(from) ? 'MessagingServiceSid' : 'From', from);
      form.set('Body', message.text);
      if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);

      const answer = await callProvider(
        fetchFn,
        url,
        {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: form.toString(),
        },
        timeoutMs,
      );
      if (answer.kind === 'network') {
        return {
          ok: false,
          permanent: false,
          code: answer.code,
          reason: `Twilio could not be reached: ${answer.message}`,
        };
      }
      const body = parseJson(answer.text);
      const result =
        answer.status >= 200 && answer.status < 300
          ? acceptedResult(body)
          : errorResult(answer.status, body, answer.headers.get('retry-after'));
      return result.ok ? result : { ...result, reason: clean(result.reason) };
    },
  };
}

function acceptedResult(body: unknown): SendResult {
  const sid = isRecord(body) ? asString(body.sid) : undefined;
  const status = isRecord(body) ? asString(body.status) : undefined;
  if (!sid) {
    // The message may well have been accepted: never retry it (a duplicate SMS is worse than a lost one).
    return {
      ok: false,
      permanent: true,
      code: 'bad_response',
      reason: 'Twilio accepted the request without a message SID',
    };
  }
  if (status === 'failed' || status === 'undelivered' || status === 'canceled') {
    const code = isRecord(body) ? (asString(body.error_code) ?? status) : status;
    const reason = isRecord(body) ? asString(body.error_message) : undefined;
    return {
      ok: false,
      permanent: true,
      code,
      reason: `Twilio ${code}: ${reason ?? `the message is ${status}`}`,
    };
  }
  return {
    ok: true,
    providerId: sid,
    status: status === 'sent' || status === 'delivered' ? 'sent' : 'queued',
  };
}

function errorResult(httpStatus: number, body: unknown, retryAfterHeader: string | null): SendResult {
  const code = (isRecord(body) ? asString(body.code) : undefined) ?? `http_${httpStatus}`;
  const providerMessage = isRecord(body) ? asString(body.message) : undefined;
  const reason = `Twilio ${code}: ${providerMessage ?? `HTTP ${httpStatus}`}`;
  const retryAfterMs = parseRetryAfter(retryAfterHeader);
  const temporary = (text: string): SendResult => ({
    ok: false,
    permanent: false,
    code,
    reason: text,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

  if (httpStatus === 429 || code === '20429') return temporary(`${reason} (rate limited)`);
  if (httpStatus >= 500) return temporary(reason);
  if (httpStatus === 401 || code === '20003') {
    return {
      ok: false,
      permanent: true,
      code,
      reason: `Twilio ${code}: the Account SID or Auth Token is wrong; check the SMS settings`,
    };
  }
  const suppress = SEND_SUPPRESS[code];
  return { ok: false, permanent: true, code, reason, ...(suppress ? { suppress } : {}) };
}

/**
 * Twilio's request signature: HMAC-SHA1, keyed with the Auth Token, over the full URL Twilio called followed by
 * every POST parameter sorted by name, each name immediately followed by its value (a repeated name: its
 * distinct values sorted); base64. Twilio is inconsistent about the default port (:443/:80) in the signed
 * URL, so, like its own helper libraries, both forms are accepted. Compared in constant time.
 */
export function verifyTwilioSignature(input: {
  authToken: string;
  url: string;
  params: TwilioParams;
  signature: string | undefined;
}): boolean {
  const { authToken, url, params, signature } = input;
  if (!signature || !authToken) return false;
  let candidates: string[];
  try {
    candidates = urlVariants(url);
  } catch {
    return false;
  }
  let valid = false;
  for (const candidate of candidates) {
    // no early exit: both forms are always computed and compared
    if (safeEqual(signature, twilioSignature(authToken, candidate, params))) valid = true;
  }
  return valid;
}

function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const v of values) data += key + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  if (!defaultPort || (parsed.port !== '' && parsed.port !== defaultPort)) return [url];
  const userinfo = parsed.username
    ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@`
    : '';
  const start = `${parsed.protocol}//${userinfo}${parsed.hostname}`;
  const rest = `${parsed.pathname}${parsed.search}`;
  const withoutPort = `${start}${rest}`;
  const withPort = `${start}:${defaultPort}${rest}`;
  return [...new Set([url, withoutPort, withPort])];
}

const single = (params: TwilioParams, key: string): string | undefined => {
  const value = params[key];
  return typeof value === 'string' ? value : value?.[0];
};

const STATUS: Record<string, DeliveryReport['status']> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/** Delivery error codes (https://www.twilio.com/docs/api/errors) and what they say about the number. */
const DELIVERY_ERRORS: Record<string, { reason: string; suppress?: DeliveryReport['suppress'] }> = {
  '30001': { reason: 'queue overflow' },
  '30002': { reason: 'the Twilio account is suspended' },
  // a handset that is switched off or out of coverage: not a dead number, so not suppressed
  '30003': { reason: 'unreachable destination handset (switched off or out of coverage)' },
  '30004': { reason: 'message blocked' },
  '30005': { reason: 'unknown destination handset', suppress: 'invalid_address' },
  '30006': { reason: 'landline or unreachable carrier', suppress: 'invalid_address' },
  '30007': { reason: 'filtered by the carrier' },
  '30008': { reason: 'unknown error' },
  '21610': { reason: 'the recipient replied STOP', suppress: 'opted_out' },
};

/** A status callback (already verified with `verifyTwilioSignature`) as a delivery report. */
export function parseTwilioStatus(params: TwilioParams): DeliveryReport {
  const providerId = single(params, 'MessageSid') ?? single(params, 'SmsSid');
  const twilioStatus = single(params, 'MessageStatus') ?? single(params, 'SmsStatus');
  if (!providerId) throw new WebhookPayloadError('Twilio status callback without MessageSid');
  const status = twilioStatus === undefined ? undefined : STATUS[twilioStatus];
  if (!status) throw new WebhookPayloadError(`Twilio status callback with an unknown MessageStatus`);
  const errorCode = single(params, 'ErrorCode');
  if (!errorCode || errorCode === '0') return { providerId, status };
  const known = DELIVERY_ERRORS[errorCode];
  const reason = `Twilio ${errorCode}: ${known?.reason ?? single(params, 'ErrorMessage') ?? 'delivery failed'}`;
  return { providerId, status, errorCode, reason, ...(known?.suppress ? { suppress: known.suppress } : {}) };
}

/** An incoming SMS (already verified). Twilio sends no timestamp: `at` is when it reached us. */
export function parseTwilioInbound(params: TwilioParams, now: Date = new Date()): InboundMessage {
  const from = single(params, 'From');
  const providerId = single(params, 'MessageSid') ?? single(params, 'SmsSid');
  if (!from || !providerId)
    throw new WebhookPayloadError('Twilio inbound message without From or MessageSid');
  return { channel: 'sms', from, text: single(params, 'Body') ?? '', providerId, at: now.toISOString() };
}

/** The reply to an inbound-message webhook that sends nothing back (Twilio expects TwiML). */
export const emptyTwiml = () => '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
