import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { exportCsv, type ExportService } from './exports.service.ts';

/** Downloads of everything a workspace holds. Streamed: memory stays flat however many customers there are. */
export function registerExportRoutes(root: FastifyInstance, { exports }: { exports: ExportService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['exports'];
  const day = () => new Date().toISOString().slice(0, 10);

  app.get(
    '/export.json',
    { schema: { tags, summary: 'Everything as one JSON document: customers, orders, interactions' } },
    async (request, reply) => {
      const { workspaceId } = actorOf(request);
      const out = new PassThrough();
      void exports.exportJson(workspaceId, out).then(
        () => out.end(),
        (err: unknown) => out.destroy(err as Error),
      );
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="rapport-${day()}.json"`)
        .send(out);
    },
  );

  app.get(
    '/export/:table.csv',
    {
      schema: {
        tags,
        summary: 'One table as CSV (cells that a spreadsheet would run as a formula are escaped)',
        params: z.object({ table: z.enum(['customers', 'orders', 'interactions']) }),
      },
    },
    async (request, reply) => {
      const { workspaceId } = actorOf(request);
      const { columns, rows } = await exports.csvRows(workspaceId, request.params.table);
      const csv = exportCsv(columns);
      void (async () => {
        for await (const row of rows) if (!csv.write(row)) await new Promise((r) => csv.once('drain', r));
        csv.end();
      })().catch((err: unknown) => csv.destroy(err as Error));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${request.params.table}-${day()}.csv"`)
        .send(csv);
    },
  );
}
