import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import type { PhoneSystems } from './phones.ts';
import {
  followUpSchema,
  phoneCallSchema,
  phoneSettingsSchema,
  testCallSchema,
  threecxContactSchema,
  threecxCreateSchema,
  threecxJournalSchema,
  updatePhoneSettingsSchema,
} from './phones.schema.ts';

const idParams = z.object({ id: z.string().max(100) });

/** Where this server is reached: RAPPORT_PUBLIC_URL, else the host the request came to. */
export const baseUrlOf = (publicUrl: string | undefined, request: FastifyRequest) =>
  publicUrl ?? `${request.protocol}://${request.host}`;

export function registerPhoneRoutes(
  root: FastifyInstance,
  deps: { phones: PhoneSystems; publicUrl: () => string | undefined },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { phones } = deps;
  const tags = ['phones'];
  const base = (r: FastifyRequest) => baseUrlOf(deps.publicUrl(), r);
  const admin = { scope: 'admin' as const };

  app.get(
    '/phone/settings',
    {
      config: admin,
      schema: {
        tags,
        summary:
          'Phone systems: the URLs to give Twilio, 3CX and Asterisk/FreePBX (the Twilio token is never shown)',
        response: { 200: phoneSettingsSchema },
      },
    },
    async (request) => phones.service.getSettings(actorOf(request).workspaceId, base(request)),
  );
  app.put(
    '/phone/settings',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Set Twilio Voice credentials (stored sealed) and the number calls are forwarded to',
        body: updatePhoneSettingsSchema,
        response: { 200: phoneSettingsSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return phones.service.updateSettings(a.workspaceId, request.body, a, base(request));
    },
  );
  app.get(
    '/phone/calls',
    {
      schema: {
        tags,
        summary: 'Recent calls from the phone systems, newest first: duration, missed, call-back',
        response: { 200: z.object({ items: z.array(phoneCallSchema) }) },
      },
    },
    async (request) => ({ items: await phones.service.listCalls(actorOf(request).workspaceId) }),
  );
  app.post(
    '/phone/test-call',
    {
      config: admin,
      schema: {
        tags,
        summary: "Send a test call down a system's own path (logged, and the card pops on every screen)",
        body: testCallSchema,
        response: { 201: phoneCallSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await phones.testCall(actorOf(request).workspaceId, request.body)),
  );

  // 3CX: what the template's scenarios call (Basic authentication with a Rapport API key as the password)
  app.get(
    '/phone/3cx/template',
    {
      config: admin,
      schema: {
        tags,
        summary:
          "3CX's CRM integration template for this workspace (XML; upload it in 3CX → Settings → CRM Integration)",
      },
    },
    async (request, reply) =>
      reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', 'attachment; filename="rapport-3cx.xml"')
        .send(await phones.threecxTemplate(actorOf(request).workspaceId, base(request))),
  );
  app.get(
    '/phone/3cx/contacts',
    {
      schema: {
        tags,
        summary: '3CX contact lookup by number (an inbound call also pops the card); {} when nobody has it',
        querystring: z.object({
          number: z.string().trim().min(1).max(50),
          direction: z.string().max(30).optional().describe('3CX [CallDirection]'),
        }),
        response: { 200: threecxContactSchema },
      },
    },
    async (request) => phones.threecxLookup(actorOf(request).workspaceId, request.query, base(request)),
  );
  app.post(
    '/phone/3cx/contacts',
    {
      schema: {
        tags,
        summary: '3CX contact creation for an unknown number',
        body: threecxCreateSchema,
        response: { 201: threecxContactSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await phones.threecxCreate(a.workspaceId, request.body, a, base(request)));
    },
  );
  app.post(
    '/phone/3cx/journal',
    {
      schema: {
        tags,
        summary:
          '3CX call journaling: the call with its duration and direction; a missed call waits for a call-back',
        body: threecxJournalSchema,
        response: { 201: phoneCallSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await phones.threecxJournal(actorOf(request).workspaceId, request.body)),
  );

  app.post(
    '/phone-calls/:id/call-back',
    {
      schema: {
        tags,
        summary:
          'A missed call was called back: logged on the timeline, gone from the agenda (409 the second time)',
        params: idParams,
        body: followUpSchema,
        response: { 200: phoneCallSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return phones.service.followUp(a.workspaceId, request.params.id, 'called_back', request.body.note, a);
    },
  );
  app.post(
    '/phone-calls/:id/dismiss',
    {
      schema: {
        tags,
        summary: 'A missed call needs no call-back: gone from the agenda (409 the second time)',
        params: idParams,
        response: { 200: phoneCallSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return phones.service.followUp(a.workspaceId, request.params.id, 'dismissed', undefined, a);
    },
  );
}
