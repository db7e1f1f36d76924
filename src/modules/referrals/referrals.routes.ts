import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorRef } from '../../platform/http/actor.ts';
import { actorOf } from '../../platform/http/server.ts';
import {
  customerReferralsSchema,
  leaderboardQuery,
  leaderboardSchema,
  referralSettingsInput,
  referralSettingsSchema,
  setReferrerInput,
} from './referrals.schema.ts';
import type { ReferralService } from './referrals.service.ts';

/** Referrals (H1): a customer's code, referrer and referred customers; the leaderboard. */
export function registerReferralRoutes(root: FastifyInstance, deps: { referrals: ReferralService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['referrals'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;
  const idParams = z.object({ id: z.string().max(100) });
  app.get(
    '/customers/:id/referrals',
    {
      schema: {
        tags,
        summary:
          "The customer's referral code and link, who referred them, the customers they referred and the revenue those brought",
        params: idParams,
        response: { 200: customerReferralsSchema },
      },
    },
    async (request) => deps.referrals.view(ws(request), request.params.id),
  );
  app.post(
    '/customers/:id/referrer',
    {
      schema: {
        tags,
        summary:
          'Record who referred this customer (a customer id or referral code): once only; never themselves, never a cycle',
        params: idParams,
        body: setReferrerInput,
        response: { 201: customerReferralsSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await deps.referrals.setReferrer(
            ws(request),
            request.params.id,
            request.body,
            actorRef(actorOf(request)),
          ),
        ),
  );
  app.get(
    '/referrals/settings',
    {
      schema: {
        tags,
        summary: "The referrer's reward: loyalty points per referred customer's first purchase",
        response: { 200: referralSettingsSchema },
      },
    },
    async (request) => deps.referrals.settings(ws(request)),
  );
  app.put(
    '/referrals/settings',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: "Set the referrer's reward (points per referred customer's first purchase; 0 for none)",
        body: referralSettingsInput,
        response: { 200: referralSettingsSchema },
      },
    },
    async (request) => deps.referrals.updateSettings(ws(request), request.body, actorRef(actorOf(request))),
  );
  app.get(
    '/referrals/leaderboard',
    {
      schema: {
        tags,
        summary:
          'Referrers ranked by the customers they referred in the period, then by the net revenue those customers brought',
        querystring: leaderboardQuery,
        response: { 200: leaderboardSchema },
      },
    },
    async (request) => deps.referrals.leaderboard(ws(request), request.query),
  );
}
