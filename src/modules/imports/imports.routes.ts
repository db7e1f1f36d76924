import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newId } from '../../platform/db/ids.ts';
import { AppError, badInput } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/server.ts';
import { moneyCurrency } from '../../platform/values.ts';
import type { ImportOptions, ImportResult } from './imports.service.ts';
import type { ImportService } from './imports.service.ts';
import { isExportJson } from './json.ts';
import { PRESETS } from './presets/index.ts';
import { fileNotTextReason } from './read.ts';
import { registerMappingRoutes } from './mappings.routes.ts';

/** Largest upload accepted (the importer streams, so this guards the disk rather than memory). */
const MAX_UPLOAD = 2 * 1024 ** 3;
const UPLOAD_TYPES = [
  'text/csv',
  'text/plain',
  'text/vcard',
  'text/x-vcard',
  'text/tab-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

/** A customer as a file gives it (records.ts ImportedCustomer); loose: a preset may add fields. */
const sampleCustomerSchema = z.looseObject({
  kind: z.enum(['person', 'business']).optional(),
  externalId: z.string().optional(),
  name: z.string().optional(),
  company: z.string().optional(),
  jobTitle: z.string().optional(),
  phones: z.array(
    z.object({ number: z.string(), label: z.string().optional(), e164: z.string().optional() }),
  ),
  emails: z.array(z.object({ address: z.string(), label: z.string().optional() })),
  address: z.record(z.string(), z.string().optional()).optional(),
  birthday: z.string().optional(),
  anniversary: z.string().optional(),
  tags: z.array(z.string()),
  needs: z.string().optional(),
  marketingConsent: z.boolean().optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
});
/** One record of a preview (records.ts ImportRecord): a customer, an order with its buyer, or a rejected row. */
const sampleRecordSchema = z.union([
  z.object({
    line: z.number(),
    index: z.number(),
    customer: sampleCustomerSchema,
    warnings: z.array(z.string()).optional(),
  }),
  z.object({
    line: z.number(),
    index: z.number(),
    order: z.looseObject({
      externalId: z.string(),
      number: z.string().optional(),
      placedAt: z.string(),
      currency: z.string(),
      status: z.string().optional(),
      lines: z.array(z.looseObject({ name: z.string(), quantity: z.number(), unitPrice: z.number() })),
      isReturn: z.boolean().optional().describe('A return or cancellation: recorded with negative amounts'),
      customer: sampleCustomerSchema.nullable().describe('null: a walk-in sale, nobody on record'),
    }),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({
    line: z.number(),
    index: z.number(),
    interaction: z.looseObject({
      externalId: z.string(),
      kind: z.string(),
      occurredAt: z.string(),
      body: z.string().optional(),
      customer: sampleCustomerSchema
        .nullable()
        .describe('null: an entry on nobody (a call from an unknown number)'),
      skip: z.string().optional().describe('Why it is left out (an order’s entry comes with the order)'),
    }),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({ line: z.number(), index: z.number(), error: z.string() }),
]);

const countsSchema = z.object({
  customers: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
  orders: z.object({
    created: z.number(),
    unchanged: z.number(),
    walkIn: z.number().optional().describe('Of those, sales without a customer (walk-in)'),
  }),
  interactions: z
    .object({ created: z.number(), unchanged: z.number(), skipped: z.number().optional() })
    .optional()
    .describe("Timeline entries (Rapport's export); skipped: orders' entries, which come with the orders"),
  rejected: z.number(),
  warnings: z.number(),
  matched: z
    .object({ externalId: z.number(), email: z.number(), phone: z.number(), doubtful: z.number() })
    .optional()
    .describe(
      'Rows joined to customers already stored, by why; each email or phone match (and every doubtful one) is in the report',
    ),
});
const datesSchema = z
  .object({
    order: z.enum(['dmy', 'mdy']).describe('dmy: 12/05/1990 is 12 May; mdy: 5 December'),
    decidedBy: z
      .enum(['choice', 'file', 'region'])
      .describe(
        "choice: the dateOrder asked for; file: a value over 12 settled it; region: the workspace's region",
      ),
  })
  .describe('How numeric dates were read; switch with the dateOrder parameter');
const runSchema = z
  .object({
    id: z.string(),
    fileName: z.string(),
    fileBytes: z.number(),
    preset: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    recordsDone: z.number(),
    bytesDone: z.number(),
    counts: countsSchema,
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'ImportRun' });
const uploadQuery = z.object({
  preset: z
    .enum(PRESETS.map((p) => p.id) as [string, ...string[]])
    .optional()
    .describe('Default: detected from the header row'),
  currency: moneyCurrency.optional(),
  mapping: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'A saved column mapping (id or name) to read a CSV with; default: one saved for exactly these columns',
    ),
  columns: z
    .string()
    .max(100_000)
    .optional()
    .describe(
      'A column mapping for this file, as JSON: {"column name": "field" | "ignore"} (fields: GET /api/v1/imports/fields). Columns are matched by name, never by position',
    ),
  dateOrder: z
    .enum(['dmy', 'mdy'])
    .optional()
    .describe(
      'How to read numeric dates such as 12/05/1990: dmy (12 May) or mdy (5 December). Default: decided by the file (a value over 12 settles it), else by the workspace region (US: mdy; elsewhere dmy)',
    ),
  fileName: z.string().max(300).optional(),
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: check everything and answer the counts; nothing is saved'),
});

/** The layout parameters of a query: preset, saved mapping, or the columns given as JSON. */
function layoutOf(q: {
  preset?: string | undefined;
  mapping?: string | undefined;
  columns?: string | undefined;
}) {
  let columns: Record<string, string> | undefined;
  if (q.columns !== undefined) {
    try {
      columns = JSON.parse(q.columns) as Record<string, string>;
    } catch {
      throw badInput(
        'MAPPING_INVALID_JSON',
        'columns must be JSON: {"column name": "field" | "ignore"}',
        '/querystring/columns',
      );
    }
  }
  return {
    ...(q.preset !== undefined && { preset: q.preset }),
    ...(q.mapping !== undefined && { mapping: q.mapping }),
    ...(columns !== undefined && { columns }),
  };
}

export type StartImport = (
  o: Omit<ImportOptions, 'onProgress' | 'onStarted'>,
  onStarted: (runId: string | null) => void,
) => Promise<ImportResult>;

/**
 * A preview needs only the start of a file (it reads at most its first 2 MB): it keeps the first 4 MB of the
 * body and answers without waiting for the rest, which Node reads and drops after the answer.
 */
const PREVIEW_KEEP = 4 * 1024 * 1024;

const notAFile = () =>
  new AppError(
    'IMPORT_NOT_A_FILE',
    `Send the file itself as the body, with content-type ${UPLOAD_TYPES.slice(0, 3).join(', ')} application/json (Rapport's export.json) or application/octet-stream`,
    415,
  );

/** Write the request body to a file, refusing more than MAX_UPLOAD bytes. */
async function saveUpload(body: unknown, file: string) {
  if (!(body instanceof Readable)) throw notAFile();
  let n = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _e, cb) {
      n += chunk.length;
      cb(
        n > MAX_UPLOAD ? new AppError('IMPORT_TOO_LARGE', 'The file is larger than 2 GB', 413) : null,
        chunk,
      );
    },
  });
  // Uploads hold customers' details: a folder only the server's user can enter, files only it can read.
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.promises.chmod(path.dirname(file), 0o700);
  await pipeline(body, limit, fs.createWriteStream(file, { mode: 0o600 }));
  await refuseUnreadable(file, n);
}

/**
 * Write the first `keep` bytes of the request body to a file and stop reading it: the rest of the body stays
 * unread until the answer is sent, then Node reads and drops it.
 */
async function saveStart(body: unknown, file: string, keep: number) {
  if (!(body instanceof Readable)) throw notAFile();
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.promises.chmod(path.dirname(file), 0o700);
  const out = fs.createWriteStream(file, { mode: 0o600 });
  let n = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = () => {
        body.off('data', onData);
        body.off('end', stop);
        body.off('error', reject);
        body.pause();
        resolve();
      };
      const onData = (chunk: Buffer) => {
        const room = keep - n;
        n += chunk.length;
        if (room > 0) out.write(room >= chunk.length ? chunk : chunk.subarray(0, room));
        if (n >= keep) stop();
      };
      body.on('data', onData);
      body.once('end', stop);
      body.once('error', reject);
    });
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
  await refuseUnreadable(file, n);
}

