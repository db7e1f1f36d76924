import { useQuery } from '@tanstack/react-query';
import { client, ok, type BodyOf } from '../../lib/api.ts';

/** The retention API (issue 16): defection reasons, NPS, its settings, reviews, valuable customers gone quiet. */
export type RetentionSettingsInput = BodyOf<'/api/v1/retention/settings', 'put'>;
export type ReviewInput = BodyOf<'/api/v1/customers/{id}/reviews', 'post'>;

export const retentionKeys = {
  all: ['retention'] as const,
  settings: ['retention', 'settings'] as const,
  nps: ['retention', 'nps'] as const,
  defection: ['retention', 'defection'] as const,
  notContacted: ['retention', 'not-contacted'] as const,
  reviews: (customerId: string) => ['retention', 'reviews', customerId] as const,
};

const one = (id: string) => ({ params: { path: { id } } });

export const retentionApi = {
  settings: () => ok(client.GET('/api/v1/retention/settings')),
  updateSettings: (body: RetentionSettingsInput) => ok(client.PUT('/api/v1/retention/settings', { body })),
  nps: () => ok(client.GET('/api/v1/retention/nps')),
  defection: () => ok(client.GET('/api/v1/retention/defection-reasons')),
  notContacted: () => ok(client.GET('/api/v1/retention/not-contacted')),
  reviews: (customerId: string) => ok(client.GET('/api/v1/customers/{id}/reviews', one(customerId))),
  addReview: (customerId: string, body: ReviewInput) =>
    ok(client.POST('/api/v1/customers/{id}/reviews', { ...one(customerId), body })),
};

export type RetentionSettings = Awaited<ReturnType<typeof retentionApi.settings>>;
export type NpsReport = Awaited<ReturnType<typeof retentionApi.nps>>;
export type DefectionReport = Awaited<ReturnType<typeof retentionApi.defection>>;
export type Review = Awaited<ReturnType<typeof retentionApi.reviews>>['items'][number];

export const useRetentionSettings = () =>
  useQuery({ queryKey: retentionKeys.settings, queryFn: retentionApi.settings, staleTime: 30_000 });
