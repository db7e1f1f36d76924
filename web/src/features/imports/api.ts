import { qs, request, uploadFile } from '../../lib/api.ts';
import type { Customer, CustomerSummary } from '../../lib/types.ts';

/** The shapes of src/modules/imports/imports.routes.ts and the customers' duplicates/merge routes. */
export type ImportPreset = { id: string; label: string; kind: string };

export type ImportCounts = {
  customers: { created: number; updated: number; unchanged: number };
  /** walkIn: of those, sales without a customer. */
  orders: { created: number; unchanged: number; walkIn?: number };
  rejected: number;
  warnings: number;
};

export type ImportRun = {
  id: string;
  fileName: string;
  fileBytes: number;
  preset: string;
  status: 'running' | 'done' | 'failed';
  recordsDone: number;
  bytesDone: number;
  counts: ImportCounts;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
};

/** A mapped record of the preview: a customer, an order with its buyer, or a row that would be rejected. */
export type SampleCustomer = {
  name: string;
  company?: string;
  phones?: { number: string; label?: string }[];
  emails?: { address: string; label?: string }[];
  tags?: string[];
  address?: Record<string, string>;
  birthday?: string;
  needs?: string;
};
export type SampleRecord = { line: number; index: number; warnings?: string[] } & (
  | { customer: SampleCustomer }
  | {
      order: {
        number?: string;
        externalId: string;
        placedAt: string;
        currency: string;
        lines: { name: string; quantity: number; unitPrice: number }[];
        isReturn?: boolean;
        customer: SampleCustomer | null;
      };
    }
  | { error: string }
);

/** A column of the file: whether it is read, as which field (generic files and mappings), its first values. */
export type PreviewColumn = { header: string; used: boolean; field?: string; examples: string[] };

export type ImportPreview = {
  /** The preset's id; `mapping:<name>` for a saved mapping, `mapping` for columns given with the request. */
  preset: string;
  /** The saved mapping the file is read with (detected from its columns, or chosen). */
  mapping: { id: string; name: string } | null;
  encoding: string;
  delimiter: string;
  headers: string[];
  columns: PreviewColumn[];
  sample: SampleRecord[];
  dates: DatesUsed;
};

export type DateOrder = 'dmy' | 'mdy';
/** How numeric dates (12/05/1990) are read, and what decided it: the user, the file, or the workspace region. */
export type DatesUsed = { order: DateOrder; decidedBy: 'choice' | 'file' | 'region' };

/** A Rapport field a column can be read as; `names` are the column names recognised for it without a mapping. */
export type ImportField = { id: string; label: string; names: string[] };
/** Each column of a file, by name, to a field id or 'ignore'. */
export type ColumnMapping = Record<string, string>;
export type ImportMapping = {
  id: string;
  name: string;
  columns: ColumnMapping;
  createdAt: string;
  updatedAt: string;
};

export type DryRun = {
  preset: string;
  counts: ImportCounts;
  rejections: { line: number; reason: string }[];
  dates: DatesUsed;
};

export type ImportNote = { line: number; kind: 'rejected' | 'warning' | 'match'; reason: string };

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

export type DuplicatePair = {
  customers: CustomerSummary[];
  reasons: { reason: string; value: string }[];
};
/** A pair someone said are different people: never suggested again until undone. */
export type DuplicateDismissal = {
  customers: CustomerSummary[];
  dismissedBy: string;
  dismissedAt: string;
};

export const dataApi = {
  presets: () => request<{ items: ImportPreset[] }>('GET', '/api/v1/imports/presets'),
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
  runs: () => request<{ items: ImportRun[] }>('GET', '/api/v1/imports'),
  run: (id: string) => request<ImportRun>('GET', `/api/v1/imports/${encodeURIComponent(id)}`),
  rejected: (id: string, limit = 20) =>
    request<{ items: ImportNote[] }>(
      'GET',
      `/api/v1/imports/${encodeURIComponent(id)}/notes${qs({ kind: 'rejected', limit })}`,
    ),
  warnings: (id: string, limit = 20) =>
    request<{ items: ImportNote[] }>(
      'GET',
      `/api/v1/imports/${encodeURIComponent(id)}/notes${qs({ kind: 'warning', limit })}`,
    ),
  reportUrl: (id: string) => `/api/v1/imports/${encodeURIComponent(id)}/report.csv`,

  fields: () => request<{ items: ImportField[] }>('GET', '/api/v1/imports/fields'),
  mappings: () => request<{ items: ImportMapping[] }>('GET', '/api/v1/imports/mappings'),
  saveMapping: (name: string, columns: ColumnMapping) =>
    request<ImportMapping>('POST', '/api/v1/imports/mappings', { name, columns }),
  updateMapping: (id: string, name: string, columns: ColumnMapping) =>
    request<ImportMapping>('PUT', `/api/v1/imports/mappings/${encodeURIComponent(id)}`, { name, columns }),
  deleteMapping: (id: string) =>
    request<void>('DELETE', `/api/v1/imports/mappings/${encodeURIComponent(id)}`),

  duplicates: (limit = 100) =>
    request<{ items: DuplicatePair[] }>('GET', `/api/v1/customers/duplicates${qs({ limit })}`),
  /** Merge `otherId` into `keepId`; answers the surviving customer. */
  merge: (keepId: string, otherId: string) =>
    request<Customer>('POST', `/api/v1/customers/${encodeURIComponent(keepId)}/merge`, { otherId }),
  dismissals: (limit = 100) =>
    request<{ items: DuplicateDismissal[] }>(
      'GET',
      `/api/v1/customers/duplicates/dismissals${qs({ limit })}`,
    ),
  /** "Not the same person": the pair is never suggested again (until undone). */
  dismiss: (a: string, b: string) =>
    request<DuplicateDismissal>('POST', '/api/v1/customers/duplicates/dismissals', {
      customerIds: [a, b],
    }),
  undoDismiss: (a: string, b: string) =>
    request<void>(
      'DELETE',
      `/api/v1/customers/duplicates/dismissals/${encodeURIComponent(a)}/${encodeURIComponent(b)}`,
    ),
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
