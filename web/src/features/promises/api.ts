import { useQuery } from '@tanstack/react-query';
import { client, ok, type BodyOf } from '../../lib/api.ts';
import type { components } from '../../lib/api.gen.ts';

/** Promises, the agenda and the calendar feed (issue 17). */
export type PromiseInput = BodyOf<'/api/v1/promises', 'post'>;
export type PromiseOut = components['schemas']['Promise'];
export type Agenda = components['schemas']['Agenda'];
export type AgendaItem = components['schemas']['AgendaItem'];

export const promiseKeys = {
  all: ['promises'] as const,
  customer: (id: string) => ['promises', 'customer', id] as const,
  agenda: ['promises', 'agenda'] as const,
  feed: ['promises', 'calendar-feed'] as const,
};

const one = (id: string) => ({ params: { path: { id } } });

export const promisesApi = {
  create: (body: PromiseInput) => ok(client.POST('/api/v1/promises', { body })),
  forCustomer: (customerId: string) =>
    ok(client.GET('/api/v1/promises', { params: { query: { customerId, status: 'open' } } })),
  keep: (id: string) => ok(client.POST('/api/v1/promises/{id}/keep', { ...one(id), body: {} })),
  lateNotice: (id: string) => ok(client.POST('/api/v1/promises/{id}/late-notice', { ...one(id), body: {} })),
  agenda: () => ok(client.GET('/api/v1/agenda')),
  snooze: (body: BodyOf<'/api/v1/agenda/snoozes', 'post'>) =>
    ok(client.POST('/api/v1/agenda/snoozes', { body })),
  feed: () => ok(client.GET('/api/v1/calendar-feed')),
  makeFeed: () => ok(client.POST('/api/v1/calendar-feed')),
  revokeFeed: () => ok(client.DELETE('/api/v1/calendar-feed')),
};

export const useCustomerPromises = (customerId: string) =>
  useQuery({
    queryKey: promiseKeys.customer(customerId),
    queryFn: () => promisesApi.forCustomer(customerId),
  });
export const useAgenda = () =>
  useQuery({
    queryKey: promiseKeys.agenda,
    queryFn: promisesApi.agenda,
    staleTime: 30_000,
    refetchInterval: 300_000,
  });
