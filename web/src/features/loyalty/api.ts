import { useQuery } from '@tanstack/react-query';
import { client, ok, type Answer, type BodyOf } from '../../lib/api.ts';

/** The shapes of the loyalty, vouchers and most valued API (generated from the server's schemas). */
export type CustomerLoyalty = Answer<'/api/v1/customers/{id}/loyalty', 'get'>;
export type LoyaltyEntry = CustomerLoyalty['entries'][number];
export type LoyaltySettings = Answer<'/api/v1/loyalty/settings', 'get'>;
export type LoyaltyRules = BodyOf<'/api/v1/loyalty/settings', 'put'>;
export type Voucher = Answer<'/api/v1/vouchers/lookup', 'post'>;
export type IssuedVoucher = Answer<'/api/v1/vouchers', 'post'>;
export type VoucherInput = BodyOf<'/api/v1/vouchers', 'post'>;
export type ValuedCustomer = Answer<'/api/v1/valued', 'get'>['items'][number];

const one = (id: string) => ({ params: { path: { id } } });

export const loyaltyApi = {
  settings: () => ok(client.GET('/api/v1/loyalty/settings')),
  saveSettings: (body: LoyaltyRules) => ok(client.PUT('/api/v1/loyalty/settings', { body })),
  sync: () => ok(client.POST('/api/v1/loyalty/sync')),
  customer: (id: string, cursor?: string) =>
    ok(
      client.GET('/api/v1/customers/{id}/loyalty', {
        params: { path: { id }, query: { limit: 10, ...(cursor && { cursor }) } },
      }),
    ),
  redeem: (id: string, points: number) =>
    ok(client.POST('/api/v1/customers/{id}/loyalty/redeem', { ...one(id), body: { points } })),
  issueVoucher: (body: VoucherInput) => ok(client.POST('/api/v1/vouchers', { body })),
  vouchers: () => ok(client.GET('/api/v1/vouchers', { params: { query: { limit: 100 } } })),
  lookupVoucher: (code: string) => ok(client.POST('/api/v1/vouchers/lookup', { body: { code } })),
  redeemVoucher: (code: string, amount?: number) =>
    ok(client.POST('/api/v1/vouchers/redeem', { body: { code, ...(amount && { amount }) } })),
  voidVoucher: (id: string) => ok(client.POST('/api/v1/vouchers/{id}/void', one(id))),
  valued: () => ok(client.GET('/api/v1/valued')),
  putValued: (id: string, body: BodyOf<'/api/v1/valued/{id}', 'put'>) =>
    ok(client.PUT('/api/v1/valued/{id}', { ...one(id), body })),
  removeValued: (id: string) => ok(client.DELETE('/api/v1/valued/{id}', one(id))),
  addFromPredicted: (count: number) => ok(client.POST('/api/v1/valued/from-predicted', { body: { count } })),
};

export const loyaltyKeys = {
  customer: (id: string) => ['loyalty', id] as const,
  settings: ['loyalty-settings'] as const,
  vouchers: ['vouchers'] as const,
  valued: ['valued'] as const,
};
export const useCustomerLoyalty = (id: string | null | undefined) =>
  useQuery({
    queryKey: loyaltyKeys.customer(id ?? ''),
    queryFn: () => loyaltyApi.customer(id ?? ''),
    enabled: !!id,
  });
export const useLoyaltySettings = () =>
  useQuery({ queryKey: loyaltyKeys.settings, queryFn: loyaltyApi.settings, staleTime: 60_000 });

export const REASON_WORDS: Record<LoyaltyEntry['reason'], string> = {
  earn: 'Earned',
  refund: 'Refund',
  return: 'Return',
  redeem: 'Redeemed',
  expire: 'Expired',
  signup: 'Sign-up bonus',
};
