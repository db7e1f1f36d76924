import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import type { Customer, CustomerService } from '../customers/index.ts';
import type { Order, OrderService } from '../orders/index.ts';
import type { Interaction, TimelineService } from '../timeline/index.ts';

type Deps = { customers: CustomerService; orders: OrderService; timeline: TimelineService };

/**
 * The customers.csv columns; the importer's "rapport-customers" preset reads them back. Each phone has its own
 * numbered columns (as typed, its label, its E.164 form), and so has each email; as many as the customer with
 * the most has (at least one of each).
 */
export function customerColumns(phones: number, emails: number): string[] {
  const numbered = (n: number, parts: string[]) =>
    Array.from({ length: Math.max(1, n) }, (_, i) => parts.map((p) => p.replace('#', String(i + 1)))).flat();
  return [
    'Rapport ID',
    'Kind',
    'Name',
    'Business ID',
    'Job Title',
    ...numbered(phones, ['Phone #', 'Phone # Label', 'Phone # E164']),
    ...numbered(emails, ['Email #', 'Email # Label']),
    'Address Line 1',
    'Address Line 2',
    'City',
    'Region',
    'Postal Code',
    'Country',
    'Birthday',
    'Anniversary',
    'Preferred Channel',
    'Needs',
    'Tags',
    'Marketing Consent',
    'Consent Source',
    'Consent At',
    'Custom Fields',
    'Created At',
  ];
}
const customerRow = (c: Customer, phones: number, emails: number) => [
  c.id,
  c.kind,
  c.name,
  c.businessId,
  c.jobTitle,
  ...Array.from({ length: Math.max(1, phones) }, (_, i) => {
    const p = c.phones[i];
    return p ? [p.number, p.label, p.e164] : ['', '', ''];
  }).flat(),
  ...Array.from({ length: Math.max(1, emails) }, (_, i) => {
    const e = c.emails[i];
    return e ? [e.address, e.label] : ['', ''];
  }).flat(),
  c.address?.line1,
  c.address?.line2,
  c.address?.city,
  c.address?.region,
  c.address?.postalCode,
  c.address?.country,
  c.birthday,
  c.anniversary,
  c.preferredChannel,
  c.needs,
  c.tags.join(', '),
  c.consent.marketing ? 'yes' : 'no',
  c.consent.source,
  c.consent.at,
  Object.keys(c.customFields).length ? c.customFields : '',
  c.createdAt,
];

/**
 * Every customer, businesses first (so a person's business is known when the file is imported back), a page
 * at a time.
 */
async function* businessesFirst(customers: CustomerService, ws: string): AsyncIterable<Customer[]> {
  for (const kind of ['business', 'person'] as const)
    for await (const page of customers.allCustomers(ws)) {
      const mine = page.filter((c) => c.kind === kind);
      if (mine.length) yield mine;
    }
}

/** The orders.csv columns (one row per line; order amounts on its first line); "rapport-orders" reads them back. */
const ORDER_COLUMNS = [
  'Order ID',
  'Number',
  'Customer ID',
  'Placed At',
  'Status',
  'Currency',
  'Order Total',
  'Refunded',
  'Refunds',
  'Line',
  'SKU',
  'Item',
  'Category',
  'Quantity',
  'Unit Price',
  'Line Discount',
  'Line Total',
  'Unit Cost',
  'Order Discount',
  'Tax',
  'Shipping',
  'Channel',
  'Location',
  'Note',
  'Payment Method',
];
const orderRows = (o: Order) =>
  o.lines.map((l, i) => [
    o.id,
    o.number,
    o.customerId,
    o.placedAt,
    o.status,
    o.currency,
    i === 0 ? o.total : '',
    i === 0 ? o.refunded : '',
    // each refund with its time, kind and reason (JSON), so an import brings them back as they were
    i === 0 && o.refunds.length ? JSON.stringify(o.refunds.map(({ id: _id, ...r }) => r)) : '',
    i + 1,
    l.sku,
    l.name,
    l.category,
    l.quantity,
    l.unitPrice,
    l.discount,
    l.total,
    l.unitCost,
    i === 0 ? o.discount : '',
    i === 0 ? o.tax : '',
    i === 0 ? o.shipping : '',
    i === 0 ? o.channel : '',
    i === 0 ? o.location : '',
    i === 0 ? o.note : '',
    i === 0 ? o.paymentMethod : '',
  ]);

const INTERACTION_COLUMNS = [
  'Interaction ID',
  'Customer ID',
  'Kind',
  'Direction',
  'Occurred At',
  'Author',
  'Phone',
  'Body',
];
const interactionRow = (i: Interaction) => [
  i.id,
  i.customerId,
  i.kind,
  i.direction,
  i.occurredAt,
  i.authorName,
  i.phone,
  i.body,
];

