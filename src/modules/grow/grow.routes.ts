import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import {
  profitabilityQuery,
  profitabilitySchema,
  settingsInput,
  settingsSchema,
  evaluationSchema,
  suggestionsSchema,
  walletGapsQuery,
  walletGapsSchema,
} from './grow.schema.ts';
import type { GrowService } from './grow.service.ts';

/** Grow: suggestions per customer, share-of-wallet gaps, profitability and its rates. */
export function registerGrowRoutes(root: FastifyInstance, deps: { grow: GrowService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['grow'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  app.get(
    '/customers/:id/suggestions',
    {
      schema: {
        tags,
        summary: 'The few products this customer is most likely to want next',
        description:
          'From the refit’s co-purchase table (cosine similarity of customers’ purchases, each purchase halving in weight every 180 days), leaving out what the customer buys on two days or more and what they bought in the last 30 days, filled up with the most popular items. `evaluated` is the hit rate at 5 on a time split of the workspace’s own orders against the most popular items; when the suggestions do not beat them (one-sided sign test, p < 0.05) the list is empty and `hidden` says why.',
        params: z.object({ id: z.string().max(100) }),
        response: { 200: suggestionsSchema },
      },
    },
    async (request) => deps.grow.suggestions(ws(request), request.params.id),
  );
  app.get(
    '/analytics/suggestions/evaluation',
    {
      schema: {
        tags,
        summary: 'Do the suggestions beat the most popular items? (the newest refit’s time split)',
        description:
          'Fitted on the lines up to a cut 60 days before the refit, then for a seeded sample of at most 5,000 customers who bought after the cut something they do not buy anyway: how often the top 5 holds one of those purchases, against the top 5 most popular items. Beats the baseline when more customers are hit only by the suggestions than only by the baseline, one-sided sign test p < 0.05.',
        response: { 200: evaluationSchema },
      },
    },
    async (request) => {
      const e = await deps.grow.evaluation(ws(request));
      return { hidden: e.hidden, evaluated: e.evaluated };
    },
  );
  app.get(
    '/analytics/wallet-gaps',
    {
      schema: {
        tags,
        summary: 'Share of wallet: the biggest gaps against comparable customers',
        description:
          'For each customer, the category where customers of the same segment and tenure band (at least 5 others) spend the most a month more than they do, over the last 365 days, when the customer spends under half of it. Monthly = spend ÷ the customer’s months in the window (at least 1). Categories come from the order line, else the product.',
        querystring: walletGapsQuery,
        response: { 200: walletGapsSchema },
      },
    },
    async (request) => deps.grow.walletGaps(ws(request), request.query),
  );
  app.get(
    '/analytics/profitability',
    {
      schema: {
        tags,
        summary:
          'Profit per customer over the last 365 days, the most and least profitable, the Pareto curve',
        description:
          'Profit = revenue (quantity × unit price) − line and order discounts − refunds and returns − cost of goods (the line’s cost, else the product’s cost, else the revenue × (1 − the default margin): such lines are counted in `linesWithoutCost`) − cost to serve (complaints × minutes × the hourly rate).',
        querystring: profitabilityQuery,
        response: { 200: profitabilitySchema },
      },
    },
    async (request) => deps.grow.profitability(ws(request), request.query.customerId),
  );
  app.get(
    '/analytics/profitability/settings',
    { schema: { tags, summary: 'The rates behind profitability', response: { 200: settingsSchema } } },
    async (request) => deps.grow.getSettings(ws(request)),
  );
  app.put(
    '/analytics/profitability/settings',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Set the default margin, minutes per complaint and hourly rate (owner or admin key)',
        body: settingsInput,
        response: { 200: settingsSchema },
      },
    },
    async (request) => deps.grow.setSettings(ws(request), request.body, actorOf(request)),
  );
}
