import type { FastifyInstance } from 'fastify';
import { actorOf } from '../http/server.ts';
import type { EventBus } from './bus.ts';

/**
 * GET /api/v1/events: Server-Sent Events of the caller's workspace (calls, timeline changes, …).
 * Each message has `event: <type>` and `data: <json>`; a comment line every 15 s keeps proxies from closing it.
 */
export function registerEventStream(app: FastifyInstance, bus: EventBus, heartbeatMs = 15_000) {
  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Live events of this workspace (text/event-stream): call, interaction.created, …',
      },
    },
    (request, reply) => {
      const { workspaceId } = actorOf(request);
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
      const unsubscribe = bus.subscribe(workspaceId, (e) => {
        res.write(`event: ${e.type}\ndata: ${JSON.stringify({ ...(e.data as object), at: e.at })}\n\n`);
      });
      const beat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
      const stop = () => {
        clearInterval(beat);
        unsubscribe();
      };
      request.raw.on('close', stop);
      res.on('error', stop);
    },
  );
}
