import type { components } from '../../lib/api.gen.ts';
import { client, ok, qs, uploadFile, type Answer, type AnswerAt } from '../../lib/api.ts';

/** The shapes of the imports API and the customers' duplicates/merge routes (generated from the server's schemas). */
export type ImportPreset = Answer<'/api/v1/imports/presets', 'get'>['items'][number];
export type ImportRun = components['schemas']['ImportRun'];
export type ImportCounts = ImportRun['counts'];
export type ImportPreview = Answer<'/api/v1/imports/preview', 'post'>;
/** A mapped record of the preview: a customer, an order with its buyer, or a row that would be rejected. */
export type SampleRecord = ImportPreview['sample'][number];
/** A column of the file: whether it is read, as which field (generic files and mappings), its first values. */
export type PreviewColumn = ImportPreview['columns'][number];
/** How numeric dates (12/05/1990) are read, and what decided it: the user, the file, or the workspace region. */
export type DatesUsed = ImportPreview['dates'];
export type DateOrder = DatesUsed['order'];
/** A Rapport field a column can be read as; `names` are the column names recognised for it without a mapping. */
export type ImportField = Answer<'/api/v1/imports/fields', 'get'>['items'][number];
export type ImportMapping = components['schemas']['ImportMapping'];
/** Each column of a file, by name, to a field id or 'ignore'. */
export type ColumnMapping = ImportMapping['columns'];
export type DryRun = AnswerAt<'/api/v1/imports', 'post', 200>;
export type ImportNote = Answer<'/api/v1/imports/{id}/notes', 'get'>['items'][number];

/** How to read the file: a preset, a saved mapping (id), or a mapping of its columns; else detected. */
export type ImportOptions = {
  preset?: string | undefined;
  mapping?: string | undefined;
  columns?: ColumnMapping | undefined;
  currency?: string | undefined;
  dateOrder?: DateOrder | undefined;
};
const layoutQuery = (o: ImportOptions) => ({
  preset: o.preset,
  mapping: o.mapping,
  columns: o.columns && JSON.stringify(o.columns),
  currency: o.currency,
  dateOrder: o.dateOrder,
});

export type DuplicatePair = Answer<'/api/v1/customers/duplicates', 'get'>['items'][number];
/** A pair someone said are different people: never suggested again until undone. */
export type DuplicateDismissal = components['schemas']['DuplicateDismissal'];

const id = (value: string) => ({ params: { path: { id: value } } });

/** The query keys of imports, mappings and duplicates. */
export const importKeys = {
  runs: ['imports'] as const,
  run: (id: string) => ['import-run', id] as const,
  rejected: (id: string) => ['import-run', id, 'rejected'] as const,
  presets: ['import-presets'] as const,
  fields: ['import-fields'] as const,
  mappings: ['import-mappings'] as const,
  /** A file's preview under a layout: the file by name, size and date, the layout and the currency. */
  preview: (...parts: unknown[]) => ['import-preview', ...parts] as const,
  duplicates: ['duplicates'] as const,
  dismissals: ['duplicate-dismissals'] as const,
};

export const dataApi = {
  presets: () => ok(client.GET('/api/v1/imports/presets')),
  preview: (file: Blob, o: ImportOptions, onProgress?: (f: number) => void) =>
    uploadFile<ImportPreview>(`/api/v1/imports/preview${qs(layoutQuery(o))}`, file, onProgress),
  start: (file: File, o: ImportOptions, onProgress?: (f: number) => void) =>
    uploadFile<ImportRun>(
      `/api/v1/imports${qs({ ...layoutQuery(o), fileName: file.name })}`,
      file,
      onProgress,
    ),
  dryRun: (file: File, o: ImportOptions, onProgress?: (f: number) => void) =>
    uploadFile<DryRun>(
      `/api/v1/imports${qs({ ...layoutQuery(o), fileName: file.name, dryRun: 'true' })}`,
      file,
      onProgress,
    ),
  runs: () => ok(client.GET('/api/v1/imports')),
  run: (runId: string) => ok(client.GET('/api/v1/imports/{id}', id(runId))),
  rejected: (runId: string, limit = 20) =>
    ok(
      client.GET('/api/v1/imports/{id}/notes', {
        params: { path: { id: runId }, query: { kind: 'rejected', limit } },
      }),
    ),
  warnings: (runId: string, limit = 20) =>
    ok(
      client.GET('/api/v1/imports/{id}/notes', {
        params: { path: { id: runId }, query: { kind: 'warning', limit } },
      }),
    ),
  reportUrl: (runId: string) => `/api/v1/imports/${encodeURIComponent(runId)}/report.csv`,

  fields: () => ok(client.GET('/api/v1/imports/fields')),
  mappings: () => ok(client.GET('/api/v1/imports/mappings')),
  saveMapping: (name: string, columns: ColumnMapping) =>
    ok(client.POST('/api/v1/imports/mappings', { body: { name, columns } })),
  updateMapping: (mappingId: string, name: string, columns: ColumnMapping) =>
    ok(client.PUT('/api/v1/imports/mappings/{id}', { ...id(mappingId), body: { name, columns } })),
  deleteMapping: (mappingId: string) => ok(client.DELETE('/api/v1/imports/mappings/{id}', id(mappingId))),

  duplicates: (limit = 100) =>
    ok(client.GET('/api/v1/customers/duplicates', { params: { query: { limit } } })),
  /** Merge `otherId` into `keepId`; answers the surviving customer. */
  merge: (keepId: string, otherId: string) =>
    ok(client.POST('/api/v1/customers/{id}/merge', { ...id(keepId), body: { otherId } })),
  dismissals: (limit = 100) =>
    ok(client.GET('/api/v1/customers/duplicates/dismissals', { params: { query: { limit } } })),
  /** "Not the same person": the pair is never suggested again (until undone). */
  dismiss: (a: string, b: string) =>
    ok(client.POST('/api/v1/customers/duplicates/dismissals', { body: { customerIds: [a, b] } })),
  undoDismiss: (a: string, b: string) =>
    ok(client.DELETE('/api/v1/customers/duplicates/dismissals/{a}/{b}', { params: { path: { a, b } } })),
};

export const EXPORTS = [
  { table: 'customers', label: 'Customers', href: '/api/v1/export/customers.csv' },
  { table: 'orders', label: 'Orders', href: '/api/v1/export/orders.csv' },
  {
    table: 'interactions',
    label: 'Timeline (calls, visits, notes…)',
    href: '/api/v1/export/interactions.csv',
  },
] as const;
export const EXPORT_JSON = '/api/v1/export.json';
