import type { CustomerUpsert } from '../customers/index.ts';

/** What every preset turns a row (or a group of rows) into: source-neutral customers and orders. */
export type ImportedCustomer = CustomerUpsert;

export type ImportedLine = {
  sku?: string | undefined;
  name: string;
  category?: string | undefined;
  quantity: number;
  unitPrice: number;
  discount: number;
  unitCost?: number | undefined;
};

export type ImportedRefund = { at: string; kind: 'refund' | 'return'; amount: number; reason: string };

export type ImportedOrder = {
  externalId: string;
  number?: string | undefined;
  placedAt: string;
  currency: string;
  status: 'placed' | 'paid' | 'fulfilled' | 'cancelled';
  channel?: string | undefined;
  location?: string | undefined;
  lines: ImportedLine[];
  discount: number;
  tax: number;
  shipping: number;
  refunded: number;
  /** Each refund or return of it, when the file gives them (Rapport's own exports); `refunded` is their sum. */
  refunds?: ImportedRefund[] | undefined;
  note?: string | undefined;
  /** Null for a walk-in sale (no name, email, phone or customer id): kept, on no customer. */
  customer: ImportedCustomer | null;
  /** A return or cancellation of these items (negative quantities, a "C" invoice, a refund row). */
  isReturn?: boolean | undefined;
  paymentMethod?: string | undefined;
};

/** A timeline entry (Rapport's own export): on its customer (by id in the source), or on nobody. */
export type ImportedInteraction = {
  /** Its id in the source: importing it again finds it. */
  externalId: string;
  customer: ImportedCustomer | null;
  kind: string;
  direction?: 'inbound' | 'outbound' | undefined;
  occurredAt: string;
  body?: string | undefined;
  phone?: string | undefined;
  /** The staff member's name: the workspace's user of that name, if any. */
  author?: string | undefined;
  /** Why it is left out, though read (an order's entry comes with the order). */
  skip?: string | undefined;
};

/** One unit of work: a customer, an order (with its customer), or a rejected row, by its line in the file. */
export type ImportRecord = { line: number; index: number } & (
  | { customer: ImportedCustomer; warnings?: string[] }
  | { order: ImportedOrder; warnings?: string[] }
  | { interaction: ImportedInteraction; warnings?: string[] }
  | { error: string }
);

/**
 * A data row: its line in the file, its position among data rows (1-based) and its cells by header; `keys`,
 * when the reader gives it, is `headerIndex` of the cells (the same for every row of a file: built once).
 */
export type Row = {
  line: number;
  index: number;
  cells: Record<string, string>;
  keys?: HeaderIndex;
  /** Why the row was cut short (the truncated last row of a file): it is rejected with this reason. */
  cut?: string;
};

/** Each normalised header of a row's cells → the header whose cell a lookup by that name reads. */
export type HeaderIndex = ReadonlyMap<string, string>;

export type PresetContext = {
  currency: string;
  source: string;
  /** The workspace's zone: a time or date without an offset is local to it. */
  zone?: string | undefined;
  /** Numeric dates are day-first (12/05/1990 is 12 May): decided from the file, the workspace region or the user. */
  dayFirst?: boolean | undefined;
  /** When given, collects the headers a preset reads (the preview's column mapping). */
  seen?: Set<string> | undefined;
};

export type Preset = {
  id: string;
  label: string;
  kind: 'customers' | 'orders' | 'interactions';
  /** Headers that identify the layout (all must be present; case and spacing ignored). */
  signature: string[];
  /** Turn rows into records; most presets map row by row, order exports group rows. */
  read: (rows: AsyncIterable<Row>, ctx: PresetContext) => AsyncIterable<ImportRecord>;
};

/**
 * Look up a cell by any of several header spellings (case, spaces, punctuation ignored). With `seen`, every
 * header looked up that the file has is added to it (normalised), whether or not this row's cell is empty.
 */
export function cellGetter(
  cells: Record<string, string>,
  seen?: Set<string>,
  keys: HeaderIndex = headerIndex(cells),
) {
  return (...names: string[]): string | undefined => {
    for (const n of names) {
      const key = normHeader(n);
      const h = keys.get(key);
      const v = h === undefined ? undefined : cells[h];
      if (v !== undefined) seen?.add(key);
      if (v !== undefined && v.trim() !== '') return v;
    }
    return undefined;
  };
}

/** Headers that normalise to the same key read the last of them (in the cells' key order), as they always have. */
export function headerIndex(cells: Record<string, string>): HeaderIndex {
  const out = new Map<string, string>();
  for (const k of Object.keys(cells)) out.set(normHeader(k), k);
  return out;
}

// A file has a handful of headers and presets look up a few dozen names, each for every row: normalise once.
const normalized = new Map<string, string>();
export const normHeader = (h: string): string => {
  let n = normalized.get(h);
  if (n === undefined) {
    n = h.toLowerCase().replace(/[^a-z0-9]+/g, '');
    if (normalized.size >= 10_000) normalized.clear();
    normalized.set(h, n);
  }
  return n;
};

/** Map every row on its own; a thrown error rejects that row with its message. */
export function perRow(
  map: (
    get: ReturnType<typeof cellGetter>,
    ctx: PresetContext,
    row: Row,
  ) => { customer: ImportedCustomer; warnings?: string[] },
) {
  return async function* (rows: AsyncIterable<Row>, ctx: PresetContext): AsyncIterable<ImportRecord> {
    for await (const row of rows) {
      if (row.cut) {
        yield { line: row.line, index: row.index, error: row.cut };
        continue;
      }
      try {
        yield {
          line: row.line,
          index: row.index,
          ...map(cellGetter(row.cells, ctx.seen, row.keys), ctx, row),
        } as ImportRecord;
      } catch (err) {
        yield { line: row.line, index: row.index, error: err instanceof Error ? err.message : String(err) };
      }
    }
  };
}
