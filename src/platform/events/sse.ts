import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Actor } from '../http/actor.ts';
import { actorOf } from '../http/server.ts';
import type { EventBus } from './bus.ts';

/** How an event stream keeps its credential honest while it is open. */
export type StreamGuard = {
  /** Resolve the request's credential again, from the database (no cache); undefined = no longer valid. */
  recheck: (request: FastifyRequest) => Promise<Actor | undefined>;
  /** Called when a credential is revoked in this process (key revoked, user disabled, signed out). */
  onRevoked: (listener: () => void) => () => void;
  /** A stable id of the request's credential (API key or session), for the per-credential cap. */
  credentialId: (request: FastifyRequest) => string;
  /** Open streams allowed per credential (default 10). */
  maxPerCredential?: number;
  /** How often an open stream re-checks its credential (default 5 s, the API key cache's lifetime). */
  recheckMs?: number;
  heartbeatMs?: number;
};

/**
 * GET /api/v1/events: Server-Sent Events of the caller's workspace (calls, timeline changes, …).
 * Each message has `event: <type>` and `data: <json>`; a comment line every 15 s keeps proxies from closing it.
 * The stream's credential is re-checked every few seconds and at once when one is revoked in this process:
 * when it is no longer valid (or cannot be checked 3 times running), the stream says `event: closed` and ends.
 * At most 10 open streams per key or session (the next answers 429).
 */
export function registerEventStream(app: FastifyInstance, bus: EventBus, guard: StreamGuard) {
  const max = guard.maxPerCredential ?? 10;
  const recheckMs = guard.recheckMs ?? 5_000;
  const heartbeatMs = guard.heartbeatMs ?? 15_000;
  const open = new Map<string, number>();

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Live events of this workspace (text/event-stream): call, interaction.created, …',
        description:
          'The stream ends (event: closed) within 5 s of its API key being revoked, its user disabled or its session signed out. At most 10 open streams per key or session: the next answers 429 TOO_MANY_STREAMS.',
      },
    },
    (request, reply) => {
      const actor = actorOf(request);
      const credential = guard.credentialId(request);
      const count = open.get(credential) ?? 0;
      if (count >= max)
        throw new AppError(
          'TOO_MANY_STREAMS',
          `This key or session already has ${max} open event streams: close one first`,
          429,
        );
      open.set(credential, count + 1);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      });
      res.write(': connected\n\n');
      const unsubscribe = bus.subscribe(actor.workspaceId, (e) => {
        res.write(`event: ${e.type}\ndata: ${JSON.stringify({ ...(e.data as object), at: e.at })}\n\n`);
      });
      let checking = false;
      let stopped = false;
      let failedChecks = 0;
      async function recheck() {
        if (checking || stopped) return;
        checking = true;
        const now = await guard.recheck(request).then(
          (a) => ({ ok: true as const, actor: a }),
          () => ({ ok: false as const }),
        );
        checking = false;
        if (stopped) return;
        // The database cannot say (a blip): keep the stream for up to 3 checks (15 s), then end it.
        if (!now.ok && ++failedChecks < 3) return;
        if (now.ok) failedChecks = 0;
        const a = now.ok ? now.actor : undefined;
        if (a && a.workspaceId === actor.workspaceId && a.scopes.has('read')) return;
        stop();
        res.end('event: closed\ndata: {"reason":"credential no longer valid"}\n\n');
      }
      const beat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
      const every = setInterval(() => void recheck(), recheckMs);
      const stopListening = guard.onRevoked(() => void recheck());
      function stop() {
        if (stopped) return;
        stopped = true;
        clearInterval(beat);
        clearInterval(every);
        unsubscribe();
        stopListening();
        const n = (open.get(credential) ?? 1) - 1;
        if (n > 0) open.set(credential, n);
        else open.delete(credential);
      }
      request.raw.on('close', stop);
      res.on('close', stop);
      res.on('error', stop);
    },
  );
}
