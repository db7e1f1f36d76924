import { useQuery } from '@tanstack/react-query';
import { client, ok, type BodyOf } from '../../lib/api.ts';

/** The occasions API (issue 18): greetings settings, upcoming occasions, a customer's custom dates. */
export type OccasionSettingsInput = BodyOf<'/api/v1/occasions/settings', 'put'>;
export type CustomDateInput = BodyOf<'/api/v1/customers/{id}/occasions', 'post'>;
export const occasionKeys = {
  settings: ['occasions', 'settings'] as const,
  upcoming: ['occasions', 'upcoming'] as const,
  custom: (customerId: string) => ['occasions', 'custom', customerId] as const,
};
const one = (id: string) => ({ params: { path: { id } } });
export const occasionsApi = {
  settings: () => ok(client.GET('/api/v1/occasions/settings')),
  update: (body: OccasionSettingsInput) => ok(client.PUT('/api/v1/occasions/settings', { body })),
  custom: (customerId: string) => ok(client.GET('/api/v1/customers/{id}/occasions', one(customerId))),
  addCustom: (customerId: string, body: CustomDateInput) =>
    ok(client.POST('/api/v1/customers/{id}/occasions', { ...one(customerId), body })),
  removeCustom: (customerId: string, occasionId: string) =>
    ok(
      client.DELETE('/api/v1/customers/{id}/occasions/{occasionId}', {
        params: { path: { id: customerId, occasionId } },
      }),
    ),
  upcoming: () => ok(client.GET('/api/v1/occasions/upcoming', { params: { query: { days: 30 } } })),
};
export type OccasionSettings = Awaited<ReturnType<typeof occasionsApi.settings>>;
export type Upcoming = Awaited<ReturnType<typeof occasionsApi.upcoming>>;
export const useUpcoming = () =>
  useQuery({ queryKey: occasionKeys.upcoming, queryFn: occasionsApi.upcoming, staleTime: 60_000 });
