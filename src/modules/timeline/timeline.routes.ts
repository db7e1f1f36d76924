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
  updateInteractionSchema,
} from './timeline.schema.ts';
import type { TimelineService } from './timeline.service.ts';

export function registerTimelineRoutes(root: FastifyInstance, { timeline }: { timeline: TimelineService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/customers/:id/interactions',
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
  const idParams = z.object({ id: z.string().max(100) });
  app.patch(
    '/interactions/:id',
    {
      schema: {
        tags: ['timeline'],
        summary: 'Correct a logged touch (call, visit, note, …): what was said, when, its kind; audited',
        params: idParams,
        body: updateInteractionSchema,
        response: { 200: interactionSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return timeline.updateInteraction(a.workspaceId, request.params.id, request.body, a);
    },
  );
  app.delete(
    '/interactions/:id',
    {
      schema: {
        tags: ['timeline'],
        summary:
          'Delete a logged touch (audited with what it said); 409 for orders, refunds, complaint steps',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      await timeline.deleteInteraction(a.workspaceId, request.params.id, a);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/calls/:id/claim',
    {
      schema: {
        tags: ['calls'],
        summary:
          'Put an unknown caller\'s call on a customer\'s timeline (after "Create customer" in the pop-up)',
        params: idParams,
        body: z.object({ customerId: z.string().max(100) }),
        response: { 200: interactionSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return timeline.claimCall(a.workspaceId, request.params.id, request.body.customerId, a);
    },
  );
  app.get(
    '/customers/:id/timeline',
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
    '/customers/:id/card',
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
    '/lookup',
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
    '/calls',
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
