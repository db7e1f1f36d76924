/**
 * WhatsApp through Meta's WhatsApp Business Cloud API (Graph API), as Meta documents it:
 * - send: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * - templates: https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
 * - errors: https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes and
 *   https://developers.facebook.com/docs/graph-api/guides/error-handling
 * - webhooks (verification request, X-Hub-Signature-256, payloads):
 *   https://developers.facebook.com/docs/graph-api/webhooks/getting-started and
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
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
  type FetchFn,
} from './provider-http.ts';

export type WhatsAppOptions = {
  phoneNumberId: string;
  accessToken: string;
  apiBase?: string;
  apiVersion?: string;
  fetch?: FetchFn;
  /** Per request; a request that takes longer is a temporary failure. Default 30 s. */
  timeoutMs?: number;
};

/**
 * Error codes that mean "wait and try again": Graph API throttling and outages (1, 2, 4, 17, 341), WhatsApp
 * throughput and pair/spam rate limits (80007, 130429, 131048, 131056), service unavailable (131016).
 */
const TEMPORARY_CODES = new Set([
  '1',
  '2',
  '4',
  '17',
  '341',
  '80007',
  '130429',
  '131016',
  '131048',
  '131056',
]);

/** Codes that end the message for good, with what they say about the number. */
const PERMANENT: Record<string, { reason: string; suppress?: 'invalid_address' | 'opted_out' }> = {
  '131026': {
    reason: 'undeliverable: the number is not on WhatsApp or cannot receive it',
    suppress: 'invalid_address',
  },
  '131047': {
    reason: 'more than 24 hours since the customer last wrote: an approved template is needed',
  },
  '131050': { reason: 'the customer stopped marketing messages from this business', suppress: 'opted_out' },
};

export function createWhatsApp(options: WhatsAppOptions): ChannelAdapter {
  const {
    phoneNumberId,
    accessToken,
    apiBase = 'https://graph.facebook.com',
    apiVersion = 'v21.0',
    timeoutMs,
  } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${apiBase.replace(/\/+$/, '')}/${apiVersion}/${encodeURIComponent(phoneNumberId)}/messages`;
  const clean = (text: string) => redact(text, [accessToken]);

  return {
    channel: 'whatsapp',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const answer = await callProvider(
        fetchFn,
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${accessToken}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(whatsAppMessageBody(message)),
        },
        timeoutMs,
      );
      if (answer.kind === 'network') {
        return {
          ok: false,
          permanent: false,
          code: answer.code,
          reason: `WhatsApp could not be reached: ${answer.message}`,
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

/** The documented request body: a template message when `message.template` is set, else a text message. */
export function whatsAppMessageBody(message: OutgoingMessage): Record<string, unknown> {
  const base = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to.replace(/^\+/, ''),
  };
  if (message.template) {
    const { name, language, parameters } = message.template;
    return {
      ...base,
      type: 'template',
      template: {
        name,
        language: { code: language },
        ...(parameters.length > 0
          ? { components: [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] }
          : {}),
      },
    };
  }
  return { ...base, type: 'text', text: { preview_url: true, body: message.text } };
}

function acceptedResult(body: unknown): SendResult {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  const first: unknown = messages[0];
  const id = isRecord(first) ? asString(first.id) : undefined;
  if (!id) {
    // The message may well have been accepted: never retry it (a duplicate is worse than a lost one).
    return {
      ok: false,
      permanent: true,
      code: 'bad_response',
      reason: 'WhatsApp accepted the request without a message id',
    };
  }
  return { ok: true, providerId: id, status: 'queued' };
}

function errorResult(httpStatus: number, body: unknown, retryAfterHeader: string | null): SendResult {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = (error ? asString(error.code) : undefined) ?? `http_${httpStatus}`;
  const details = error && isRecord(error.error_data) ? asString(error.error_data.details) : undefined;
  const providerMessage = (error ? asString(error.message) : undefined) ?? `HTTP ${httpStatus}`;
  const reason = `WhatsApp ${code}: ${providerMessage}${details ? ` (${details})` : ''}`;
  const retryAfterMs = parseRetryAfter(retryAfterHeader);

  // Graph answers token errors (190) over 400 as often as over 401.
  if (httpStatus === 401 || code === '190') {
    return {
      ok: false,
      permanent: true,
      code,
      reason: `WhatsApp ${code}: the access token is invalid or expired; check the WhatsApp settings`,
    };
  }
  if (httpStatus === 429 || httpStatus >= 500 || TEMPORARY_CODES.has(code)) {
    return {
      ok: false,
      permanent: false,
      code,
      reason,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  const known = PERMANENT[code];
  if (known) {
    return {
      ok: false,
      permanent: true,
      code,
      reason: `WhatsApp ${code}: ${known.reason}`,
      ...(known.suppress ? { suppress: known.suppress } : {}),
    };
  }
  return { ok: false, permanent: true, code, reason };
}

/** X-Hub-Signature-256 = 'sha256=' + hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export function verifyWhatsAppSignature(input: {
  appSecret: string;
  rawBody: string | Buffer;
  signature: string | undefined;
}): boolean {
  const { appSecret, rawBody, signature } = input;
  if (!signature || !appSecret) return false;
  const expected = `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
  return safeEqual(signature.trim().toLowerCase(), expected);
}

