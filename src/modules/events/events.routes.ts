import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import {
  attendeeSchema,
  attendeesQuery,
  checkInSchema,
  createEventSchema,
  eventSchema,
  inviteResultSchema,
  inviteSchema,
  listEventsQuery,
  updateEventSchema,
} from './events.schema.ts';
import type { EventService } from './events.service.ts';

/** Events, their invitations, attendees and check-in, for signed-in staff. */
export function registerEventRoutes(root: FastifyInstance, deps: { events: EventService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['events'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  const params = z.object({ id: z.string().max(100) });
  app.post(
    '/events',
    {
      schema: {
        tags,
        summary: 'Create an event (what, when in local time, where, capacity)',
        body: createEventSchema,
        response: { 201: eventSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.events.create(ws(request), request.body, actorOf(request))),
  );
  // GET /events is the live stream (text/event-stream) since 0.x: the list has its own path
  app.get(
    '/events/list',
    {
      schema: {
        tags,
        summary: 'Events: upcoming (soonest first), past or all, with their answer counts',
        querystring: listEventsQuery,
        response: { 200: z.object({ items: z.array(eventSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => deps.events.list(ws(request), request.query),
  );
  app.get(
    '/events/:id',
    { schema: { tags, summary: 'One event', params, response: { 200: eventSchema } } },
    async (request) => deps.events.get(ws(request), request.params.id),
  );
  app.patch(
    '/events/:id',
    {
      schema: {
        tags,
        summary: 'Change an event (the capacity never below the seats taken); calendars get the new version',
        params,
        body: updateEventSchema,
        response: { 200: eventSchema },
      },
    },
    async (request) => deps.events.update(ws(request), request.params.id, request.body, actorOf(request)),
  );
  app.post(
    '/events/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel the event: those who said yes are told',
        params,
        response: { 200: eventSchema },
      },
    },
    async (request) => deps.events.cancel(ws(request), request.params.id, actorOf(request)),
  );
  app.post(
    '/events/:id/invite',
    {
      schema: {
        tags,
        summary:
          'Invite an audience: each a message (with marketing consent) with a personal answer link and calendar file; once per customer',
        params,
        body: inviteSchema,
        response: { 200: inviteResultSchema },
      },
    },
    async (request) => deps.events.invite(ws(request), request.params.id, request.body, actorOf(request)),
  );
  app.get(
    '/events/:id/attendees',
    {
      schema: {
        tags,
        summary: 'The invited and their answers; search by name or phone (check-in at the door)',
        params,
        querystring: attendeesQuery,
        response: { 200: z.object({ items: z.array(attendeeSchema) }) },
      },
    },
    async (request) => deps.events.attendees(ws(request), request.params.id, request.query),
  );
  app.post(
    '/events/:id/checkin',
    {
      schema: {
        tags,
        summary: 'Check a guest in (by invitation, or the token of their QR code); once; on their timeline',
        params,
        body: checkInSchema,
        response: {
          200: z.object({ invitationId: z.string(), customerId: z.string(), checkedInAt: z.string() }),
        },
      },
    },
    async (request) => deps.events.checkIn(ws(request), request.params.id, request.body, actorOf(request)),
  );
}
