import { client, ok, type Answer, type BodyOf } from '../../lib/api.ts';

/** Webhooks (issue 19): endpoints, their delivery log and dead letters, rotation and a test send. */
export type Webhook = Answer<'/api/v1/webhooks/{id}', 'get'>;
export type WebhookEvent = Webhook['events'][number];
export type Delivery = Answer<'/api/v1/webhooks/{id}/deliveries', 'get'>['items'][number];
export type WebhookInput = BodyOf<'/api/v1/webhooks', 'post'>;
export type WebhookPatch = BodyOf<'/api/v1/webhooks/{id}', 'patch'>;

export const webhookKeys = {
  all: ['webhooks'] as const,
  events: ['webhooks', 'events'] as const,
  deliveries: (id: string, status: string) => ['webhooks', 'deliveries', id, status] as const,
};
const one = (id: string) => ({ params: { path: { id } } });
export const webhooksApi = {
  events: () => ok(client.GET('/api/v1/webhooks/events')),
  list: () => ok(client.GET('/api/v1/webhooks')),
  create: (body: WebhookInput) => ok(client.POST('/api/v1/webhooks', { body })),
  update: (id: string, body: WebhookPatch) => ok(client.PATCH('/api/v1/webhooks/{id}', { ...one(id), body })),
  remove: (id: string) => ok(client.DELETE('/api/v1/webhooks/{id}', one(id))),
  rotate: (id: string) => ok(client.POST('/api/v1/webhooks/{id}/rotate', one(id))),
  test: (id: string) => ok(client.POST('/api/v1/webhooks/{id}/test', one(id))),
  deliveries: (id: string, status?: 'failed') =>
    ok(
      client.GET('/api/v1/webhooks/{id}/deliveries', {
        params: { path: { id }, query: { limit: 50, ...(status && { status }) } },
      }),
    ),
  replay: (id: string, deliveryId: string) =>
    ok(
      client.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay', {
        params: { path: { id, deliveryId } },
      }),
    ),
};

/** "customer.created" → "Customer created"; grouped by what they are about. */
export const eventLabel = (e: string) => {
  const [what = '', verb = ''] = e.split('.');
  return `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} ${verb.replace(/_/g, ' ')}`;
};
export function groupEvents(events: readonly string[]) {
  const groups = new Map<string, string[]>();
  for (const e of events) {
    const k = e.split('.')[0] ?? e;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  return [...groups];
}
