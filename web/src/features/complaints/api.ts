import { useQuery } from '@tanstack/react-query';
import type { components, paths } from '../../lib/api.gen.ts';
import { allOf, api, client, ok, type BodyOf } from '../../lib/api.ts';

/** The shapes of the complaints API (generated from the server's schemas); money is in minor units of `currency`. */
type Schemas = components['schemas'];
export type Complaint = Schemas['Complaint'];
export type Severity = Complaint['severity'];
export type ComplaintChannel = Complaint['channel'];
export type SlaState = Complaint['slaState'];
export type ComplaintStatus = Complaint['status'];
export type Timer = Complaint['sla']['firstResponse'];
export type Offer = Schemas['ComplaintOffer'];
export type OfferOption = Offer['options'][number];
export type OfferKind = OfferOption['kind'];
export type ComplaintEvent = Schemas['ComplaintEvent'];
export type ComplaintDetail = Schemas['ComplaintDetail'];
export type ComplaintSummary = Schemas['ComplaintSummary'];
export type Surge = ComplaintSummary['surge'];
export type Learning = Schemas['ComplaintLearning'];
export type Playbook = Schemas['ComplaintPlaybook'];
export type PlaybookStep = Playbook['steps'][number];

export const SEVERITIES = allOf<Severity>()(['low', 'medium', 'high', 'critical']);
export const COMPLAINT_CHANNELS = allOf<ComplaintChannel>()([
  'phone',
  'visit',
  'email',
  'message',
  'sms',
  'whatsapp',
  'social',
  'review',
  'web_form',
  'letter',
  'other',
]);
export const OFFER_KINDS = allOf<OfferKind>()([
  'repair',
  'replace',
  'redo',
  'discount',
  'credit',
  'apology',
  'refund',
  'other',
]);

type ListQuery = NonNullable<paths['/api/v1/complaints']['get']['parameters']['query']>;
/** The orders the queue offers (the API has more). */
export type ComplaintOrder = Extract<NonNullable<ListQuery['order']>, 'valueAtStake' | 'due' | 'severity'>;
export type ComplaintQuery = { order: ComplaintOrder } & Pick<
  ListQuery,
  'ownerId' | 'sla' | 'followUpDue' | 'customerId'
> & { status?: Extract<ListQuery['status'], 'active' | 'all' | 'closed'> | undefined };

export type NewComplaint = BodyOf<'/api/v1/complaints', 'post'>;
export type OfferInput = BodyOf<'/api/v1/complaints/{id}/offer', 'post'>;
export type CustomerOrder = Schemas['Order'];

export type ComplaintSettings = Schemas['ComplaintSettings'];
export type Weekday = keyof ComplaintSettings['businessHours'];
export const WEEKDAYS = allOf<Weekday>()(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Target = ComplaintSettings['targets'][Severity];
export type ComplaintSettingsView = Schemas['ComplaintSettingsView'];
export type SettingsPreview = Schemas['ComplaintSettingsPreview'];

const one = (id: string) => ({ params: { path: { id } } });

export const complaintsApi = {
  list: (q: ComplaintQuery, cursor: string | null, limit = 30) =>
    ok(client.GET('/api/v1/complaints', { params: { query: { ...q, limit, cursor: cursor ?? undefined } } })),
  get: (id: string) => ok(client.GET('/api/v1/complaints/{id}', one(id))),
  create: (body: NewComplaint) => ok(client.POST('/api/v1/complaints', { body })),
  summary: () => ok(client.GET('/api/v1/complaints/summary')),
  learn: (from?: string) => ok(client.GET('/api/v1/complaints/learn', { params: { query: { from } } })),
  playbook: () => ok(client.GET('/api/v1/complaints/playbook')),
  update: (id: string, body: BodyOf<'/api/v1/complaints/{id}', 'patch'>) =>
    ok(client.PATCH('/api/v1/complaints/{id}', { ...one(id), body })),
  transfer: (id: string, body: BodyOf<'/api/v1/complaints/{id}/transfer', 'post'>) =>
    ok(client.POST('/api/v1/complaints/{id}/transfer', { ...one(id), body })),
  respond: (id: string, body: BodyOf<'/api/v1/complaints/{id}/respond', 'post'>) =>
    ok(client.POST('/api/v1/complaints/{id}/respond', { ...one(id), body })),
  offer: (id: string, body: OfferInput) =>
    ok(client.POST('/api/v1/complaints/{id}/offer', { ...one(id), body })),
  resolve: (id: string, body: BodyOf<'/api/v1/complaints/{id}/resolve', 'post'>) =>
    ok(client.POST('/api/v1/complaints/{id}/resolve', { ...one(id), body })),
  close: (id: string, body: BodyOf<'/api/v1/complaints/{id}/close', 'post'>) =>
    ok(client.POST('/api/v1/complaints/{id}/close', { ...one(id), body })),
  reopen: (id: string, body: BodyOf<'/api/v1/complaints/{id}/reopen', 'post'>) =>
    ok(client.POST('/api/v1/complaints/{id}/reopen', { ...one(id), body })),
  followUp: (id: string, body: BodyOf<'/api/v1/complaints/{id}/follow-up', 'post'>) =>
    ok(client.POST('/api/v1/complaints/{id}/follow-up', { ...one(id), body })),
  settings: () => ok(client.GET('/api/v1/complaints/settings')),
  updateSettings: (body: BodyOf<'/api/v1/complaints/settings', 'patch'>) =>
    ok(client.PATCH('/api/v1/complaints/settings', { body })),
  /** Deadlines per severity for an example receipt (local 'YYYY-MM-DDTHH:MM'), under unsaved changes. */
  previewSettings: (body: BodyOf<'/api/v1/complaints/settings/preview', 'post'>) =>
    ok(client.POST('/api/v1/complaints/settings/preview', { body })),
  customerOrders: (customerId: string) =>
    ok(
      client.GET('/api/v1/customers/{id}/orders', {
        params: { path: { id: customerId }, query: { limit: 30 } },
      }),
    ),
};

/** The complaints' query keys ('complaints' first: invalidating it refreshes every list, tile and view). */
export const complaintKeys = {
  all: ['complaints'] as const,
  queue: (q: ComplaintQuery) => ['complaints', 'queue', q] as const,
  summary: ['complaints', 'summary'] as const,
  learn: (days: string) => ['complaints', 'learn', days] as const,
  playbook: ['complaints', 'playbook'] as const,
  settings: ['complaints', 'settings'] as const,
  settingsPreview: (receivedAt: string, settings: unknown) =>
    ['complaints', 'settings-preview', receivedAt, settings] as const,
  detail: (id: string | undefined) => ['complaint', id] as const,
};
/** The workspace's people (the owners complaints and enquiries are given to). */
export const userKeys = { all: ['users'] as const };

export const usePlaybook = () =>
  useQuery({ queryKey: complaintKeys.playbook, queryFn: complaintsApi.playbook, staleTime: Infinity });

/** The workspace's people (owners of complaints and enquiries), enabled ones first. */
export const useUsers = () => useQuery({ queryKey: userKeys.all, queryFn: api.users, staleTime: 60_000 });

export const useComplaintSummary = () =>
  useQuery({
    queryKey: complaintKeys.summary,
    queryFn: complaintsApi.summary,
    refetchInterval: 60_000,
  });
