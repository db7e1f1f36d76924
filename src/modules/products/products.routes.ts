import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { pageOf } from '../customers/index.ts';
import { orderSchema } from '../orders/index.ts';
import {
  createProductSchema,
  importProductsResultSchema,
  importProductsSchema,
  listProductsQuery,
  productSchema,
  saleSchema,
  updateProductSchema,
} from './products.schema.ts';
import type { ProductService } from './products.service.ts';
import type { SaleService } from './sales.service.ts';

const idParams = z.object({ id: z.string().max(100) });

export function registerProductRoutes(
  root: FastifyInstance,
  { products, sales }: { products: ProductService; sales: SaleService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['products'];

  app.get(
    '/products',
    {
      schema: {
        tags,
        summary: 'The product list, by name (archived ones left out unless asked)',
        querystring: listProductsQuery,
        response: { 200: pageOf(productSchema) },
      },
    },
    async (request) => products.listProducts(actorOf(request).workspaceId, request.query),
  );
  app.post(
    '/products',
    {
      schema: {
        tags,
        summary: 'Add a product (409 PRODUCT_NAME_TAKEN when the name is on the list)',
        body: createProductSchema,
        response: { 201: productSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await products.createProduct(a.workspaceId, request.body, a));
    },
  );
  app.patch(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'Edit a product, or archive it ({"archived": true}) and bring it back',
        params: idParams,
        body: updateProductSchema,
        response: { 200: productSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return products.updateProduct(a.workspaceId, request.params.id, request.body, a);
    },
  );
  app.post(
    '/products/import',
    {
      schema: {
        tags,
        summary: 'Add or update products from a CSV (name,price,category,cost); refused rows listed by line',
        body: importProductsSchema,
        response: { 200: importProductsResultSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return products.importProducts(a.workspaceId, request.body, a);
    },
  );
  app.post(
    '/sales',
    {
      schema: {
        tags: ['orders'],
        summary:
          'Record a sale at the counter (an order with channel "counter"), for a customer or a walk-in; 201, or 200 with the stored sale when its key was already used',
        body: saleSchema,
        response: { 200: orderSchema, 201: orderSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      const { order, created } = await sales.recordSale(a.workspaceId, request.body, a);
      return reply.code(created ? 201 : 200).send(order);
    },
  );
}
