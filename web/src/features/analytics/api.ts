import { useQuery } from '@tanstack/react-query';
import type { components, paths } from '../../lib/api.gen.ts';
import { client, ok } from '../../lib/api.ts';

/** The shapes of the analytics API (generated from the server's schemas); money is in minor units of `currency`. */
type Schemas = components['schemas'];
export type CustomerPrediction = Schemas['CustomerPrediction'];
export type PredictionStatus = CustomerPrediction['status'];
export type PredictionRun = Schemas['PredictionRun'];
export type HoldoutGroup = NonNullable<PredictionRun['diagnostics']['holdout']>['groups'][number];
export type Segments = Schemas['RfmSegments'];
export type Lifecycle = Schemas['LifecycleFunnel'];
export type Cohorts = Schemas['CohortRetention'];
export type Revenue = Schemas['RevenueNewVsReturning'];
export type CustomerList = Schemas['InsightCustomerList'];
export type InsightCustomer = CustomerList['items'][number];
type MembersQuery = NonNullable<paths['/api/v1/analytics/customers']['get']['parameters']['query']>;
/** Whose customers a list shows: one RFM segment or one status. */
export type MembersOf = { segment: string } | { stage: Stage };
/** A customer's status (lifecycle stage). */
export type Stage = NonNullable<MembersQuery['stage']>;

/** The analytics query keys ('analytics' first: a refit invalidates them all). */
export const analyticsKeys = {
  all: ['analytics'] as const,
  prediction: (id: string) => ['analytics', 'prediction', id] as const,
  run: ['analytics', 'run'] as const,
  revenue: ['analytics', 'revenue'] as const,
  lifecycle: ['analytics', 'lifecycle'] as const,
  cohorts: ['analytics', 'cohorts'] as const,
  segments: ['analytics', 'segments'] as const,
  /** A list of customers (at-risk, lapsed, rising), optionally its top n. */
  customers: (list: string, top?: number) =>
    top === undefined ? (['analytics', list] as const) : (['analytics', list, top] as const),
  /** The customers of one segment or status. */
  members: (by: MembersOf) => ['analytics', 'members', by] as const,
};

const page = (limit: number, cursor?: string) => ({
  params: { query: { limit, ...(cursor !== undefined && { cursor }) } },
});

export const analyticsApi = {
  prediction: (id: string) =>
    ok(client.GET('/api/v1/customers/{id}/predictions', { params: { path: { id } } })),
  latestRun: () => ok(client.GET('/api/v1/analytics/runs/latest')),
  refit: () => ok(client.POST('/api/v1/analytics/refit')),
  segments: () => ok(client.GET('/api/v1/analytics/segments')),
  lifecycle: () => ok(client.GET('/api/v1/analytics/lifecycle')),
  cohorts: () => ok(client.GET('/api/v1/analytics/cohorts')),
  revenue: () => ok(client.GET('/api/v1/analytics/revenue')),
  atRisk: (limit = 10, cursor?: string) =>
    ok(client.GET('/api/v1/analytics/customers/at-risk', page(limit, cursor))),
  lapsed: (limit = 10, cursor?: string) =>
    ok(client.GET('/api/v1/analytics/customers/lapsed', page(limit, cursor))),
  /** The customers of one segment (`segment`) or status (`stage`), most at stake first. */
  members: (by: MembersOf, limit = 20, cursor?: string) =>
    ok(
      client.GET('/api/v1/analytics/customers', {
        params: { query: { ...by, limit, ...(cursor !== undefined && { cursor }) } },
      }),
    ),
  rising: (limit = 10, cursor?: string) =>
    ok(client.GET('/api/v1/analytics/customers/rising', page(limit, cursor))),
};

export const usePrediction = (id: string) =>
  useQuery({ queryKey: analyticsKeys.prediction(id), queryFn: () => analyticsApi.prediction(id) });
