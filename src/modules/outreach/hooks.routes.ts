import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ChannelName, DeliveryReport, InboundMessage } from './channels/channel.ts';
import { WebhookPayloadError } from './channels/provider-http.ts';
import {
  emptyTwiml,
  parseTwilioInbound,
  parseTwilioStatus,
  verifyTwilioSignature,
} from './channels/twilio.ts';
import {
  parseWhatsAppWebhook,
  verifyWhatsAppChallenge,
  verifyWhatsAppSignature,
} from './channels/whatsapp.ts';
import type { SendingSettings } from './settings.ts';

type HookDeps = {
  settings: (ws: string) => Promise<SendingSettings | undefined>;
  publicUrl: () => string;
  report: (ws: string, channel: ChannelName, r: DeliveryReport) => Promise<unknown>;
  inbound: (ws: string, m: InboundMessage) => Promise<unknown>;
};

const refuse = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/plain').send(message);

/**
 * Provider webhooks under /hooks/ (no sign-in: each request is verified by the provider's own signature with the
 * workspace's credentials, and refused without it). Twilio: delivery status and inbound SMS (STOP replies);
 * WhatsApp Cloud API: the subscription handshake, statuses and inbound messages.
 */
export function registerProviderHooks(root: FastifyInstance, deps: HookDeps) {
  return root.register(async (app) => {
    // Twilio posts forms; WhatsApp's signature is over the raw JSON bytes
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64_000 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: 1_000_000 },
      (_r, body, done) => done(null, body),
    );
    const config = { rateLimit: { max: 600, timeWindow: '1 minute' } };
    const schema = { hide: true };

    const twilio = async (
      ws: string,
      url: string,
      params: Record<string, string>,
      signature: string | undefined,
    ) => {
      const s = await deps.settings(ws);
      if (!s?.sms) return 'unknown' as const;
      // Twilio signs the URL it called: this server's public URL and the path it was given
      return verifyTwilioSignature({
        authToken: s.sms.authToken,
        url: `${deps.publicUrl()}${url}`,
        params,
        signature,
      })
        ? ('ok' as const)
        : ('forged' as const);
    };

    app.post<{ Params: { ws: string }; Body: Record<string, string> }>(
      '/hooks/twilio/:ws/status',
      { config, schema },
      async (request, reply) => {
        const v = await twilio(
          request.params.ws,
          request.url,
          request.body ?? {},
          request.headers['x-twilio-signature'] as string | undefined,
        );
        if (v === 'unknown') return refuse(reply, 404, 'No SMS provider here');
        if (v === 'forged') return refuse(reply, 403, 'Signature does not match');
        try {
          await deps.report(request.params.ws, 'sms', parseTwilioStatus(request.body ?? {}));
        } catch (err) {
          if (err instanceof WebhookPayloadError) return refuse(reply, 400, err.message);
          throw err;
        }
        return reply.code(204).send();
      },
    );
    app.post<{ Params: { ws: string }; Body: Record<string, string> }>(
      '/hooks/twilio/:ws/inbound',
      { config, schema },
      async (request, reply) => {
        const v = await twilio(
          request.params.ws,
          request.url,
          request.body ?? {},
          request.headers['x-twilio-signature'] as string | undefined,
        );
        if (v === 'unknown') return refuse(reply, 404, 'No SMS provider here');
        if (v === 'forged') return refuse(reply, 403, 'Signature does not match');
        try {
          await deps.inbound(request.params.ws, parseTwilioInbound(request.body ?? {}));
        } catch (err) {
          if (err instanceof WebhookPayloadError) return refuse(reply, 400, err.message);
          throw err;
        }
        return reply.code(200).type('text/xml').send(emptyTwiml());
      },
    );

    app.get<{ Params: { ws: string }; Querystring: Record<string, string> }>(
      '/hooks/whatsapp/:ws',
      { config, schema },
      async (request, reply) => {
        const s = await deps.settings(request.params.ws);
        if (!s?.whatsapp) return refuse(reply, 404, 'No WhatsApp here');
        const challenge = verifyWhatsAppChallenge({
          verifyToken: s.whatsapp.verifyToken,
          query: request.query,
        });
        return challenge === undefined
          ? refuse(reply, 403, 'Verify token does not match')
          : reply.type('text/plain').send(challenge);
      },
    );
    app.post<{ Params: { ws: string }; Body: Buffer }>(
      '/hooks/whatsapp/:ws',
      { config, schema },
      async (request, reply) => {
        const s = await deps.settings(request.params.ws);
        if (!s?.whatsapp) return refuse(reply, 404, 'No WhatsApp here');
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'] as string | undefined;
        if (!verifyWhatsAppSignature({ appSecret: s.whatsapp.appSecret, rawBody: raw, signature }))
          return refuse(reply, 403, 'Signature does not match');
        let payload: unknown;
        try {
          payload = JSON.parse(raw.toString('utf8'));
        } catch {
          return refuse(reply, 400, 'Not JSON');
        }
        const { statuses, inbound } = parseWhatsAppWebhook(payload);
        for (const st of statuses) await deps.report(request.params.ws, 'whatsapp', st);
        for (const m of inbound) await deps.inbound(request.params.ws, m);
        return reply.code(200).send();
      },
    );
  });
}
