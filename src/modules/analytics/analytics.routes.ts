import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/server.ts';
import { customerIdParams } from '../customers/index.ts';
import {
  analyticsSettingsSchema,
  cohortsSchema,
  customerListSchema,
  customerPredictionSchema,
  lifecycleSchema,
  listQuery,
  membersQuery,
  predictionRunSchema,
  refitAcceptedSchema,
  revenueSplitSchema,
  segmentsSchema,
} from './analytics.schema.ts';
import type { AnalyticsService } from './analytics.service.ts';

/** Predictions per customer and the Customers-insight page's charts, each ready to plot. */
export function registerAnalyticsRoutes(
  root: FastifyInstance,
  { analytics }: { analytics: AnalyticsService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['analytics'];
  const ws = (request: Parameters<typeof actorOf>[0]) => actorOf(request).workspaceId;

  app.get(
    '/customers/:id/predictions',
    {
      schema: {
        tags,
        summary:
          'P(alive), expected purchases, next purchase, spend, 12-month CLV, RFM segment, lifecycle, trend',
        params: customerIdParams,
        response: { 200: customerPredictionSchema },
      },
    },
    async (request) => analytics.getCustomerPrediction(ws(request), request.params.id),
  );
  app.get(
    '/analytics/runs/latest',
    {
      schema: {
        tags,
        summary: 'The latest refit: parameters, fit diagnostics and the holdout chart (404 before the first)',
        response: { 200: predictionRunSchema },
      },
    },
    async (request) => analytics.getLatestRunOrThrow(ws(request)),
  );
  app.post(
    '/analytics/refit',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Refit the models now, in the background (202); again within a minute: the same job',
        response: { 202: refitAcceptedSchema },
      },
    },
    async (request, reply) => reply.code(202).send(await analytics.requestRefit(ws(request))),
  );
  app.get(
    '/analytics/segments',
    {
      schema: {
        tags,
        summary: 'RFM segments (customers, spend, CLV) and the R × F grid',
        response: { 200: segmentsSchema },
      },
    },
    async (request) => analytics.segments(ws(request)),
  );
  app.get(
    '/analytics/lifecycle',
    {
      schema: {
        tags,
        summary: 'Lifecycle stages now, and the funnel from first to fourth purchase',
        response: { 200: lifecycleSchema },
      },
    },
    async (request) => analytics.lifecycle(ws(request)),
  );
  app.get(
    '/analytics/cohorts',
    {
      schema: {
        tags,
        summary: 'Retention by first-purchase month: share of each cohort buying in each following month',
        response: { 200: cohortsSchema },
      },
    },
    async (request) => analytics.cohorts(ws(request)),
  );
  app.get(
    '/analytics/revenue',
    {
      schema: {
        tags,
        summary: 'Revenue per month from new vs returning customers',
        response: { 200: revenueSplitSchema },
      },
    },
    async (request) => analytics.revenue(ws(request)),
  );
  app.get(
    '/analytics/customers',
    {
      schema: {
        tags,
        summary: 'Customers of one RFM segment or lifecycle stage, most at stake first (cursor paging)',
        querystring: membersQuery,
        response: { 200: customerListSchema },
      },
    },
    async (request) => analytics.members(ws(request), request.query),
  );
  for (const [path, summary, get] of [
    ['rising', 'Rising customers: spend growing, steepest first', analytics.rising],
    ['at-risk', 'At-risk customers, by value at stake', analytics.atRisk],
    ['lapsed', 'Lapsed customers, by value at stake', analytics.lapsed],
  ] as const)
    app.get(
      `/analytics/customers/${path}`,
      { schema: { tags, summary, querystring: listQuery, response: { 200: customerListSchema } } },
      async (request) => get(ws(request), request.query),
    );
  app.get(
    '/analytics/settings',
    { schema: { tags, summary: 'CLV settings', response: { 200: analyticsSettingsSchema } } },
    async (request) => analytics.getSettings(ws(request)),
  );
  app.put(
    '/analytics/settings',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Change the CLV settings (used from the next refit)',
        body: analyticsSettingsSchema,
        response: { 200: analyticsSettingsSchema },
      },
    },
    async (request) => analytics.updateSettings(ws(request), request.body),
  );
}
