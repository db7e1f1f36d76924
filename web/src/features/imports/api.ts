import { qs, request, uploadFile } from '../../lib/api.ts';
import type { Customer, CustomerSummary } from '../../lib/types.ts';

/** The shapes of src/modules/imports/imports.routes.ts and the customers' duplicates/merge routes. */
export type ImportPreset = { id: string; label: string; kind: string };

export type ImportCounts = {
  customers: { created: number; updated: number; unchanged: number };
  orders: { created: number; unchanged: number };
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
        customer: SampleCustomer;
      };
    }
  | { error: string }
);

export type ImportPreview = {
  preset: string;
  encoding: string;
  delimiter: string;
  headers: string[];
  columns: { header: string; used: boolean }[];
  sample: SampleRecord[];
};

export type DryRun = {
  preset: string;
  counts: ImportCounts;
  rejections: { line: number; reason: string }[];
};

export type ImportNote = { line: number; kind: 'rejected' | 'warning'; reason: string };

export type ImportOptions = { preset?: string | undefined; currency?: string | undefined };

export type DuplicatePair = {
  customers: CustomerSummary[];
  reasons: { reason: string; value: string }[];
};

export const dataApi = {
  presets: () => request<{ items: ImportPreset[] }>('GET', '/api/v1/imports/presets'),
  preview: (file: Blob, o: ImportOptions, onProgress?: (f: number) => void) =>
    uploadFile<ImportPreview>(
      `/api/v1/imports/preview${qs({ preset: o.preset, currency: o.currency })}`,
      file,
      onProgress,
    ),
  start: (file: File, o: ImportOptions, onProgress?: (f: number) => void) =>
    uploadFile<ImportRun>(
      `/api/v1/imports${qs({ preset: o.preset, currency: o.currency, fileName: file.name })}`,
      file,
      onProgress,
    ),
  dryRun: (file: File, o: ImportOptions, onProgress?: (f: number) => void) =>
    uploadFile<DryRun>(
      `/api/v1/imports${qs({ preset: o.preset, currency: o.currency, fileName: file.name, dryRun: 'true' })}`,
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
  reportUrl: (id: string) => `/api/v1/imports/${encodeURIComponent(id)}/report.csv`,

  duplicates: (limit = 100) =>
    request<{ items: DuplicatePair[] }>('GET', `/api/v1/customers/duplicates${qs({ limit })}`),
  /** Merge `otherId` into `keepId`; answers the surviving customer. */
  merge: (keepId: string, otherId: string) =>
    request<Customer>('POST', `/api/v1/customers/${encodeURIComponent(keepId)}/merge`, { otherId }),
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
