import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorRef } from '../../platform/http/actor.ts';
import { actorOf } from '../../platform/http/server.ts';
import type { MappingService } from './mappings.ts';
import { FIELDS } from './presets/fields.ts';

const mappingSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    columns: z
      .record(z.string(), z.string())
      .describe('Each column of the file, by name, to a field id or ignore'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ImportMapping' });
const mappingInput = z.object({
  name: z.string().max(200).describe('Unique in the workspace, e.g. "Shop spreadsheet"'),
  columns: z
    .record(z.string(), z.unknown())
    .describe(
      'Every column of the file, by name, to a field id (GET /api/v1/imports/fields) or "ignore". A file whose header has exactly these columns is read with this mapping',
    ),
});
const idParams = z.object({ id: z.string().max(100) });

/** Saved column mappings: read any spreadsheet by mapping its columns to Rapport fields, once. */
export function registerMappingRoutes(root: FastifyInstance, mappings: MappingService) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['imports'];

  app.get(
    '/imports/fields',
    {
      schema: {
        tags,
        summary:
          'The Rapport fields a column of a generic CSV can be mapped to (or "ignore"): customer, order and line-item fields. A mapping with an order number or an order date imports orders (one row per line item; rows of one order together)',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                label: z.string(),
                names: z.array(z.string()),
                group: z.enum(['customer', 'order', 'line']),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      items: FIELDS.map((f) => ({
        id: f.id,
        label: f.label,
        names: [...f.aliases],
        group: 'group' in f ? f.group : ('customer' as const),
      })),
    }),
  );
  app.get(
    '/imports/mappings',
    {
      schema: {
        tags,
        summary: 'Saved column mappings, by name',
        response: { 200: z.object({ items: z.array(mappingSchema) }) },
      },
    },
    async (request) => ({ items: await mappings.list(actorOf(request).workspaceId) }),
  );
  app.post(
    '/imports/mappings',
    {
      schema: {
        tags,
        summary: 'Save a column mapping under a name (409 when the name is taken)',
        body: mappingInput,
        response: { 201: mappingSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await mappings.create(a.workspaceId, request.body, actorRef(a)));
    },
  );
  app.put(
    '/imports/mappings/:id',
    {
      schema: {
        tags,
        summary: 'Change a saved mapping: its name and columns, given in full',
        params: idParams,
        body: mappingInput,
        response: { 200: mappingSchema },
      },
    },
    async (request) => mappings.update(actorOf(request).workspaceId, request.params.id, request.body),
  );
  app.delete(
    '/imports/mappings/:id',
    {
      schema: {
        tags,
        summary: 'Delete a saved mapping (imports made with it stay)',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await mappings.remove(actorOf(request).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
