import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { pageOf } from '../customers/index.ts';
import type { CampaignService } from './campaigns.service.ts';
import {
  addSuppressionSchema,
  audiencePreviewInput,
  audiencePreviewSchema,
  campaignOutcomeSchema,
  campaignSchema,
  channelSchema,
  consentInputSchema,
  consentSchema,
  createCampaignSchema,
  createTemplateSchema,
  listMessagesQuery,
  listSuppressionsQuery,
  messageSchema,
  outreachSettingsSchema,
  previewSchema,
  renderedSchema,
  sendMessageSchema,
  suppressionSchema,
  templateSchema,
  testMessageSchema,
  updateOutreachSettingsSchema,
  updateTemplateSchema,
} from './outreach.schema.ts';
import type { OutreachService } from './outreach.service.ts';
import { MERGE_FIELDS } from './render.ts';
import type { OutreachSettingsService } from './settings.ts';

const idParams = z.object({ id: z.string().max(100) });

export function registerOutreachRoutes(
  root: FastifyInstance,
  deps: { outreach: OutreachService; campaigns: CampaignService; outreachSettings: OutreachSettingsService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { outreach, campaigns, outreachSettings } = deps;
  const tags = ['outreach'];
  const ws = (r: Parameters<typeof actorOf>[0]) => actorOf(r).workspaceId;

  app.get(
    '/outreach/settings',
    {
      schema: {
        tags,
        summary: 'Sending settings: From, quiet hours, rate, providers (credentials are never shown)',
        response: { 200: outreachSettingsSchema },
      },
    },
    async (request) => outreachSettings.getSettings(ws(request)),
  );
  app.put(
    '/outreach/settings',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Change the sending settings; provider credentials are stored encrypted',
        body: updateOutreachSettingsSchema,
        response: { 200: outreachSettingsSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return outreachSettings.updateSettings(a.workspaceId, request.body, `${a.kind}:${a.id}`);
    },
  );

  // consent
  app.get(
    '/customers/:id/consents',
    {
      schema: {
        tags,
        summary: 'Consent per channel and purpose, with source, text shown and proof',
        params: idParams,
        response: { 200: z.object({ items: z.array(consentSchema) }) },
      },
    },
    async (request) => ({ items: await outreach.getConsents(ws(request), request.params.id) }),
  );
  app.put(
    '/customers/:id/consents',
    {
      schema: {
        tags,
        summary:
          'Record consent given or withdrawn for one channel and purpose (on the timeline and in the audit)',
        params: idParams,
        body: consentInputSchema,
        response: { 200: z.object({ items: z.array(consentSchema) }) },
      },
    },
    async (request) => ({
      items: await outreach.setConsent(ws(request), request.params.id, request.body, actorOf(request)),
    }),
  );

  // suppression
  app.get(
    '/suppressions',
    {
      schema: {
        tags,
        summary: 'Addresses and numbers nothing is sent to',
        querystring: listSuppressionsQuery,
        response: { 200: pageOf(suppressionSchema) },
      },
    },
    async (request) => outreach.listSuppressions(ws(request), request.query),
  );
  app.post(
    '/suppressions',
    {
      schema: {
        tags,
        summary: 'Stop everything to an address or number (a spam complaint, a request)',
        body: addSuppressionSchema,
        response: { 201: suppressionSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await outreach.addSuppression(ws(request), request.body, actorOf(request))),
  );
  app.delete(
    '/suppressions/:channel/:address',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary:
          'Take an address off the suppression list (only when the customer asked to hear from you again)',
        params: z.object({ channel: channelSchema, address: z.string().max(254) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await outreach.removeSuppression(
        ws(request),
        request.params.channel,
        request.params.address,
        actorOf(request),
      );
      return reply.code(204).send(null);
    },
  );

  // templates
  app.get(
    '/message-templates',
    {
      schema: {
        tags,
        summary: 'Message templates, and the merge fields they may use',
        querystring: z.object({ archived: z.enum(['true', 'false']).default('false') }),
        response: { 200: pageOf(templateSchema).extend({ mergeFields: z.record(z.string(), z.string()) }) },
      },
    },
    async (request) => ({
      ...(await outreach.listTemplates(ws(request), request.query.archived === 'true')),
      mergeFields: MERGE_FIELDS,
    }),
  );
  app.post(
    '/message-templates',
    {
      schema: {
        tags,
        summary: 'Add a template (Liquid merge fields: {{ customer.first_name | default: "there" }})',
        body: createTemplateSchema,
        response: { 201: templateSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await outreach.createTemplate(ws(request), request.body, actorOf(request))),
  );
  app.patch(
    '/message-templates/:id',
    {
      schema: {
        tags,
        summary: 'Edit a template, or archive it',
        params: idParams,
        body: updateTemplateSchema,
        response: { 200: templateSchema },
      },
    },
    async (request) =>
      outreach.updateTemplate(ws(request), request.params.id, request.body, actorOf(request)),
  );
  app.post(
    '/messages/preview',
    {
      schema: {
        tags,
        summary:
          'A message filled in for one customer, and whether it could be sent to them now (nothing is stored)',
        body: previewSchema,
        response: { 200: renderedSchema },
      },
    },
    async (request) => outreach.preview(ws(request), request.body),
  );
  app.post(
    '/messages/test',
    {
      schema: {
        tags,
        summary: 'Send a test to yourself (your own email when signed in, or "to")',
        body: testMessageSchema,
        response: { 202: messageSchema },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await outreach.sendTest(ws(request), request.body, actorOf(request))),
  );

  // messages
  app.post(
    '/customers/:id/messages',
    {
      schema: {
        tags,
        summary:
          'Send a message to a customer (202: queued; sent by the outbox, after quiet hours if need be); 409 when it cannot go to them',
        params: idParams,
        body: sendMessageSchema,
        response: { 202: messageSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          (await outreach.sendToCustomer(ws(request), request.params.id, request.body, actorOf(request)))
            .message,
        ),
  );
  app.get(
    '/customers/:id/messages',
    {
      schema: {
        tags,
        summary: "A customer's messages, newest first",
        params: idParams,
        querystring: listMessagesQuery,
        response: { 200: pageOf(messageSchema) },
      },
    },
    async (request) => outreach.history(ws(request), request.params.id, request.query),
  );
  app.get(
    '/messages/:id',
    {
      schema: {
        tags,
        summary: 'One message and where it is',
        params: idParams,
        response: { 200: messageSchema },
      },
    },
    async (request) => outreach.getMessage(ws(request), request.params.id),
  );

  // campaigns
  app.post(
    '/campaigns/preview',
    {
      schema: {
        tags,
        summary: 'Who an audience reaches on a channel, and who is left out and why',
        body: audiencePreviewInput,
        response: { 200: audiencePreviewSchema },
      },
    },
    async (request) => campaigns.previewAudience(ws(request), request.body),
  );
  app.get(
    '/campaigns',
    {
      schema: {
        tags,
        summary: 'Campaigns, newest first, with their results',
        response: { 200: pageOf(campaignSchema) },
      },
    },
    async (request) => campaigns.listCampaigns(ws(request)),
  );
  app.post(
    '/campaigns',
    {
      schema: {
        tags,
        summary: 'Prepare a campaign (a draft: nothing is sent until /send)',
        body: createCampaignSchema,
        response: { 201: campaignSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await campaigns.createCampaign(ws(request), request.body, actorOf(request))),
  );
  app.get(
    '/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'A campaign and its results by status',
        params: idParams,
        response: { 200: campaignSchema },
      },
    },
    async (request) => campaigns.getCampaign(ws(request), request.params.id),
  );
  app.get(
    '/campaigns/:id/messages',
    {
      schema: {
        tags,
        summary: "A campaign's messages (filter by status: skipped ones say why)",
        params: idParams,
        querystring: listMessagesQuery,
        response: { 200: pageOf(messageSchema) },
      },
    },
    async (request) => campaigns.campaignMessages(ws(request), request.params.id, request.query),
  );
  app.get(
    '/campaigns/:id/outcome',
    {
      schema: {
        tags,
        summary:
          'Did it work? Returned within 30/60/90 days and revenue, messaged vs the randomised holdout, with 95 % intervals',
        params: idParams,
        response: { 200: campaignOutcomeSchema },
      },
    },
    async (request) => campaigns.outcome(ws(request), request.params.id),
  );
  app.post(
    '/campaigns/:id/send',
    {
      schema: {
        tags,
        summary: 'Send a draft campaign (202; once: again is 409 CAMPAIGN_NOT_DRAFT)',
        params: idParams,
        response: { 202: campaignSchema },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await campaigns.sendCampaign(ws(request), request.params.id, actorOf(request))),
  );
  app.post(
    '/campaigns/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Stop a campaign: what has not gone yet stays unsent',
        params: idParams,
        response: { 200: campaignSchema },
      },
    },
    async (request) => campaigns.cancelCampaign(ws(request), request.params.id, actorOf(request)),
  );
}
