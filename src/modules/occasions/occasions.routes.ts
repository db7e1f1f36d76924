import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import {
  customOccasionInput,
  customOccasionSchema,
  occasionSettingsInput,
  occasionSettingsSchema,
  upcomingQuery,
  upcomingSchema,
} from './occasions.schema.ts';
import type { OccasionService } from './occasions.service.ts';

/** Greetings settings, upcoming occasions and a customer's custom dates, for signed-in staff. */
export function registerOccasionRoutes(root: FastifyInstance, deps: { occasions: OccasionService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['occasions'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  const idParams = z.object({ id: z.string().max(100) });
  app.get(
    '/occasions/settings',
    {
      schema: {
        tags,
        summary:
          'The greeting per occasion (birthday, anniversary, custom dates): on/off, template, channel, hour',
        response: { 200: occasionSettingsSchema },
      },
    },
    async (request) => deps.occasions.getSettings(ws(request)),
  );
  app.put(
    '/occasions/settings',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Change the greetings (only the kinds and fields given)',
        body: occasionSettingsInput,
        response: { 200: occasionSettingsSchema },
      },
    },
    async (request) => deps.occasions.updateSettings(ws(request), request.body, actorOf(request)),
  );
  app.get(
    '/occasions/upcoming',
    {
      schema: {
        tags,
        summary: 'Birthdays, anniversaries and custom dates of the next N days (default 30), soonest first',
        querystring: upcomingQuery,
        response: { 200: upcomingSchema },
      },
    },
    async (request) => deps.occasions.upcoming(ws(request), request.query),
  );
  app.get(
    '/customers/:id/occasions',
    {
      schema: {
        tags,
        summary: "The customer's custom dates",
        params: idParams,
        response: { 200: z.object({ items: z.array(customOccasionSchema) }) },
      },
    },
    async (request) => deps.occasions.listCustom(ws(request), request.params.id),
  );
  app.post(
    '/customers/:id/occasions',
    {
      schema: {
        tags,
        summary: 'Add a custom date (yearly or once) to greet the customer on',
        params: idParams,
        body: customOccasionInput,
        response: { 201: customOccasionSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await deps.occasions.addCustom(ws(request), request.params.id, request.body, actorOf(request))),
  );
  app.delete(
    '/customers/:id/occasions/:occasionId',
    {
      schema: {
        tags,
        summary: 'Remove a custom date',
        params: z.object({ id: z.string().max(100), occasionId: z.string().max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deps.occasions.removeCustom(
        ws(request),
        request.params.id,
        request.params.occasionId,
        actorOf(request),
      );
      return reply.code(204).send(null);
    },
  );
}
