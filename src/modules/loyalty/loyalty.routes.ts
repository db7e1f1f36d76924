import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { pageOf } from '../customers/index.ts';
import {
  customerLoyaltySchema,
  ledgerQuery,
  loyaltyRulesSchema,
  loyaltySettingsSchema,
  redeemPointsSchema,
  syncResultSchema,
} from './loyalty.schema.ts';
import type { LoyaltyService } from './loyalty.service.ts';
import {
  addFromPredictedSchema,
  listValuedQuery,
  putValuedSchema,
  valuedCustomerSchema,
} from './valued.schema.ts';
import type { ValuedService } from './valued.service.ts';
import {
  createVoucherSchema,
  issuedVoucherSchema,
  listVouchersQuery,
  lookupVoucherSchema,
  redeemVoucherSchema,
  redemptionSchema,
  voucherSchema,
} from './vouchers.schema.ts';
import type { VoucherService } from './vouchers.service.ts';

const idParams = z.object({ id: z.string().max(100) });

/** Points and tiers, gift vouchers and the most valued list (issue 18). */
export function registerLoyaltyRoutes(
  root: FastifyInstance,
  { loyalty, vouchers, valued }: { loyalty: LoyaltyService; vouchers: VoucherService; valued: ValuedService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const ws = (request: Parameters<typeof actorOf>[0]) => actorOf(request).workspaceId;

  let tags = ['loyalty'];
  app.get(
    '/loyalty/settings',
    { schema: { tags, summary: 'Earn rules and tiers', response: { 200: loyaltySettingsSchema } } },
    async (request) => loyalty.getSettings(ws(request)),
  );
  app.put(
    '/loyalty/settings',
    {
      schema: {
        tags,
        summary:
          'Set the earn rules and tiers (points already earned stay; new orders earn by the new rules)',
        body: loyaltyRulesSchema,
        response: { 200: loyaltySettingsSchema },
      },
    },
    async (request) => loyalty.updateSettings(ws(request), request.body),
  );
  app.post(
    '/loyalty/sync',
    {
      schema: {
        tags,
        summary:
          'Credit every order not yet credited, take back refunds and returns, expire dormant points and move tiers (idempotent; also runs after imports and nightly)',
        response: { 200: syncResultSchema },
      },
    },
    async (request) => loyalty.syncLoyalty(ws(request)),
  );
  app.get(
    '/customers/:id/loyalty',
    {
      schema: {
        tags,
        summary: "A customer's points, tier and ledger (newest first, paged)",
        params: idParams,
        querystring: ledgerQuery,
        response: { 200: customerLoyaltySchema },
      },
    },
    async (request) => loyalty.getLoyalty(ws(request), request.params.id, request.query),
  );
  app.post(
    '/customers/:id/loyalty/redeem',
    {
      schema: {
        tags,
        summary: 'Redeem points (409 POINTS_INSUFFICIENT beyond the balance; the same key redeems once)',
        params: idParams,
        body: redeemPointsSchema,
        response: { 200: customerLoyaltySchema },
      },
    },
    async (request) => loyalty.redeemPoints(ws(request), request.params.id, request.body),
  );

  tags = ['vouchers'];
  app.post(
    '/vouchers',
    {
      schema: {
        tags,
        summary: 'Issue a gift voucher: 201 with its code (shown this once)',
        body: createVoucherSchema,
        response: { 201: issuedVoucherSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await vouchers.issue(ws(request), request.body, actorOf(request))),
  );
  app.get(
    '/vouchers',
    {
      schema: {
        tags,
        summary: 'Vouchers, newest first',
        querystring: listVouchersQuery,
        response: { 200: pageOf(voucherSchema) },
      },
    },
    async (request) => vouchers.list(ws(request), request.query),
  );
  app.post(
    '/vouchers/redeem',
    {
      schema: {
        tags,
        summary:
          'Redeem a code: 200 once (a balance voucher: until it is spent); 409 VOUCHER_USED, _EXPIRED, _VOID or _BALANCE_LOW after',
        body: redeemVoucherSchema,
        response: { 200: redemptionSchema },
      },
    },
    async (request) => vouchers.redeem(ws(request), request.body, actorOf(request)),
  );
  app.post(
    '/vouchers/lookup',
    {
      schema: {
        tags,
        summary: "A code's voucher: what it is worth and what is left (nothing is used)",
        body: lookupVoucherSchema,
        response: { 200: voucherSchema },
      },
    },
    async (request) => vouchers.lookup(ws(request), request.body),
  );
  app.post(
    '/vouchers/:id/void',
    {
      schema: {
        tags,
        summary: 'Cancel a voucher (409 when already used or cancelled)',
        params: idParams,
        response: { 200: voucherSchema },
      },
    },
    async (request) => vouchers.void(ws(request), request.params.id, actorOf(request)),
  );

  tags = ['valued'];
  app.get(
    '/valued',
    {
      schema: {
        tags,
        summary: 'The most valued list: owner, perks, last contact, occasions in the next 30 days, alerts',
        querystring: listValuedQuery,
        response: { 200: z.object({ items: z.array(valuedCustomerSchema) }) },
      },
    },
    async (request) => valued.list(ws(request), request.query),
  );
  app.put(
    '/valued/:id',
    {
      schema: {
        tags,
        summary: 'Put a customer on the list, or change their owner, perks or alert',
        params: idParams,
        body: putValuedSchema,
        response: { 200: valuedCustomerSchema },
      },
    },
    async (request) => valued.put(ws(request), request.params.id, request.body),
  );
  app.delete(
    '/valued/:id',
    {
      schema: {
        tags,
        summary: 'Take a customer off the list',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await valued.remove(ws(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/valued/from-predicted',
    {
      schema: {
        tags,
        summary: 'Add the customers of highest predicted 12-month value not on the list yet',
        body: addFromPredictedSchema,
        response: { 200: z.object({ added: z.number(), considered: z.number() }) },
      },
    },
    async (request) => valued.addFromPredicted(ws(request), request.body),
  );
}
