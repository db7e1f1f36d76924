/**
 * A local Twilio Programmable Messaging API for tests: a real HTTP server that answers as Twilio documents.
 *
 * - POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic auth (AccountSid:AuthToken):
 *   https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 *   201 with the Message resource (status `queued`, or `accepted` through a Messaging Service).
 * - Wrong credentials: 401 with error 20003 (https://www.twilio.com/docs/api/errors/20003).
 * - Missing fields: 400 with 21604 (To), 21603 (From / MessagingServiceSid), 21602 (Body); a To that is not
 *   E.164: 21211 (https://www.twilio.com/docs/api/errors/<code>).
 * - The test-credential magic To numbers (https://www.twilio.com/docs/iam/test-credentials#test-sms-messages):
 *   +15005550001 → 21211, +15005550002 → 21612, +15005550003 → 21408, +15005550004 → 21610,
 *   +15005550009 → 21614.
 * - Status callbacks and incoming messages are POSTed form-encoded and signed with X-Twilio-Signature
 *   (https://www.twilio.com/docs/usage/webhooks/webhooks-security,
 *   https://www.twilio.com/docs/messaging/guides/track-outbound-message-status,
 *   https://www.twilio.com/docs/messaging/guides/webhook-request). The signature is computed here, on its own,
 *   not with the adapter's code.
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

export type FakeTwilioMessage = {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
};

export type FakeTwilio = Awaited<ReturnType<typeof startFakeTwilio>>;

/** Twilio's error body: https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions */
export const twilioError = (
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): Reply => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  ...(headers ? { headers } : {}),
});

const MAGIC_TO: Record<string, [number, string]> = {
  '+15005550001': [21211, "Invalid 'To' Phone Number: +15005550001"],
  '+15005550002': [
    21612,
    "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number",
  ],
  '+15005550003': [
    21408,
    'Permission to send an SMS has not been enabled for the region indicated by the To number',
  ],
  '+15005550004': [21610, 'Attempt to send to unsubscribed recipient'],
  '+15005550009': [21614, "'To' number is not a valid mobile number"],
};

const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/** X-Twilio-Signature: base64 HMAC-SHA1 (key: Auth Token) of the URL + each POST param name and value, sorted. */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}) {
  const accountSid = options.accountSid ?? sid('AC');
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const messages: FakeTwilioMessage[] = [];
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

  const server = await startFakeServer((request): Reply | ScriptedAnswer => {
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="Twilio API"' },
        body: {
          code: 20003,
          detail: 'Your AccountSid or AuthToken was incorrect.',
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        },
      };
    }
    if (request.method !== 'POST' || request.path !== messagesPath) {
      return twilioError(404, 20404, `The requested resource ${request.path} was not found`);
    }
    // Twilio reads form parameters only: a JSON body has no 'To' (https://www.twilio.com/docs/api/errors/21604)
    const isForm = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const form = new URLSearchParams(isForm ? request.body : '');
    const to = form.get('To');
    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    const body = form.get('Body');
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!from && !messagingServiceSid) {
      return twilioError(
        400,
        21603,
        "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
      );
    }
    if (!body && !form.get('MediaUrl') && !form.get('ContentSid')) {
      return twilioError(400, 21602, 'Message body is required.');
    }
    const magic = MAGIC_TO[to];
    if (magic) return twilioError(400, magic[0], magic[1]);
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);

    const message: FakeTwilioMessage = {
      sid: sid('SM'),
      to,
      from,
      messagingServiceSid,
      body: body ?? '',
      statusCallback: form.get('StatusCallback'),
    };
    messages.push(message);
    const now = rfc2822(new Date());
    return {
      status: 201,
      body: {
        account_sid: accountSid,
        api_version: '2010-04-01',
        body: message.body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from,
        messaging_service_sid: messagingServiceSid,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid: message.sid,
        status: messagingServiceSid ? 'accepted' : 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
      },
    };
  });

  /** POST form parameters to a webhook of the app, signed as Twilio signs them. */
  const postSigned = (url: string, params: Record<string, string>): Promise<WebhookReply> =>
    callWebhook(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilio(authToken, url, params),
        'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
    });

  return {
    apiBase: server.url,
    accountSid,
    authToken,
    requests: server.requests,
    messages,
    answerNext: server.answerNext,
    close: server.close,
    postSigned,

    /** The status callback Twilio posts to a message's StatusCallback URL (or `url`). */
    async sendStatusCallback(
      messageSid: string,
      status: 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'read',
      options: { errorCode?: number; url?: string } = {},
    ): Promise<WebhookReply> {
      const message = messages.find((m) => m.sid === messageSid);
      const url = options.url ?? message?.statusCallback;
      if (!url) throw new Error(`no StatusCallback for ${messageSid}`);
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: message?.from ?? '+15005550006',
        MessageSid: messageSid,
        MessageStatus: status,
        SmsSid: messageSid,
        SmsStatus: status,
        To: message?.to ?? '+15005550010',
      };
      if (message?.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
      if (options.errorCode !== undefined) params.ErrorCode = String(options.errorCode);
      return postSigned(url, params);
    },

    /** An incoming SMS, as Twilio posts it to the number's messaging webhook. */
    async sendInbound(
      url: string,
      sms: { from: string; to: string; body: string },
    ): Promise<WebhookReply & { messageSid: string }> {
      const messageSid = sid('SM');
      const reply = await postSigned(url, {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        Body: sms.body,
        From: sms.from,
        MessageSid: messageSid,
        NumMedia: '0',
        NumSegments: '1',
        SmsMessageSid: messageSid,
        SmsSid: messageSid,
        SmsStatus: 'received',
        To: sms.to,
      });
      return { ...reply, messageSid };
    },
  };
}
