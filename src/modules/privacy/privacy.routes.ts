import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorRef } from '../../platform/http/actor.ts';
import { actorOf } from '../../platform/http/server.ts';
import { exportHtml } from './privacy.html.ts';
import type { PrivacyService } from './privacy.service.ts';

const params = z.object({ id: z.string().max(100) });

export const erasureSchema = z
  .object({
    customerId: z.string(),
    erasedAt: z.string(),
    counts: z.record(z.string(), z.number()).describe('Rows removed or anonymised, by table'),
  })
  .meta({ id: 'Erasure' });

export function registerPrivacyRoutes(root: FastifyInstance, { privacy }: { privacy: PrivacyService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['privacy'];

  app.get(
    '/customers/:id/data-export',
    {
      schema: {
        tags,
        summary:
          'Everything held on one customer (subject access): JSON as an attachment, or a readable page with format=html',
        params,
        querystring: z.object({ format: z.enum(['json', 'html']).default('json') }),
      },
    },
    async (request, reply) => {
      const x = await privacy.exportCustomer(actorOf(request).workspaceId, request.params.id);
      if (request.query.format === 'html') return reply.type('text/html; charset=utf-8').send(exportHtml(x));
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="customer-${x.customer.id as string}.json"`)
        .send(JSON.stringify(x, null, 2));
    },
  );

  app.post(
    '/customers/:id/erase',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary:
          'Erase a customer (owner/admin): personal data removed everywhere, orders kept without them, phones and emails remembered as hashes',
        params,
        body: z.object({ reason: z.string().trim().min(1, { message: 'Say why' }).max(500) }),
        response: { 200: erasureSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return privacy.erase(a.workspaceId, request.params.id, request.body.reason, actorRef(a));
    },
  );
}