/** A JSON body is taken only when it is Rapport's own export.json (not an API-style JSON request by mistake). */
async function refuseOtherJson(type: string | undefined, file: string) {
  if (!type?.toLowerCase().startsWith('application/json') || (await isExportJson(file))) return;
  await fs.promises.rm(file, { force: true });
  throw notAFile();
}

/** Refuse an empty upload or one that is not text (a workbook, a PDF), removing its file. */
async function refuseUnreadable(file: string, bytes: number) {
  const refused =
    bytes === 0
      ? new AppError('IMPORT_EMPTY', 'The upload is empty: send the file as the request body', 400)
      : await fileNotTextReason(file).then((why) => why && new AppError('IMPORT_NOT_TEXT', why, 415));
  if (refused) {
    await fs.promises.rm(file, { force: true });
    throw refused;
  }
}

export function registerImportRoutes(
  root: FastifyInstance,
  deps: { imports: ImportService; uploadsDir: string; startImport: StartImport },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['imports'];
  root.addContentTypeParser(UPLOAD_TYPES, (_req, payload, done) => done(null, payload));
  registerMappingRoutes(root, deps.imports.mappings);

  app.get(
    '/imports/presets',
    {
      schema: {
        tags,
        summary: 'The export layouts Rapport reads',
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), label: z.string(), kind: z.string() })),
          }),
        },
      },
    },
    async () => ({
      items: PRESETS.map((p) => ({ id: p.id, label: p.label, kind: p.kind })),
    }),
  );

  // The uploads take the file itself as the body: any of UPLOAD_TYPES, and application/json too (Rapport's own
  // export.json), read as a stream in this scope only — every other route keeps parsing JSON bodies
  root.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', (_req, payload, done) => done(null, payload));
    const app = scope.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/imports/preview',
      {
        schema: {
          tags,
          summary:
            'Upload a file (as the body, text/csv or text/vcard) and see its detected layout and first records, without importing',
          querystring: uploadQuery.omit({ dryRun: true, fileName: true }),
          response: {
            200: z.object({
              preset: z
                .string()
                .describe("The preset's id; mapping:<name> for a saved mapping, mapping for columns given"),
              mapping: z
                .object({ id: z.string(), name: z.string() })
                .nullable()
                .describe('The saved mapping the file is read with (detected from its columns, or chosen)'),
              encoding: z.string(),
              delimiter: z.string(),
              headers: z.array(z.string()),
              columns: z.array(
                z.object({
                  header: z.string(),
                  used: z.boolean(),
                  field: z
                    .string()
                    .optional()
                    .describe('Generic files and mappings: the field this column is read as, or ignore'),
                  examples: z.array(z.string()).describe('Up to 3 values of the first rows'),
                }),
              ),
              sample: z.array(sampleRecordSchema).describe('The first records as they would be imported'),
              dates: datesSchema,
            }),
          },
        },
      },
      async (request) => {
        const { workspaceId } = actorOf(request);
        const file = path.join(deps.uploadsDir, `${newId()}.preview`);
        try {
          await saveStart(request.body, file, PREVIEW_KEEP);
          await refuseOtherJson(request.headers['content-type'], file);
          return await deps.imports.previewImport({
            workspaceId,
            file,
            currency: request.query.currency,
            dateOrder: request.query.dateOrder,
            ...layoutOf(request.query),
          });
        } finally {
          await fs.promises.rm(file, { force: true });
        }
      },
    );

    app.post(
      '/imports',
      {
        schema: {
          tags,
          summary:
            'Import a file sent as the body. Answers 202 with the run at once (follow it at /api/v1/imports/{id}); a dry run answers 200 with the counts',
          querystring: uploadQuery,
          response: {
            202: runSchema,
            200: z.object({
              preset: z.string(),
              counts: countsSchema,
              rejections: z.array(z.object({ line: z.number(), reason: z.string() })),
              notes: z
                .array(z.object({ line: z.number(), kind: z.enum(['warning', 'match']), reason: z.string() }))
                .describe(
                  'The first 1,000 rows that would be imported with a warning (a property of a vCard that cannot be read, an invalid phone kept as typed, …) and the email or phone matches, by line',
                ),
              dates: datesSchema,
            }),
          },
        },
      },
      async (request, reply) => {
        const { workspaceId } = actorOf(request);
        const id = newId();
        const file = path.join(deps.uploadsDir, `${id}.upload`);
        const q = request.query;
        const layout = layoutOf(q);
        await saveUpload(request.body, file);
        await refuseOtherJson(request.headers['content-type'], file);
        // a wrong preset, mapping or column is refused here, with its pointer, before a worker starts
        await deps.imports.checkLayout({ workspaceId, file, ...layout }).catch(async (err: unknown) => {
          await fs.promises.rm(file, { force: true });
          throw err;
        });
        const options = {
          workspaceId,
          file,
          fileName: q.fileName ?? 'upload',
          ...layout,
          currency: q.currency,
          dateOrder: q.dateOrder,
          dryRun: q.dryRun === 'true',
          runId: id,
        };
        if (options.dryRun) {
          try {
            const r = await deps.startImport(options, () => {});
            return reply.code(200).send({
              preset: r.preset,
              counts: r.counts,
              rejections: r.rejections.slice(0, 1000),
              notes: r.notes.slice(0, 1000),
              dates: r.dates,
            });
          } finally {
            await fs.promises.rm(file, { force: true });
          }
        }
        const started = new Promise<string | null>((resolve, reject) => {
          deps
            .startImport(options, resolve)
            .catch(reject)
            .finally(() => void fs.promises.rm(file, { force: true }));
        });
        const runId = await started;
        const run = runId ? await deps.imports.getRunOrThrow(workspaceId, runId) : undefined;
        if (!run) throw new AppError('IMPORT_NOT_STARTED', 'The import did not start', 500);
        return reply.code(202).header('location', `/api/v1/imports/${run.id}`).send(run);
      },
    );
  });

  app.get(
    '/imports',
    {
      schema: { tags, summary: 'Recent imports', response: { 200: z.object({ items: z.array(runSchema) }) } },
    },
    async (request) => ({
      items: await deps.imports.listRuns(actorOf(request).workspaceId),
    }),
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        tags,
        summary: 'An import: status, progress and counts',
        params: z.object({ id: z.string().max(100) }),
        response: { 200: runSchema },
      },
    },
    async (request) => deps.imports.getRunOrThrow(actorOf(request).workspaceId, request.params.id),
  );

  app.get(
    '/imports/:id/notes',
    {
      schema: {
        tags,
        summary:
          'The first rejected rows of an import (or rows imported with a warning, or matched to a stored customer by email or phone), by line',
        params: z.object({ id: z.string().max(100) }),
        querystring: z.object({
          kind: z.enum(['rejected', 'warning', 'match']).default('rejected'),
          limit: z.coerce.number().int().min(1).max(1000).default(20),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                line: z.number(),
                kind: z.enum(['rejected', 'warning', 'match']),
                reason: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: await deps.imports.firstNotes(
        actorOf(request).workspaceId,
        request.params.id,
        request.query.kind,
        request.query.limit,
      ),
    }),
  );

  app.get(
    '/imports/:id/report.csv',
    {
      schema: {
        tags,
        summary: 'Every rejected row (and row imported with a warning), by line, as CSV',
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const notes = await deps.imports.notes(actorOf(request).workspaceId, request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${request.params.id}-report.csv"`)
        .send(stringify(notes, { header: true, columns: ['line', 'kind', 'reason'] }));
    },
  );
}
