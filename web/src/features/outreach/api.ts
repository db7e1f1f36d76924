import { useQuery } from '@tanstack/react-query';
import type { components } from '../../lib/api.gen.ts';
import { client, ok, type BodyOf } from '../../lib/api.ts';

/** The shapes of the outreach API (generated from the server's schemas). */
type Schemas = components['schemas'];
export type OutreachSettings = Schemas['OutreachSettings'];
export type SettingsInput = BodyOf<'/api/v1/outreach/settings', 'put'>;
export type MessageChannel = Schemas['MessageChannel'];
export type MessagePurpose = Schemas['MessagePurpose'];
export type Consent = Schemas['Consent'];
export type ConsentInput = BodyOf<'/api/v1/customers/{id}/consents', 'put'>;
export type Suppression = Schemas['Suppression'];
export type SuppressionInput = BodyOf<'/api/v1/suppressions', 'post'>;
export type Template = Schemas['MessageTemplate'];
export type TemplateInput = BodyOf<'/api/v1/message-templates', 'post'>;
export type WhatsAppTemplate = NonNullable<Template['whatsappTemplate']>;
export type Rendered = Schemas['RenderedMessage'];
export type PreviewInput = BodyOf<'/api/v1/messages/preview', 'post'>;
export type SendInput = BodyOf<'/api/v1/customers/{id}/messages', 'post'>;
export type TestInput = BodyOf<'/api/v1/messages/test', 'post'>;
export type Message = Schemas['Message'];
export type MessageStatus = Message['status'];
export type Audience = Schemas['Audience'];
export type AudiencePreview = Schemas['AudiencePreview'];
export type Exclusion = NonNullable<AudiencePreview['examples'][number]['excluded']>;
export type Campaign = Schemas['Campaign'];
export type CampaignInput = BodyOf<'/api/v1/campaigns', 'post'>;
/** The content of a message as the editors hold it (a template, a campaign, one message). */
export type Content = Pick<TemplateInput, 'channel' | 'purpose' | 'subject' | 'body' | 'whatsappTemplate'>;

/** The outreach query keys ('outreach' first). */
export const outreachKeys = {
  all: ['outreach'] as const,
  settings: ['outreach', 'settings'] as const,
  suppressions: ['outreach', 'suppressions'] as const,
  templates: (archived: boolean) => ['outreach', 'templates', archived] as const,
  campaigns: ['outreach', 'campaigns'] as const,
  campaign: (id: string) => ['outreach', 'campaigns', id] as const,
  outcome: (id: string) => ['outreach', 'campaigns', id, 'outcome'] as const,
  campaignMessages: (id: string, status: string) =>
    ['outreach', 'campaigns', id, 'messages', status] as const,
  audience: (a: unknown) => ['outreach', 'audience', a] as const,
  consents: (customerId: string) => ['outreach', 'consents', customerId] as const,
  history: (customerId: string) => ['outreach', 'history', customerId] as const,
  preview: (input: unknown) => ['outreach', 'preview', input] as const,
  message: (id: string) => ['outreach', 'message', id] as const,
};

const one = (id: string) => ({ params: { path: { id } } });

export const outreachApi = {
  settings: () => ok(client.GET('/api/v1/outreach/settings')),
  updateSettings: (body: SettingsInput) => ok(client.PUT('/api/v1/outreach/settings', { body })),

  consents: (customerId: string) => ok(client.GET('/api/v1/customers/{id}/consents', one(customerId))),
  setConsent: (customerId: string, body: ConsentInput) =>
    ok(client.PUT('/api/v1/customers/{id}/consents', { ...one(customerId), body })),

  suppressions: (cursor?: string) =>
    ok(
      client.GET('/api/v1/suppressions', {
        params: { query: { limit: 50, ...(cursor !== undefined && { cursor }) } },
      }),
    ),
  addSuppression: (body: SuppressionInput) => ok(client.POST('/api/v1/suppressions', { body })),
  removeSuppression: (channel: MessageChannel, address: string) =>
    ok(
      client.DELETE('/api/v1/suppressions/{channel}/{address}', {
        params: { path: { channel, address } },
      }),
    ),

  templates: (archived = false) =>
    ok(
      client.GET('/api/v1/message-templates', {
        params: { query: { archived: archived ? 'true' : 'false' } },
      }),
    ),
  createTemplate: (body: TemplateInput) => ok(client.POST('/api/v1/message-templates', { body })),
  updateTemplate: (id: string, body: BodyOf<'/api/v1/message-templates/{id}', 'patch'>) =>
    ok(client.PATCH('/api/v1/message-templates/{id}', { ...one(id), body })),
  preview: (body: PreviewInput) => ok(client.POST('/api/v1/messages/preview', { body })),
  sendTest: (body: TestInput) => ok(client.POST('/api/v1/messages/test', { body })),

  send: (customerId: string, body: SendInput) =>
    ok(client.POST('/api/v1/customers/{id}/messages', { ...one(customerId), body })),
  message: (id: string) => ok(client.GET('/api/v1/messages/{id}', one(id))),
  history: (customerId: string, cursor?: string) =>
    ok(
      client.GET('/api/v1/customers/{id}/messages', {
        params: { path: { id: customerId }, query: { limit: 20, ...(cursor !== undefined && { cursor }) } },
      }),
    ),

  previewAudience: (body: BodyOf<'/api/v1/campaigns/preview', 'post'>) =>
    ok(client.POST('/api/v1/campaigns/preview', { body })),
  campaigns: () => ok(client.GET('/api/v1/campaigns')),
  campaign: (id: string) => ok(client.GET('/api/v1/campaigns/{id}', one(id))),
  outcome: (id: string) => ok(client.GET('/api/v1/campaigns/{id}/outcome', one(id))),
  createCampaign: (body: CampaignInput) => ok(client.POST('/api/v1/campaigns', { body })),
  sendCampaign: (id: string) => ok(client.POST('/api/v1/campaigns/{id}/send', one(id))),
  cancelCampaign: (id: string) => ok(client.POST('/api/v1/campaigns/{id}/cancel', one(id))),
  campaignMessages: (id: string, status: MessageStatus | undefined, cursor?: string) =>
    ok(
      client.GET('/api/v1/campaigns/{id}/messages', {
        params: {
          path: { id },
          query: { limit: 50, ...(status && { status }), ...(cursor !== undefined && { cursor }) },
        },
      }),
    ),
};

export type CampaignOutcome = Awaited<ReturnType<typeof outreachApi.outcome>>;

export const useOutreachSettings = () =>
  useQuery({ queryKey: outreachKeys.settings, queryFn: outreachApi.settings, staleTime: 30_000 });
export const useTemplates = (archived = false) =>
  useQuery({
    queryKey: outreachKeys.templates(archived),
    queryFn: () => outreachApi.templates(archived),
    staleTime: 30_000,
  });
