import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorRef } from '../../platform/http/actor.ts';
import { actorOf } from '../../platform/http/server.ts';
import {
  createCustomerSchema,
  customerPairSchema,
  customerSchema,
  customerSummarySchema,
  duplicateDismissalSchema,
  listCustomersQuery,
  pageOf,
  updateCustomerSchema,
} from './customers.schema.ts';
import type { CustomerService } from './customers.service.ts';

export const customerIdParams = z.object({ id: z.string().max(100) });

export function registerCustomerRoutes(root: FastifyInstance, { customers }: { customers: CustomerService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['customers'];

  app.get(
    '/customers',
    {
      schema: {
        tags,
        summary: 'List or search customers',
        querystring: listCustomersQuery,
        response: { 200: pageOf(customerSummarySchema) },
      },
    },
    async (request) => customers.listCustomers(actorOf(request).workspaceId, request.query),
  );
  app.post(
    '/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer (person or business)',
        body: createCustomerSchema,
        response: { 201: customerSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await customers.createCustomer(a.workspaceId, request.body, actorRef(a)));
    },
  );
  app.get(
    '/customers/duplicates',
    {
      schema: {
        tags,
        summary:
          'Likely duplicates: pairs sharing a phone or an email, or with the same name (most reasons first); pairs dismissed as different people are left out',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                customers: z.array(customerSummarySchema),
                reasons: z.array(z.object({ reason: z.string(), value: z.string() })),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: await customers.findDuplicates(actorOf(request).workspaceId, request.query.limit),
    }),
  );
  app.get(
    '/customers/duplicates/dismissals',
    {
      schema: {
        tags,
        summary: 'Pairs said to be different people (never suggested as duplicates), newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(duplicateDismissalSchema) }) },
      },
    },
    async (request) => ({
      items: await customers.listDuplicateDismissals(actorOf(request).workspaceId, request.query.limit),
    }),
  );
  app.post(
    '/customers/duplicates/dismissals',
    {
      schema: {
        tags,
        summary:
          'Not duplicates: these two are different people; the pair (in either order) is never suggested again. 201 the first time, 200 when already dismissed',
        body: customerPairSchema,
        response: { 201: duplicateDismissalSchema, 200: duplicateDismissalSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      const { created, ...d } = await customers.dismissDuplicate(
        a.workspaceId,
        request.body.customerIds,
        actorRef(a),
      );
      return reply.code(created ? 201 : 200).send(d);
    },
  );
  app.delete(
    '/customers/duplicates/dismissals/:a/:b',
    {
      schema: {
        tags,
        summary: 'Undo "not duplicates": the pair (ids in either order) may be suggested again',
        params: z.object({ a: z.string().max(100), b: z.string().max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      await customers.undoDuplicateDismissal(
        a.workspaceId,
        [request.params.a, request.params.b],
        actorRef(a),
      );
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/customers/:id/merge',
    {
      schema: {
        tags,
        summary:
          'Merge another customer into this one; every phone, email, tag, timeline item and order of both is kept',
        params: customerIdParams,
        body: z.object({ otherId: z.string().max(100) }),
        response: { 200: customerSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return customers.mergeCustomers(a.workspaceId, request.params.id, request.body.otherId, actorRef(a));
    },
  );
  app.get(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'A customer, whole',
        params: customerIdParams,
        response: { 200: customerSchema },
      },
    },
    async (request) => customers.getCustomerOrThrow(actorOf(request).workspaceId, request.params.id),
  );
  app.patch(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Change a customer; arrays given (phones, emails, tags) replace the old ones',
        params: customerIdParams,
        body: updateCustomerSchema,
        response: { 200: customerSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return customers.updateCustomer(a.workspaceId, request.params.id, request.body, actorRef(a));
    },
  );
  app.delete(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Delete a customer and their timeline',
        params: customerIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      await customers.deleteCustomer(a.workspaceId, request.params.id, actorRef(a));
      return reply.code(204).send(null);
    },
  );
}
