import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorRef } from '../../platform/http/actor.ts';
import { actorOf } from '../../platform/http/server.ts';
import {
  businessInput,
  businessSchema,
  consentInput,
  createIntroductionInput,
  introductionSchema,
  ledgerSchema,
  listIntroductionsQuery,
  suggestionsSchema,
  valueInput,
} from './introductions.schema.ts';
import type { IntroductionService } from './introductions.service.ts';

/** Passing business (H2): business customers' offers and needs, suggested and recorded introductions, the ledger. */
export function registerIntroductionRoutes(
  root: FastifyInstance,
  deps: { introductions: IntroductionService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['introductions'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  const who = (r: Parameters<typeof actorOf>[0]) => actorRef(actorOf(r));
  const idParams = z.object({ id: z.string().max(100) });
  const svc = deps.introductions;

  app.get(
    '/customers/:id/business',
    {
      schema: {
        tags,
        summary:
          'What this business customer offers and needs, and the ledger of introductions made for them',
        params: idParams,
        response: { 200: businessSchema },
      },
    },
    async (request) => svc.getBusiness(ws(request), request.params.id),
  );
  app.put(
    '/customers/:id/business',
    {
      schema: {
        tags,
        summary:
          'Record what the customer offers and needs (a customer with either is a business customer here)',
        params: idParams,
        body: businessInput,
        response: { 200: businessSchema },
      },
    },
    async (request) => svc.saveBusiness(ws(request), request.params.id, request.body, who(request)),
  );
  app.get(
    '/introductions/suggestions',
    {
      schema: {
        tags,
        summary:
          'Business customers whose needs and offers match, best first, with why; pairs already introduced left out',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: suggestionsSchema },
      },
    },
    async (request) => svc.suggestions(ws(request), request.query.limit),
  );
  app.get(
    '/introductions/ledger',
    {
      schema: {
        tags,
        summary:
          'Per business customer: introductions made with them and the value of business passed to them',
        response: { 200: ledgerSchema },
      },
    },
    async (request) => svc.ledger(ws(request)),
  );
  app.get(
    '/introductions',
    {
      schema: {
        tags,
        summary: 'Introductions, newest first (of one customer, of one status)',
        querystring: listIntroductionsQuery,
        response: { 200: z.object({ items: z.array(introductionSchema) }) },
      },
    },
    async (request) => svc.list(ws(request), request.query),
  );
  app.post(
    '/introductions',
    {
      schema: {
        tags,
        summary: 'Propose an introduction: both customers are to be asked; one per pair',
        body: createIntroductionInput,
        response: { 201: introductionSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await svc.create(ws(request), request.body, who(request))),
  );
  app.post(
    '/introductions/:id/consent',
    {
      schema: {
        tags,
        summary: "Record one party's answer (once); made when both said yes, declined when one said no",
        params: idParams,
        body: consentInput,
        response: { 200: introductionSchema },
      },
    },
    async (request) => svc.answer(ws(request), request.params.id, request.body, who(request)),
  );
  app.put(
    '/introductions/:id/value',
    {
      schema: {
        tags,
        summary: 'The value of business passed to the offering customer through a made introduction',
        params: idParams,
        body: valueInput,
        response: { 200: introductionSchema },
      },
    },
    async (request) => svc.setValue(ws(request), request.params.id, request.body, who(request)),
  );
}
