import { client, ok, type BodyOf } from '../../lib/api.ts';

/** The events API (issue 18): events, invitations, answers, check-in. */
export type EventInput = BodyOf<'/api/v1/events', 'post'>;
export type InviteInput = BodyOf<'/api/v1/events/{id}/invite', 'post'>;

export const eventKeys = {
  all: ['events'] as const,
  list: (when: string) => ['events', 'list', when] as const,
  one: (id: string) => ['events', 'one', id] as const,
  attendees: (id: string, q: string) => ['events', 'attendees', id, q] as const,
};
const one = (id: string) => ({ params: { path: { id } } });

export const eventsApi = {
  list: (when: 'upcoming' | 'past' | 'all') =>
    ok(client.GET('/api/v1/events/list', { params: { query: { when } } })),
  get: (id: string) => ok(client.GET('/api/v1/events/{id}', one(id))),
  create: (body: EventInput) => ok(client.POST('/api/v1/events', { body })),
  cancel: (id: string) => ok(client.POST('/api/v1/events/{id}/cancel', one(id))),
  invite: (id: string, body: InviteInput) =>
    ok(client.POST('/api/v1/events/{id}/invite', { ...one(id), body })),
  attendees: (id: string, q: string) =>
    ok(client.GET('/api/v1/events/{id}/attendees', { params: { path: { id }, query: q ? { q } : {} } })),
  checkIn: (id: string, body: { invitationId?: string; token?: string }) =>
    ok(client.POST('/api/v1/events/{id}/checkin', { ...one(id), body })),
};
export type EventItem = Awaited<ReturnType<typeof eventsApi.get>>;
export type Attendee = Awaited<ReturnType<typeof eventsApi.attendees>>['items'][number];

/** "Saturday 20 June 2027, 19:00" from the event's local YYYY-MM-DDTHH:mm (already in the shop's zone). */
export function localWhen(local: string): string {
  const [d = '', t = ''] = local.split('T');
  const [y, m, day] = d.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 2000, (m ?? 1) - 1, day ?? 1));
  const words = date.toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${words}, ${t}`;
}
export const seatsWords = (e: EventItem) =>
  e.capacity === null ? `${e.seatsTaken} coming` : `${e.seatsTaken} of ${e.capacity} seats taken`;