/**
 * A CSV writer for an export. Spreadsheets run a cell that starts with = + - @, a tab or a carriage return
 * (or their full-width forms) as a formula: csv-stringify's `escape_formulas` gives such a text cell a leading
 * apostrophe, which spreadsheets hide and Rapport's importer removes again. Numbers are not formulas (-5 stays
 * -5); booleans are written true/false. Objects (custom fields) are JSON.
 */
const FORMULA_AFTER_APOSTROPHES = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export const exportCsv = (columns: readonly string[]) =>
  stringify({
    header: true,
    columns: [...columns],
    bom: true,
    escape_formulas: true,
    cast: {
      boolean: (v) => String(v),
      // a value that already starts with apostrophes before one of those characters gets one more, so the
      // importer's removal of one (ownText) gives it back as it was ("'=x" → "''=x" → "'=x")
      string: (v) => (FORMULA_AFTER_APOSTROPHES.test(v) ? `'${v}` : v),
    },
  });

/** Rows of a table: its cells as they are (exportCsv makes them safe for spreadsheets). */
async function* tableRows<T>(
  pages: AsyncIterable<T[]>,
  toRows: (x: T) => unknown[][],
): AsyncIterable<unknown[]> {
  for await (const page of pages) for (const item of page) yield* toRows(item);
}

async function writeCsv(
  file: string,
  columns: readonly string[],
  rows: AsyncIterable<unknown[]>,
): Promise<number> {
  const out = fs.createWriteStream(file, { mode: 0o600 }); // customers' details: the owner's eyes only
  const csv = exportCsv(columns);
  csv.pipe(out);
  let n = 0;
  for await (const row of rows) {
    if (!csv.write(row)) await once(csv, 'drain');
    n++;
  }
  csv.end();
  await once(out, 'finish');
  return n;
}

/** Export everything a workspace holds: CSV files (customers, orders, interactions) or one JSON document. */
export function createExportService({ customers, orders, timeline }: Deps) {
  /**
   * The columns and rows of one table (write them with exportCsv). The customers are read once first to know how
   * many phone and email columns the file needs.
   */
  async function csvRows(
    ws: string,
    table: 'customers' | 'orders' | 'interactions',
  ): Promise<{ columns: readonly string[]; rows: AsyncIterable<unknown[]> }> {
    if (table === 'customers') {
      let phones = 1;
      let emails = 1;
      for await (const page of customers.allCustomers(ws))
        for (const c of page) {
          phones = Math.max(phones, c.phones.length);
          emails = Math.max(emails, c.emails.length);
        }
      return {
        columns: customerColumns(phones, emails),
        rows: tableRows(businessesFirst(customers, ws), (c) => [customerRow(c, phones, emails)]),
      };
    }
    if (table === 'orders')
      return { columns: ORDER_COLUMNS, rows: tableRows(orders.allOrders(ws), orderRows) };
    return {
      columns: INTERACTION_COLUMNS,
      rows: tableRows(timeline.allInteractions(ws), (i) => [interactionRow(i)]),
    };
  }

  return {
    csvRows,

    async exportCsv(ws: string, dir: string) {
      await fs.promises.mkdir(dir, { recursive: true });
      const counts = { customers: 0, orders: 0, interactions: 0 };
      for (const table of ['customers', 'orders', 'interactions'] as const) {
        const { columns, rows } = await csvRows(ws, table);
        counts[table] = await writeCsv(path.join(dir, `${table}.csv`), columns, rows);
      }
      return counts;
    },

    /** One JSON document, streamed: { customers: [...], orders: [...], interactions: [...] }. */
    async exportJson(ws: string, out: NodeJS.WritableStream) {
      const write = async (s: string) => {
        if (!out.write(s)) await once(out, 'drain');
      };
      const counts = { customers: 0, orders: 0, interactions: 0 };
      const section = async <T>(name: keyof typeof counts, pages: AsyncIterable<T[]>, first: boolean) => {
        await write(`${first ? '' : ','}\n  "${name}": [`);
        let sep = '';
        for await (const page of pages)
          for (const item of page) {
            await write(`${sep}\n    ${JSON.stringify(item)}`);
            sep = ',';
            counts[name]++;
          }
        await write('\n  ]');
      };
      await write('{');
      await section('customers', businessesFirst(customers, ws), true);
      await section('orders', orders.allOrders(ws), false);
      await section('interactions', timeline.allInteractions(ws), false);
      await write('\n}\n');
      return counts;
    },
  };
}
export type ExportService = ReturnType<typeof createExportService>;