/**
 * The GET verification request Meta sends when the webhook is subscribed: answer 200 with `hub.challenge`
 * when `hub.mode` is 'subscribe' and `hub.verify_token` is ours; undefined means answer 403.
 */
export function verifyWhatsAppChallenge(input: {
  verifyToken: string;
  query: Record<string, unknown>;
}): string | undefined {
  const { verifyToken, query } = input;
  const mode = asString(query['hub.mode']);
  const token = asString(query['hub.verify_token']);
  const challenge = asString(query['hub.challenge']);
  if (mode !== 'subscribe' || token === undefined || challenge === undefined || !verifyToken)
    return undefined;
  return safeEqual(token, verifyToken) ? challenge : undefined;
}

const STATUS: Record<string, DeliveryReport['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

/**
 * A `messages` webhook (already verified with `verifyWhatsAppSignature`): the delivery statuses and the
 * customers' messages it carries. Entries it does not know (other fields, statuses such as `deleted`, system
 * messages without a sender) are skipped, so one odd item never loses the rest.
 */
export function parseWhatsAppWebhook(body: unknown): {
  statuses: DeliveryReport[];
  inbound: InboundMessage[];
} {
  const statuses: DeliveryReport[] = [];
  const inbound: InboundMessage[] = [];
  for (const value of changeValues(body)) {
    for (const item of arrayOf(value.statuses)) {
      const report = toDeliveryReport(item);
      if (report) statuses.push(report);
    }
    for (const item of arrayOf(value.messages)) {
      const message = toInbound(item);
      if (message) inbound.push(message);
    }
  }
  return { statuses, inbound };
}

function changeValues(body: unknown): Record<string, unknown>[] {
  if (!isRecord(body) || body.object !== 'whatsapp_business_account') return [];
  const values: Record<string, unknown>[] = [];
  for (const entry of arrayOf(body.entry)) {
    for (const change of arrayOf(entry.changes)) {
      if (change.field === 'messages' && isRecord(change.value)) values.push(change.value);
    }
  }
  return values;
}

const arrayOf = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isRecord) : [];

function toDeliveryReport(item: Record<string, unknown>): DeliveryReport | undefined {
  const providerId = asString(item.id);
  const status = STATUS[asString(item.status) ?? ''];
  if (!providerId || !status) return undefined;
  const error = arrayOf(item.errors)[0];
  const errorCode = error ? asString(error.code) : undefined;
  if (!error || !errorCode) return { providerId, status };
  const known = PERMANENT[errorCode];
  const details = isRecord(error.error_data) ? asString(error.error_data.details) : undefined;
  const text = known?.reason ?? asString(error.message) ?? asString(error.title) ?? 'delivery failed';
  const reason = `WhatsApp ${errorCode}: ${text}${details && !known ? ` (${details})` : ''}`;
  return { providerId, status, errorCode, reason, ...(known?.suppress ? { suppress: known.suppress } : {}) };
}

function toInbound(item: Record<string, unknown>): InboundMessage | undefined {
  const from = asString(item.from);
  const providerId = asString(item.id);
  if (!from || !providerId) return undefined;
  const seconds = Number(asString(item.timestamp));
  const at = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
  return {
    channel: 'whatsapp',
    from: from.startsWith('+') ? from : `+${from}`,
    text: inboundText(item),
    providerId,
    at: at.toISOString(),
  };
}

/** The words of a message: text body, quick-reply button text, interactive reply title, or a media caption. */
function inboundText(item: Record<string, unknown>): string {
  const pick = (container: unknown, key: string) =>
    isRecord(container) ? asString(container[key]) : undefined;
  switch (item.type) {
    case 'text':
      return pick(item.text, 'body') ?? '';
    case 'button':
      return pick(item.button, 'text') ?? pick(item.button, 'payload') ?? '';
    case 'interactive': {
      const interactive = isRecord(item.interactive) ? item.interactive : {};
      return pick(interactive.button_reply, 'title') ?? pick(interactive.list_reply, 'title') ?? '';
    }
    case 'image':
    case 'video':
    case 'document':
      return pick(item[item.type], 'caption') ?? '';
    default:
      return '';
  }
}
