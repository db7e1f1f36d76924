import type { components, paths } from '../../lib/api.gen.ts';
import { allOf, client, ok, type BodyOf } from '../../lib/api.ts';

/** The shapes of the enquiries API (generated from the server's schemas); money in minor units of the workspace currency. */
export type Enquiry = components['schemas']['Enquiry'];
export type EnquiryKind = Enquiry['kind'];
export type EnquiryChannel = Enquiry['channel'];
export type EnquiryOutcome = NonNullable<Enquiry['outcome']>;
export type EnquiryState = NonNullable<
  NonNullable<paths['/api/v1/enquiries']['get']['parameters']['query']>['state']
>;
export type NewEnquiry = BodyOf<'/api/v1/enquiries', 'post'>;

export const ENQUIRY_KINDS = allOf<EnquiryKind>()(['question', 'quote', 'booking']);
export const ENQUIRY_CHANNELS = allOf<EnquiryChannel>()([
  'phone',
  'visit',
  'email',
  'message',
  'sms',
  'whatsapp',
  'social',
  'web_form',
  'other',
]);

/** The enquiries' query keys. */
export const enquiryKeys = {
  all: ['enquiries'] as const,
  list: (q: { state: EnquiryState; ownerId?: string | undefined }) => ['enquiries', q] as const,
};

const one = (id: string) => ({ params: { path: { id } } });

export const enquiriesApi = {
  list: (q: { state: EnquiryState; ownerId?: string | undefined }, cursor: string | null) =>
    ok(
      client.GET('/api/v1/enquiries', {
        params: { query: { state: q.state, limit: 30, ownerId: q.ownerId, cursor: cursor ?? undefined } },
      }),
    ),
  create: (body: NewEnquiry) => ok(client.POST('/api/v1/enquiries', { body })),
  respond: (id: string, body: BodyOf<'/api/v1/enquiries/{id}/respond', 'post'>) =>
    ok(client.POST('/api/v1/enquiries/{id}/respond', { ...one(id), body })),
  outcome: (id: string, body: BodyOf<'/api/v1/enquiries/{id}/outcome', 'post'>) =>
    ok(client.POST('/api/v1/enquiries/{id}/outcome', { ...one(id), body })),
  transfer: (id: string, body: BodyOf<'/api/v1/enquiries/{id}/transfer', 'post'>) =>
    ok(client.POST('/api/v1/enquiries/{id}/transfer', { ...one(id), body })),
};
