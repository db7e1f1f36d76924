/**
 * A local WhatsApp Business Cloud API (Meta Graph API) for tests: a real HTTP server that answers as Meta
 * documents.
 *
 * - POST /{version}/{phone-number-id}/messages with `Authorization: Bearer <token>` and a JSON body:
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 *   200 `{messaging_product, contacts:[{input, wa_id}], messages:[{id}]}` (templates: `message_status`).
 * - Errors use the Graph API shape `{error:{message, type, code, error_subcode?, fbtrace_id}}`
 *   (https://developers.facebook.com/docs/graph-api/guides/error-handling): a wrong token → 401 code 190, no
 *   token → 400 code 104, an unknown phone number id → 400 code 100 subcode 33, a missing required parameter
 *   → 400 code 100 "(#100) The parameter … is required."
 * - Webhooks are POSTed as JSON signed with X-Hub-Signature-256 (sha256=<hex HMAC of the raw body, keyed with
 *   the app secret>), and the subscription handshake is a GET with hub.mode, hub.verify_token, hub.challenge
 *   (https://developers.facebook.com/docs/graph-api/webhooks/getting-started). Payloads follow
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components (statuses and messages).
 *   The signature is computed here, on its own, not with the adapter's code.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  callWebhook,
  startFakeServer,
  type Reply,
  type ScriptedAnswer,
  type WebhookReply,
} from './http-fake.ts';

export type { RecordedRequest, ScriptedAnswer, WebhookReply } from './http-fake.ts';

export type FakeWhatsAppMessage = { id: string; to: string; body: Record<string, unknown> };
export type FakeWhatsApp = Awaited<ReturnType<typeof startFakeWhatsApp>>;
export type WhatsAppWebhookError = { code: number; title: string; message?: string; details?: string };

const traceId = () => randomBytes(8).toString('base64url');

/** A Graph API error answer. */
export const graphError = (
  status: number,
  code: number,
  message: string,
  extra: { subcode?: number; details?: string; type?: string; headers?: Record<string, string> } = {},
): Reply => ({
  status,
  body: {
    error: {
      message,
      type: extra.type ?? 'OAuthException',
      code,
      ...(extra.details ? { error_data: { messaging_product: 'whatsapp', details: extra.details } } : {}),
      ...(extra.subcode ? { error_subcode: extra.subcode } : {}),
      fbtrace_id: traceId(),
    },
  },
  ...(extra.headers ? { headers: extra.headers } : {}),
});

const missing = (parameter: string) => graphError(400, 100, `(#100) The parameter ${parameter} is required.`);

/** 'sha256=' + hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export const signWhatsApp = (appSecret: string, rawBody: string) =>
  `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;

const envelope = (phoneNumberId: string, value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
            ...value,
          },
          field: 'messages',
        },
      ],
    },
  ],
});

/** A `messages` webhook carrying one status of a message we sent. */
export function whatsAppStatusPayload(input: {
  phoneNumberId: string;
  messageId: string;
  recipientId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  errors?: WhatsAppWebhookError[];
  timestamp?: number;
}) {
  const status: Record<string, unknown> = {
    id: input.messageId,
    status: input.status,
    timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    recipient_id: input.recipientId,
  };
  if (input.status !== 'failed') {
    status.conversation = { id: randomBytes(16).toString('hex'), origin: { type: 'marketing' } };
    status.pricing = { billable: true, pricing_model: 'CBP', category: 'marketing' };
  }
  if (input.errors) {
    status.errors = input.errors.map((e) => ({
      code: e.code,
      title: e.title,
      message: e.message ?? e.title,
      error_data: { details: e.details ?? e.title },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    }));
  }
  return envelope(input.phoneNumberId, { statuses: [status] });
}

/** A `messages` webhook carrying one message from a customer: text, a quick-reply button, or a list reply. */
export function whatsAppInboundPayload(input: {
  phoneNumberId: string;
  from: string;
  text: string;
  kind?: 'text' | 'button' | 'interactive';
  name?: string;
  id?: string;
  timestamp?: number;
}) {
  const from = input.from.replace(/^\+/, '');
  const kind = input.kind ?? 'text';
  const content =
    kind === 'text'
      ? { type: 'text', text: { body: input.text } }
      : kind === 'button'
        ? { type: 'button', button: { payload: input.text.toUpperCase(), text: input.text } }
        : {
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id: 'b1', title: input.text } },
          };
  return envelope(input.phoneNumberId, {
    contacts: [{ profile: { name: input.name ?? 'Sheena Nelson' }, wa_id: from }],
    messages: [
      {
        from,
        id: input.id ?? `wamid.${randomBytes(24).toString('base64')}`,
        timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
        ...content,
      },
    ],
  });
}

