import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import type { AgendaService } from './agenda.service.ts';
import type { CalendarService } from './calendar.ts';
import {
  agendaQuery,
  agendaSchema,
  calendarFeedSchema,
  calendarFeedStatusSchema,
  closePromiseSchema,
  createPromiseSchema,
  lateNoticeSchema,
  listPromisesQuery,
  promiseSchema,
  promiseStatsQuery,
  promiseStatsSchema,
  reschedulePromiseSchema,
  snoozeOutSchema,
  snoozeSchema,
} from './promises.schema.ts';
import type { PromiseService } from './promises.service.ts';
import { promiseStats } from './stats.ts';

const idParams = z.object({ id: z.string().max(100) });

export function registerPromiseRoutes(
  root: FastifyInstance,
  deps: { promises: PromiseService; agenda: AgendaService; calendar: CalendarService },
) {
  const { promises, agenda, calendar } = deps;
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['promises'];

  app.post(
    '/promises',
    {
      schema: {
        tags,
        summary: 'Make a promise to a customer: what, by when (a date or a time, workspace zone), by whom',
        body: createPromiseSchema,
        response: { 201: promiseSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await promises.createPromise(a.workspaceId, request.body, a));
    },
  );
  app.get(
    '/promises',
    {
      schema: {
        tags,
        summary:
          'Promises by customer or owner; open (default), overdue, kept, broken, cancelled or all; soonest first',
        querystring: listPromisesQuery,
        response: { 200: z.object({ items: z.array(promiseSchema) }) },
      },
    },
    async (request) => promises.listPromises(actorOf(request).workspaceId, request.query),
  );
  app.get(
    '/promises/stats',
    {
      schema: {
        tags,
        summary: 'Kept-on-time rate per week or month, for the business and per person',
        querystring: promiseStatsQuery,
        response: { 200: promiseStatsSchema },
      },
    },
    async (request) => {
      const ws = actorOf(request).workspaceId;
      return promiseStats(
        { repo: promises.repo, zone: await promises.zoneOf(ws), now: promises.clock() },
        ws,
        request.query,
      );
    },
  );
  app.get(
    '/promises/:id',
    { schema: { tags, summary: 'A promise', params: idParams, response: { 200: promiseSchema } } },
    async (request) => promises.getPromiseOrThrow(actorOf(request).workspaceId, request.params.id),
  );
  const step = (
    path: string,
    summary: string,
    body: z.ZodType,
    run: (
      ws: string,
      id: string,
      input: unknown,
      a: ReturnType<typeof actorOf>,
    ) => Promise<z.infer<typeof promiseSchema>>,
  ) =>
    app.post(
      `/promises/:id${path}`,
      { schema: { tags, summary, params: idParams, body, response: { 200: promiseSchema } } },
      async (request) => {
        const a = actorOf(request);
        return run(a.workspaceId, (request.params as { id: string }).id, request.body ?? {}, a);
      },
    );
  step(
    '/keep',
    'Kept (on time or late, by the clock); once — 409 PROMISE_CLOSED after',
    closePromiseSchema.optional(),
    promises.keepPromise,
  );
  step('/break', 'Broken; once', closePromiseSchema.optional(), promises.breakPromise);
  step('/cancel', 'No longer needed; once', closePromiseSchema.optional(), promises.cancelPromise);
  step(
    '/reschedule',
    'A new due time (the same time again changes nothing)',
    reschedulePromiseSchema,
    promises.reschedulePromise,
  );
  step(
    '/late-notice',
    'Overdue and still open: tell the customer it will be late (a service message, once per promise)',
    lateNoticeSchema.optional(),
    promises.sendLateNotice,
  );

  app.get(
    '/agenda',
    {
      schema: {
        tags: ['agenda'],
        summary: "Today's list for one person, most urgent then most valuable first",
        querystring: agendaQuery,
        response: { 200: agendaSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return agenda.getAgenda(a.workspaceId, request.query, a);
    },
  );
  app.post(
    '/agenda/snoozes',
    {
      schema: {
        tags: ['agenda'],
        summary: 'Hide an agenda item until a date or time, with a reason',
        body: snoozeSchema,
        response: { 200: snoozeOutSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return agenda.snooze(a.workspaceId, request.body, a);
    },
  );

  const ctags = ['calendar'];
  app.get(
    '/calendar-feed',
    {
      schema: {
        tags: ctags,
        summary: 'Whether you have a calendar feed',
        response: { 200: calendarFeedStatusSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return calendar.status(a.workspaceId, a);
    },
  );
  app.post(
    '/calendar-feed',
    {
      schema: {
        tags: ctags,
        summary: 'A new secret iCalendar URL of your promises (the old one stops working); shown once',
        response: { 201: calendarFeedSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply
        .code(201)
        .send(await calendar.create(a.workspaceId, a, `${request.protocol}://${request.host}`));
    },
  );
  app.delete(
    '/calendar-feed',
    { schema: { tags: ctags, summary: 'Revoke your calendar feed URL', response: { 204: z.null() } } },
    async (request, reply) => {
      const a = actorOf(request);
      await calendar.revoke(a.workspaceId, a);
      return reply.code(204).send(null);
    },
  );
}

/** The public feed: GET /cal/<token>.ics, no session (the secret token is the key). Registered after the API. */
export function registerCalendarFeed(root: FastifyInstance, deps: { calendar: CalendarService }) {
  return root.register(async (app) => {
    app.get<{ Params: { file: string } }>(
      '/cal/:file',
      { config: { rateLimit: { max: 60, timeWindow: '1 minute' } }, schema: { hide: true } },
      async (request, reply) => {
        const m = /^([A-Za-z0-9_-]{16,64})\.ics$/.exec(request.params.file);
        const body = m
          ? await deps.calendar.feed(m[1] as string, `${request.protocol}://${request.host}`)
          : undefined;
        if (!body) return reply.code(404).type('text/plain; charset=utf-8').send('No such calendar');
        return reply
          .header('cache-control', 'private, max-age=300')
          .header('referrer-policy', 'no-referrer')
          .type('text/calendar; charset=utf-8')
          .send(body);
      },
    );
  });
}
