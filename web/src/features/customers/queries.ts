import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type CustomerQuery } from '../../lib/api.ts';
import type { Customer } from '../../lib/api.ts';

/** The customers' query keys: reads and cache updates name a query the same way through these. */
export const customerKeys = {
  lists: ['customers'] as const,
  list: (q: Omit<CustomerQuery, 'cursor'>) => ['customers', q] as const,
  details: ['customer'] as const,
  detail: (id: string | null | undefined) => ['customer', id] as const,
  timeline: (id: string | null | undefined) => ['timeline', id] as const,
  /** The caller's timeline before this call (the caller popup). */
  timelineBefore: (interactionId: string) => ['timeline-before', interactionId] as const,
  businesses: (q: string) => ['businesses', q] as const,
  /** The customers a picker offers for a query. */
  pick: (q: string) => ['customer-pick', q] as const,
  orders: (id: string) => ['customer-orders', id] as const,
};

export function useCustomerList(q: Omit<CustomerQuery, 'cursor'>) {
  return useInfiniteQuery({
    queryKey: customerKeys.list(q),
    queryFn: ({ pageParam }) => api.customers({ ...q, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(id: string) {
  return useQuery({ queryKey: customerKeys.detail(id), queryFn: () => api.customer(id) });
}

/**
 * Names of the customers' own fields seen in this session (customers opened so far), most used first:
 * suggestions for the form. The API has no workspace-wide list of field names.
 */
export function useKnownCustomFieldNames(): string[] {
  const qc = useQueryClient();
  const counts = new Map<string, number>();
  for (const [, c] of qc.getQueriesData<Customer>({ queryKey: customerKeys.details }))
    for (const name of Object.keys(c?.customFields ?? {})) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

export function useTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: customerKeys.timeline(id),
    queryFn: ({ pageParam }) => api.timeline(id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Customers viewed on this device, newest first (the home page's "recent customers"). */
const RECENT_KEY = 'rapport.recent';
export type RecentCustomer = { id: string; name: string; kind: string };
export function rememberViewed(c: RecentCustomer) {
  try {
    const list = readRecent().filter((r) => r.id !== c.id);
    localStorage.setItem(RECENT_KEY, JSON.stringify([c, ...list].slice(0, 8)));
  } catch {
    // private mode: no memory, no harm
  }
}
export function readRecent(): RecentCustomer[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as RecentCustomer[]) : [];
  } catch {
    return [];
  }
}
