import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { WEBHOOK_EVENTS } from './catalogue.ts';
import {
  createWebhookInput,
  deliveriesQuery,
  deliverySchema,
  updateWebhookInput,
  webhookEventSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from './webhooks.schema.ts';
import type { WebhookService } from './webhooks.service.ts';

const SIGNING =
  'Signed per Standard Webhooks (standardwebhooks.com): headers webhook-id (the same on every attempt), webhook-timestamp (Unix seconds) and webhook-signature, `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed with the base64-decoded part of the whsec_ secret; during a rotation two signatures, space-separated. The body is `{"type","timestamp","data"}`.';

/** Webhooks: endpoints (owner or admin key), their delivery log, dead letters, rotation and a test send. */
export function registerWebhookRoutes(root: FastifyInstance, deps: { webhooks: WebhookService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhooks'];
  const admin = { scope: 'admin' as const };
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  const idParams = z.object({ id: z.string() });
  const s = deps.webhooks;
  app.get(
    '/webhooks/events',
    {
      schema: {
        tags,
        summary: 'The domain events a webhook can receive (entity.verb)',
        response: { 200: z.object({ items: z.array(webhookEventSchema) }) },
      },
    },
    async () => ({ items: [...WEBHOOK_EVENTS] }),
  );
  app.post(
    '/webhooks',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Add a webhook endpoint; the answer holds its signing secret, shown this once',
        description: `Private, loopback and link-local addresses (also after DNS resolution) are refused unless the server runs with RAPPORT_WEBHOOK_ALLOW_PRIVATE=true. ${SIGNING}`,
        body: createWebhookInput,
        response: { 201: webhookWithSecretSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await s.create(ws(request), request.body, actorOf(request))),
  );
  app.get(
    '/webhooks',
    {
      config: admin,
      schema: {
        tags,
        summary: 'The webhook endpoints',
        response: { 200: z.object({ items: z.array(webhookSchema) }) },
      },
    },
    async (request) => ({ items: await s.list(ws(request)) }),
  );
  app.get(
    '/webhooks/:id',
    {
      config: admin,
      schema: { tags, summary: 'One webhook endpoint', params: idParams, response: { 200: webhookSchema } },
    },
    async (request) => s.get(ws(request), request.params.id),
  );
  app.patch(
    '/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Change the URL, the events it receives, or turn it on or off',
        description: 'Turned back on, it receives the events from then on, not those of the time it was off.',
        params: idParams,
        body: updateWebhookInput,
        response: { 200: webhookSchema },
      },
    },
    async (request) => s.update(ws(request), request.params.id, request.body, actorOf(request)),
  );
  app.delete(
    '/webhooks/:id',
    { config: admin, schema: { tags, summary: 'Delete an endpoint and its delivery log', params: idParams } },
    async (request, reply) => {
      await s.remove(ws(request), request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );
  app.post(
    '/webhooks/:id/rotate',
    {
      config: admin,
      schema: {
        tags,
        summary: 'A new signing secret (shown this once); the old one also signs for 24 hours',
        params: idParams,
        response: { 200: webhookWithSecretSchema },
      },
    },
    async (request) => s.rotate(ws(request), request.params.id, actorOf(request)),
  );
  app.post(
    '/webhooks/:id/test',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Send a webhook.test message to the endpoint (signed, retried and logged like any event)',
        params: idParams,
        response: { 202: deliverySchema },
      },
    },
    async (request, reply) => reply.code(202).send(await s.sendTest(ws(request), request.params.id)),
  );
  app.get(
    '/webhooks/:id/deliveries',
    {
      config: admin,
      schema: {
        tags,
        summary: 'The delivery log, newest first; status=failed lists the dead letters',
        description:
          'A delivery is retried with exponential backoff for 24 hours, then failed (a dead letter). A 410 Gone answer fails it at once; three in a row turn the endpoint off.',
        params: idParams,
        querystring: deliveriesQuery,
        response: { 200: z.object({ items: z.array(deliverySchema) }) },
      },
    },
    async (request) => s.deliveries(ws(request), request.params.id, request.query),
  );
  app.post(
    '/webhooks/:id/deliveries/:deliveryId/replay',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Send a dead letter again (another 24 hours of retries)',
        params: z.object({ id: z.string(), deliveryId: z.string() }),
        response: { 200: deliverySchema },
      },
    },
    async (request) => s.replay(ws(request), request.params.id, request.params.deliveryId),
  );
}
