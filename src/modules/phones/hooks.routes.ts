import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError } from '../../platform/errors.ts';
import type { PhoneSystems } from './phones.ts';
import { baseUrlOf } from './phones.routes.ts';
import { emptyAnswer, hangup, twilioOutcome, voiceAnswer } from './twiml.ts';

type HookDeps = {
  phones: PhoneSystems;
  publicUrl: () => string | undefined;
  /** Twilio's signature check (the outreach module's, shared with SMS). */
  verifyTwilio: (input: {
    authToken: string;
    url: string;
    params: Record<string, string>;
    signature: string | undefined;
  }) => boolean;
  shopName: (ws: string) => Promise<string>;
};

const refuse = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/plain').send(message);
const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Phone-system webhooks outside /api (no sign-in). Twilio Voice: each request verified by X-Twilio-Signature
 * with the workspace's auth token. Asterisk / FreePBX: the workspace's secret in the URL.
 */
export function registerPhoneHooks(root: FastifyInstance, deps: HookDeps) {
  return root.register(async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64_000 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const config = { rateLimit: { max: 600, timeWindow: '1 minute' } };
    const schema = { hide: true };
    type TwilioReq = FastifyRequest<{ Params: { ws: string }; Body: Record<string, string> }>;

    /** The workspace's Twilio Voice settings when the request is Twilio's; a reply sent otherwise. */
    const twilio = async (request: TwilioReq, reply: FastifyReply) => {
      const ws = request.params.ws;
      const s = await deps.phones.service.settings(ws).catch(() => undefined);
      if (!s?.twilio) return void refuse(reply, 404, 'No Twilio Voice here');
      const ok = deps.verifyTwilio({
        authToken: s.twilio.authToken,
        // Twilio signs the URL it called: the public URL (or the host it reached) and the path
        url: `${baseUrlOf(deps.publicUrl(), request)}${request.url}`,
        params: request.body ?? {},
        signature: request.headers['x-twilio-signature'] as string | undefined,
      });
      if (!ok) return void refuse(reply, 403, 'Signature does not match');
      return s;
    };
    const xml = (reply: FastifyReply, body: string) => reply.code(200).type('text/xml').send(body);

    app.post<{ Params: { ws: string }; Body: Record<string, string> }>(
      '/hooks/twilio/:ws/voice',
      { config, schema },
      async (request, reply) => {
        const s = await twilio(request, reply);
        if (!s) return reply;
        const p = request.body ?? {};
        if (!p.CallSid || !p.From) return refuse(reply, 400, 'CallSid and From are required');
        const ws = request.params.ws;
        await deps.phones.service.callStarted(ws, {
          source: 'twilio',
          externalId: p.CallSid,
          from: p.From,
          to: p.To,
          direction: 'inbound',
        });
        const dialAction = `${baseUrlOf(deps.publicUrl(), request)}/hooks/twilio/${ws}/voice-status`;
        return xml(
          reply,
          voiceAnswer({ forwardTo: s.forwardTo, shopName: await deps.shopName(ws), dialAction }),
        );
      },
    );
    app.post<{ Params: { ws: string }; Body: Record<string, string> }>(
      '/hooks/twilio/:ws/voice-status',
      { config, schema },
      async (request, reply) => {
        const s = await twilio(request, reply);
        if (!s) return reply;
        const p = request.body ?? {};
        if (!p.CallSid) return refuse(reply, 400, 'CallSid is required');
        const o = twilioOutcome(p, s.forwardTo !== null);
        if (!o) return xml(reply, emptyAnswer());
        const ws = request.params.ws;
        await deps.phones.service.callEnded(ws, {
          source: 'twilio',
          externalId: p.CallSid,
          ...o,
          from: p.From,
          to: p.To,
        });
        // the <Dial action> answer goes on with the call: nobody picked up → the message, then hang up
        if (p.DialCallStatus && o.outcome === 'missed')
          return xml(
            reply,
            voiceAnswer({ forwardTo: null, shopName: await deps.shopName(ws), dialAction: '' }),
          );
        return xml(reply, p.DialCallStatus ? hangup() : emptyAnswer());
      },
    );

    type PbxReq = FastifyRequest<{ Params: { ws: string; secret: string } }>;
    const pbx = async (request: PbxReq, reply: FastifyReply) => {
      const s = await deps.phones.service.settings(request.params.ws).catch(() => undefined);
      if (!s || !sameSecret(s.pbxSecret, request.params.secret)) return void refuse(reply, 404, 'Not found');
      return true;
    };
    app.get<{ Params: { ws: string; secret: string }; Querystring: Record<string, string> }>(
      '/hooks/pbx/:ws/:secret/lookup',
      { config, schema },
      async (request, reply) => {
        if (!(await pbx(request, reply))) return reply;
        const number = (request.query.number ?? request.query.num ?? '').trim();
        const name = number ? await deps.phones.callerName(request.params.ws, number) : '';
        return reply.type('text/plain; charset=utf-8').send(name);
      },
    );
    app.post<{ Params: { ws: string; secret: string }; Body: Record<string, unknown> }>(
      '/hooks/pbx/:ws/:secret/events',
      { config, schema },
      async (request, reply) => {
        if (!(await pbx(request, reply))) return reply;
        try {
          const call = await deps.phones.pbxEvent(request.params.ws, request.body ?? {});
          return reply.code(200).send({ id: call.id, status: call.status, customerId: call.customerId });
        } catch (err) {
          if (err instanceof ZodError)
            return refuse(reply, 400, err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
          if (err instanceof AppError) return refuse(reply, err.status, err.message);
          throw err;
        }
      },
    );
  });
}
