import { useQuery } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';

/** The shapes of src/modules/analytics/analytics.schema.ts; money is in minor units of `currency`. */
export type PredictionStatus = 'ready' | 'descriptive_only' | 'no_purchases' | 'no_run';

export type CustomerPrediction = {
  customerId: string;
  status: PredictionStatus;
  reason: string | null;
  runId: string | null;
  asOf: string | null;
  model: string | null;
  currency: string;
  purchases: number | null;
  totalSpent: number | null;
  firstPurchaseOn: string | null;
  lastPurchaseOn: string | null;
  pAlive: number | null;
  expectedPurchases: { days30: number; days90: number; days365: number } | null;
  pBuyWithin: { days30: number; days90: number } | null;
  expectedNextPurchaseOn: string | null;
  expectedSpend: number | null;
  clv12m: number | null;
  valueAtStake: number | null;
  rfm: { r: number; f: number; m: number; segment: string } | null;
  lifecycleStage: string | null;
  trend: 'rising' | 'flat' | 'falling' | null;
  overdueDays: number | null;
  explanation: string | null;
};

type RunRef = {
  runId: string | null;
  asOf: string | null;
  status: 'done' | 'insufficient_data' | null;
  currency: string;
};

export type HoldoutGroup = { purchases: string; customers: number; actual: number; predicted: number };

export type PredictionRun = {
  id: string;
  status: 'running' | 'done' | 'insufficient_data' | 'failed';
  trigger: string;
  model: string;
  asOf: string;
  currency: string;
  customers: number;
  diagnostics: { holdout?: { holdoutDays?: number; groups?: HoldoutGroup[] } } & Record<string, unknown>;
  reason: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
};

export type Segments = RunRef & {
  segments: {
    segment: string;
    customers: number;
    totalSpent: number;
    clv12m: number | null;
    averageSpent: number;
  }[];
};
export type Lifecycle = RunRef & {
  stages: { stage: string; customers: number; totalSpent: number }[];
  funnel: { step: 'new' | 'repeat' | 'loyal'; minPurchases: number; customers: number }[];
};
export type Cohorts = RunRef & { cohorts: { cohort: string; customers: number; retention: number[] }[] };
export type Revenue = RunRef & {
  months: {
    month: string;
    newRevenue: number;
    returningRevenue: number;
    newCustomers: number;
    returningCustomers: number;
    partial: boolean;
    daysCovered: number;
    daysInMonth: number;
  }[];
  sameDaysLastMonth: { month: string; days: number; revenue: number } | null;
};
export type InsightCustomer = {
  customerId: string;
  name: string;
  lifecycleStage: string;
  segment: string;
  trend: string;
  trendSlope: number;
  pAlive: number | null;
  clv12m: number | null;
  valueAtStake: number;
  totalSpent: number;
  lastPurchaseOn: string;
  overdueDays: number;
  expectedPurchases365: number | null;
  explanation: string;
};
export type CustomerList = RunRef & {
  items: InsightCustomer[];
  total: number | null;
  nextCursor: string | null;
};

const A = '/api/v1/analytics';
const page = (limit: number, cursor?: string) =>
  `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;

export const analyticsApi = {
  prediction: (id: string) =>
    request<CustomerPrediction>('GET', `/api/v1/customers/${encodeURIComponent(id)}/predictions`),
  latestRun: () => request<PredictionRun>('GET', `${A}/runs/latest`),
  refit: () => request<{ jobId: string; status: string; runAt: string }>('POST', `${A}/refit`),
  segments: () => request<Segments>('GET', `${A}/segments`),
  lifecycle: () => request<Lifecycle>('GET', `${A}/lifecycle`),
  cohorts: () => request<Cohorts>('GET', `${A}/cohorts`),
  revenue: () => request<Revenue>('GET', `${A}/revenue`),
  atRisk: (limit = 10, cursor?: string) =>
    request<CustomerList>('GET', `${A}/customers/at-risk?${page(limit, cursor)}`),
  lapsed: (limit = 10, cursor?: string) =>
    request<CustomerList>('GET', `${A}/customers/lapsed?${page(limit, cursor)}`),
  /** The customers of one segment (`segment`) or status (`stage`), most at stake first. */
  members: (by: { segment: string } | { stage: string }, limit = 20, cursor?: string) =>
    request<CustomerList>(
      'GET',
      `${A}/customers?${new URLSearchParams(by).toString()}&${page(limit, cursor)}`,
    ),
  rising: (limit = 10, cursor?: string) =>
    request<CustomerList>('GET', `${A}/customers/rising?${page(limit, cursor)}`),
};

export const usePrediction = (id: string) =>
  useQuery({ queryKey: ['analytics', 'prediction', id], queryFn: () => analyticsApi.prediction(id) });
