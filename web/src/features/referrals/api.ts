import { client, ok, type BodyOf } from '../../lib/api.ts';

/** The referrals and introductions API (issue 20, H1/H2). */
export type BusinessInput = BodyOf<'/api/v1/customers/{id}/business', 'put'>;
export type IntroductionInput = BodyOf<'/api/v1/introductions', 'post'>;
export const referralKeys = {
  customer: (id: string) => ['referrals', 'customer', id] as const,
  settings: ['referrals', 'settings'] as const,
  leaderboard: (from: string, to: string) => ['referrals', 'leaderboard', from, to] as const,
  business: (id: string) => ['introductions', 'business', id] as const,
  suggestions: ['introductions', 'suggestions'] as const,
  list: ['introductions', 'list'] as const,
  ledger: ['introductions', 'ledger'] as const,
  allIntroductions: ['introductions'] as const,
};
const one = (id: string) => ({ params: { path: { id } } });
export const referralsApi = {
  customer: (id: string) => ok(client.GET('/api/v1/customers/{id}/referrals', one(id))),
  setReferrer: (id: string, referrer: string) =>
    ok(client.POST('/api/v1/customers/{id}/referrer', { ...one(id), body: { referrer } })),
  settings: () => ok(client.GET('/api/v1/referrals/settings')),
  saveSettings: (rewardPoints: number) =>
    ok(client.PUT('/api/v1/referrals/settings', { body: { rewardPoints } })),
  leaderboard: (from: string, to: string) =>
    ok(
      client.GET('/api/v1/referrals/leaderboard', {
        params: { query: { ...(from && { from }), ...(to && { to }), limit: 50 } },
      }),
    ),
  business: (id: string) => ok(client.GET('/api/v1/customers/{id}/business', one(id))),
  saveBusiness: (id: string, body: BusinessInput) =>
    ok(client.PUT('/api/v1/customers/{id}/business', { ...one(id), body })),
  suggestions: () =>
    ok(client.GET('/api/v1/introductions/suggestions', { params: { query: { limit: 50 } } })),
  introductions: () => ok(client.GET('/api/v1/introductions', { params: { query: { limit: 200 } } })),
  ledger: () => ok(client.GET('/api/v1/introductions/ledger')),
  introduce: (body: IntroductionInput) => ok(client.POST('/api/v1/introductions', { body })),
  answer: (id: string, customerId: string, answer: 'yes' | 'no') =>
    ok(client.POST('/api/v1/introductions/{id}/consent', { ...one(id), body: { customerId, answer } })),
  setValue: (id: string, value: number | null) =>
    ok(client.PUT('/api/v1/introductions/{id}/value', { ...one(id), body: { value } })),
};
export type CustomerReferrals = Awaited<ReturnType<typeof referralsApi.customer>>;
export type Introduction = Awaited<ReturnType<typeof referralsApi.introductions>>['items'][number];
