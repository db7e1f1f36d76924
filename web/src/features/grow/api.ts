import { useQuery } from '@tanstack/react-query';
import type { components } from '../../lib/api.gen.ts';
import { client, ok } from '../../lib/api.ts';

type Schemas = components['schemas'];
export type Suggestions = Schemas['CustomerSuggestions'];
export type Profitability = Schemas['Profitability'];
export type WalletGaps = Schemas['WalletGaps'];
export type Evaluation = Schemas['SuggestionEvaluation'];

/** Keys under 'analytics': a refit invalidates them with the rest. */
export const growKeys = {
  suggestions: (id: string) => ['analytics', 'grow', 'suggestions', id] as const,
  evaluation: ['analytics', 'grow', 'evaluation'] as const,
  profitability: (id?: string) => ['analytics', 'grow', 'profitability', id ?? ''] as const,
  gaps: (id?: string) => ['analytics', 'grow', 'gaps', id ?? ''] as const,
};

export const growApi = {
  suggestions: (id: string) =>
    ok(client.GET('/api/v1/customers/{id}/suggestions', { params: { path: { id } } })),
  evaluation: () => ok(client.GET('/api/v1/analytics/suggestions/evaluation')),
  profitability: (customerId?: string) =>
    ok(
      client.GET('/api/v1/analytics/profitability', { params: { query: customerId ? { customerId } : {} } }),
    ),
  gaps: (customerId?: string, limit = 10) =>
    ok(
      client.GET('/api/v1/analytics/wallet-gaps', {
        params: { query: { limit, ...(customerId && { customerId }) } },
      }),
    ),
  saveSettings: (body: { defaultMargin?: number; complaintMinutes?: number; hourlyRate?: number }) =>
    ok(client.PUT('/api/v1/analytics/profitability/settings', { body })),
};

export const useSuggestions = (id: string) =>
  useQuery({ queryKey: growKeys.suggestions(id), queryFn: () => growApi.suggestions(id) });
