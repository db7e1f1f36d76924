import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { customerIdParams, pageOf } from '../customers/index.ts';
import {
  callerCardSchema,
  callEventSchema,
  callSchema,
  createInteractionSchema,
  interactionSchema,
  timelineQuery,
} from './timeline.schema.ts';
import type { TimelineService } from './timeline.service.ts';

export function registerTimelineRoutes(root: FastifyInstance, { timeline }: { timeline: TimelineService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/customers/:id/interactions',
    {
      schema: {
        tags: ['timeline'],
        summary: 'Log a call, visit, message or note',
        params: customerIdParams,
        body: createInteractionSchema,
        response: { 201: interactionSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply
        .code(201)
        .send(await timeline.addInteraction(a.workspaceId, request.params.id, request.body, a));
    },
  );
  app.get(
    '/api/v1/customers/:id/timeline',
    {
      schema: {
        tags: ['timeline'],
        summary: 'Every touch, newest first',
        params: customerIdParams,
        querystring: timelineQuery,
        response: { 200: pageOf(interactionSchema) },
      },
    },
    async (request) => timeline.getTimeline(actorOf(request).workspaceId, request.params.id, request.query),
  );
  app.get(
    '/api/v1/customers/:id/card',
    {
      schema: {
        tags: ['calls'],
        summary: 'The caller card of a customer',
        params: customerIdParams,
        response: { 200: callerCardSchema },
      },
    },
    async (request) => timeline.getCallerCard(actorOf(request).workspaceId, request.params.id),
  );
  app.get(
    '/api/v1/lookup',
    {
      schema: {
        tags: ['calls'],
        summary: 'Recognise a caller: a phone number in any format → their card, or 404 CUSTOMER_NOT_FOUND',
        querystring: z.object({ phone: z.string().trim().min(1).max(50) }),
        response: { 200: callerCardSchema },
      },
    },
    async (request) => timeline.lookup(actorOf(request).workspaceId, request.query.phone),
  );
  app.post(
    '/api/v1/calls',
    {
      schema: {
        tags: ['calls'],
        summary: 'A call event: logged on the timeline and pushed to every staff screen (SSE "call")',
        body: callSchema,
        response: { 201: callEventSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await timeline.recordCall(a.workspaceId, request.body, a));
    },
  );
}
