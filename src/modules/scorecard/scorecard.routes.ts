import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import {
  metricSchema,
  scorecardCustomersQuery,
  scorecardCustomersSchema,
  scorecardQuery,
  scorecardSchema,
  targetsInput,
  targetsSchema,
} from './scorecard.schema.ts';
import type { ScorecardService } from './scorecard.service.ts';

/** The trust & respect scorecard: figures, the customers behind each, the owner's targets. */
export function registerScorecardRoutes(root: FastifyInstance, deps: { scorecard: ScorecardService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['scorecard'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  app.get(
    '/scorecard',
    {
      schema: {
        tags,
        summary: 'How the business treats its customers, by week or month, per business and per staff member',
        description:
          'Promises kept on time, median first response (complaints and enquiries, wall-clock minutes), median hours to resolve a complaint, complaints closed with the customer’s confirmation, proactive contacts per 100 active customers (outbound touches staff made by hand or messages they sent; campaigns and replies inside a complaint or enquiry are not counted), and the share of active customers with needs, a phone, an email, a birthday and consent recorded, and NPS. An active customer bought (an order not cancelled or returned) in the 365 days before the end of the period — a one-time buyer silent longer is what analytics calls lapsed. Each figure: value, numerator, denominator, the trend per period, the owner’s target and whether it is met.',
        querystring: scorecardQuery,
        response: { 200: scorecardSchema },
      },
    },
    async (request) => deps.scorecard.get(ws(request), request.query),
  );
  app.get(
    '/scorecard/targets',
    { schema: { tags, summary: 'The owner’s targets', response: { 200: targetsSchema } } },
    async (request) => deps.scorecard.getTargets(ws(request)),
  );
  app.put(
    '/scorecard/targets',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Set the owner’s targets (owner or admin key); the figures not named keep theirs',
        body: targetsInput,
        response: { 200: targetsSchema },
      },
    },
    async (request) => deps.scorecard.setTargets(ws(request), request.body, actorOf(request)),
  );
  app.get(
    '/scorecard/:metric/customers',
    {
      schema: {
        tags,
        summary:
          'The customers behind a figure (e.g. broken promises, active customers without a phone), paged',
        params: z.object({ metric: metricSchema }),
        querystring: scorecardCustomersQuery,
        response: { 200: scorecardCustomersSchema },
      },
    },
    async (request) => deps.scorecard.customers(ws(request), request.params.metric, request.query),
  );
}
