import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import type { Customer, CustomerService } from '../customers/index.ts';
import type { Order, OrderService } from '../orders/index.ts';
import type { Interaction, TimelineService } from '../timeline/index.ts';
import { safeCell } from './csv-safe.ts';

type Deps = { customers: CustomerService; orders: OrderService; timeline: TimelineService };

/** The customers.csv columns; the importer's "rapport-customers" preset reads them back. */
export const CUSTOMER_COLUMNS = [
  'Rapport ID',
  'Kind',
  'Name',
  'Business ID',
  'Job Title',
  'Phones',
  'Emails',
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
] as const;

const customerRow = (c: Customer) => [
  c.id,
  c.kind,
  c.name,
  c.businessId,
  c.jobTitle,
  c.phones.map((p) => p.number).join(' ::: '),
  c.emails.map((e) => e.address).join(' ::: '),
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

/** Rows of a table, each cell made safe for spreadsheets. */
async function* safeRows<T>(
  pages: AsyncIterable<T[]>,
  toRows: (x: T) => unknown[][],
): AsyncIterable<string[]> {
  for await (const page of pages)
    for (const item of page) for (const row of toRows(item)) yield row.map(safeCell);
}

async function writeCsv(
  file: string,
  columns: readonly string[],
  rows: AsyncIterable<string[]>,
): Promise<number> {
  const out = fs.createWriteStream(file);
  const csv = stringify({ header: true, columns: [...columns], bom: true });
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
  /** The columns and (safe) rows of one table. */
  function csvRows(
    ws: string,
    table: 'customers' | 'orders' | 'interactions',
  ): { columns: readonly string[]; rows: AsyncIterable<string[]> } {
    if (table === 'customers')
      return {
        columns: CUSTOMER_COLUMNS,
        rows: safeRows(customers.allCustomers(ws), (c) => [customerRow(c)]),
      };
    if (table === 'orders')
      return { columns: ORDER_COLUMNS, rows: safeRows(orders.allOrders(ws), orderRows) };
    return {
      columns: INTERACTION_COLUMNS,
      rows: safeRows(timeline.allInteractions(ws), (i) => [interactionRow(i)]),
    };
  }

  return {
    csvRows,

    async exportCsv(ws: string, dir: string) {
      await fs.promises.mkdir(dir, { recursive: true });
      const counts = { customers: 0, orders: 0, interactions: 0 };
      for (const table of ['customers', 'orders', 'interactions'] as const) {
        const { columns, rows } = csvRows(ws, table);
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
      await section('customers', customers.allCustomers(ws), true);
      await section('orders', orders.allOrders(ws), false);
      await section('interactions', timeline.allInteractions(ws), false);
      await write('\n}\n');
      return counts;
    },
  };
}
export type ExportService = ReturnType<typeof createExportService>;
