import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { pageOf } from '../customers/index.ts';
import {
  createEnquirySchema,
  enquiryOutcomeInput,
  enquirySchema,
  listEnquiriesQuery,
  respondEnquirySchema,
  transferEnquirySchema,
} from './enquiries.schema.ts';
import type { EnquiryService } from './enquiries.service.ts';

const idParams = z.object({ id: z.string().max(100) });

export function registerEnquiryRoutes(root: FastifyInstance, { enquiries }: { enquiries: EnquiryService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['enquiries'];

  app.get(
    '/enquiries',
    {
      schema: {
        tags,
        summary: 'The enquiries inbox, soonest first-response deadline first',
        querystring: listEnquiriesQuery,
        response: { 200: pageOf(enquirySchema) },
      },
    },
    async (request) => enquiries.listEnquiries(actorOf(request).workspaceId, request.query),
  );
  app.post(
    '/enquiries',
    {
      schema: {
        tags,
        summary: 'Log a question, quote or booking request; the first-response timer starts',
        body: createEnquirySchema,
        response: { 201: enquirySchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await enquiries.createEnquiry(a.workspaceId, request.body, a));
    },
  );
  app.get(
    '/enquiries/:id',
    {
      schema: {
        tags,
        summary: 'An enquiry with its timer',
        params: idParams,
        response: { 200: enquirySchema },
      },
    },
    async (request) => enquiries.getEnquiryOrThrow(actorOf(request).workspaceId, request.params.id),
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
    ) => Promise<z.infer<typeof enquirySchema>>,
  ) =>
    app.post(
      `/enquiries/:id${path}`,
      { schema: { tags, summary, params: idParams, body, response: { 200: enquirySchema } } },
      async (request) => {
        const a = actorOf(request);
        return run(a.workspaceId, (request.params as { id: string }).id, request.body, a);
      },
    );
  step(
    '/respond',
    'Record the answer (stops the first-response timer)',
    respondEnquirySchema,
    enquiries.respondToEnquiry,
  );
  step(
    '/outcome',
    'Won, lost or no answer (409 ENQUIRY_NOT_ANSWERED before an answer)',
    enquiryOutcomeInput,
    enquiries.recordEnquiryOutcome,
  );
  step('/transfer', 'Pass to another owner', transferEnquirySchema, enquiries.transferEnquiry);
}
