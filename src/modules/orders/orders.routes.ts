import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { customerIdParams, pageOf } from '../customers/index.ts';
import { purchaseSummarySchema } from '../timeline/index.ts';
import {
  createOrderSchema,
  customerTotalsSchema,
  listOrdersQuery,
  orderSchema,
  refundSchema,
} from './orders.schema.ts';
import type { OrderService } from './orders.service.ts';

const idParams = z.object({ id: z.string().max(100) });

export function registerOrderRoutes(root: FastifyInstance, { orders }: { orders: OrderService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['orders'];

  app.get(
    '/orders',
    {
      schema: {
        tags,
        summary: 'Orders, newest first',
        querystring: listOrdersQuery,
        response: { 200: pageOf(orderSchema) },
      },
    },
    async (request) => orders.listOrders(actorOf(request).workspaceId, request.query),
  );
  app.post(
    '/orders',
    {
      schema: {
        tags,
        summary:
          'Record an order (201); with externalSource + externalId, the same order again answers 200 with the stored one',
        body: createOrderSchema,
        response: { 200: orderSchema, 201: orderSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      const { order, created } = await orders.createOrder(a.workspaceId, request.body, a);
      return reply.code(created ? 201 : 200).send(order);
    },
  );
  app.get(
    '/orders/:id',
    {
      schema: {
        tags,
        summary: 'An order with its lines and refunds',
        params: idParams,
        response: { 200: orderSchema },
      },
    },
    async (request) => orders.getOrderOrThrow(actorOf(request).workspaceId, request.params.id),
  );
  app.post(
    '/orders/:id/refunds',
    {
      schema: {
        tags,
        summary: 'Refund or return part or all of an order, with the reason',
        params: idParams,
        body: refundSchema,
        response: { 201: orderSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply
        .code(201)
        .send(await orders.refundOrder(a.workspaceId, request.params.id, request.body, a));
    },
  );
  app.get(
    '/customers/:id/orders',
    {
      schema: {
        tags,
        summary: "A customer's orders, newest first",
        params: customerIdParams,
        querystring: listOrdersQuery.omit({ customerId: true }),
        response: { 200: pageOf(orderSchema) },
      },
    },
    async (request) =>
      orders.listOrders(actorOf(request).workspaceId, { ...request.query, customerId: request.params.id }),
  );
  app.get(
    '/customers/:id/purchases',
    {
      schema: {
        tags,
        summary: 'Order count, spend to date, first and last purchase',
        params: customerIdParams,
        response: { 200: purchaseSummarySchema },
      },
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      return orders.getPurchaseSummary(workspaceId, request.params.id);
    },
  );
  app.get(
    '/customers/:id/totals',
    {
      schema: {
        tags,
        summary: 'Orders, spend to date, average order, first and last purchase, and customer since',
        params: customerIdParams,
        response: { 200: customerTotalsSchema },
      },
    },
    async (request) => orders.getCustomerTotals(actorOf(request).workspaceId, request.params.id),
  );
}