export async function startFakeWhatsApp(
  options: { phoneNumberId?: string; accessToken?: string; appSecret?: string } = {},
) {
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const accessToken = options.accessToken ?? `EAA${randomBytes(24).toString('hex')}`;
  const appSecret = options.appSecret ?? randomBytes(16).toString('hex');
  const messages: FakeWhatsAppMessage[] = [];

  const server = await startFakeServer((request): Reply | ScriptedAnswer => {
    const authorization = request.headers.authorization;
    if (!authorization) {
      return graphError(400, 104, 'An access token is required to request this resource.');
    }
    if (authorization !== `Bearer ${accessToken}`) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    const match = /^\/(v\d+\.\d+)\/([^/?]+)\/messages$/.exec(request.path);
    if (request.method !== 'POST' || !match) {
      return graphError(400, 2500, `Unknown path components: ${request.path}`);
    }
    if (match[2] !== phoneNumberId) {
      return graphError(
        400,
        100,
        `Unsupported post request. Object with ID '${match[2]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        { subcode: 33, type: 'GraphMethodException' },
      );
    }
    let body: Record<string, unknown>;
    try {
      const parsed = JSON.parse(request.body) as unknown;
      body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    if (body.messaging_product !== 'whatsapp') return missing('messaging_product');
    const to = typeof body.to === 'string' ? body.to : '';
    if (!to) return missing('to');
    const object = (key: string) =>
      (typeof body[key] === 'object' && body[key] !== null ? body[key] : {}) as Record<string, unknown>;
    const type = body.type ?? 'text';
    if (type === 'text' && typeof object('text').body !== 'string') return missing("text['body']");
    if (type === 'template') {
      const template = object('template');
      if (typeof template.name !== 'string') return missing("template['name']");
      const language = template.language as Record<string, unknown> | undefined;
      if (typeof language?.code !== 'string') return missing("template['language']");
    }
    if (type !== 'text' && type !== 'template') {
      return graphError(400, 100, '(#100) Invalid parameter', {
        details: `Unsupported message type: ${String(type)}`,
      });
    }
    const id = `wamid.${randomBytes(24).toString('base64')}`;
    messages.push({ id, to, body });
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to.replace(/^\+/, '') }],
        messages: [type === 'template' ? { id, message_status: 'accepted' } : { id }],
      },
    };
  });

  /** POST a webhook payload to the app, signed as Meta signs it. */
  const postWebhook = (url: string, payload: unknown): Promise<WebhookReply> => {
    const raw = JSON.stringify(payload);
    return callWebhook(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWhatsApp(appSecret, raw),
        'user-agent': 'facebookexternalua',
      },
      body: raw,
    });
  };

  return {
    apiBase: server.url,
    phoneNumberId,
    accessToken,
    appSecret,
    requests: server.requests,
    messages,
    answerNext: server.answerNext,
    close: server.close,
    postWebhook,

    /** The status webhook of a message this fake accepted. */
    sendStatus(
      url: string,
      messageId: string,
      status: 'sent' | 'delivered' | 'read' | 'failed',
      errors?: WhatsAppWebhookError[],
    ): Promise<WebhookReply> {
      const message = messages.find((m) => m.id === messageId);
      if (!message) throw new Error(`no message ${messageId}`);
      const recipientId = message.to.replace(/^\+/, '');
      return postWebhook(
        url,
        whatsAppStatusPayload({
          phoneNumberId,
          messageId,
          recipientId,
          status,
          ...(errors ? { errors } : {}),
        }),
      );
    },

    /** A customer's message, as Meta posts it. */
    sendInbound(
      url: string,
      input: { from: string; text: string; kind?: 'text' | 'button' | 'interactive' },
    ) {
      return postWebhook(url, whatsAppInboundPayload({ phoneNumberId, ...input }));
    },

    /** The subscription handshake Meta performs when the webhook URL is saved. */
    verifySubscription(url: string, verifyToken: string, challenge = String(randomBytes(4).readUInt32BE())) {
      const query = new URLSearchParams({
        'hub.mode': 'subscribe',
        'hub.challenge': challenge,
        'hub.verify_token': verifyToken,
      });
      return callWebhook(`${url}${url.includes('?') ? '&' : '?'}${query}`, { method: 'GET' });
    },
  };
}
