import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

type Row = Record<string, unknown>;

/** Rows of `table` with `col` in `values`, scoped to the workspace (values in chunks of 500). */
export async function rowsWhereIn(
  db: Kysely<Database>,
  ws: string,
  table: string,
  col: string,
  values: readonly string[],
): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    const r = await sql<Row>`select * from ${sql.table(table)} where workspace_id = ${ws}
      and ${sql.ref(col)} in (${sql.join(chunk)})`.execute(db);
    out.push(...r.rows);
  }
  return out;
}

/** Everything stored about one customer, by table (the customer row itself under `customers`). */
export async function collectCustomer(
  db: Kysely<Database>,
  ws: string,
  id: string,
  direct: Record<string, { hide?: string[] }>,
) {
  const tables: Record<string, Row[]> = {};
  const customer = await rowsWhereIn(db, ws, 'customers', 'id', [id]);
  if (!customer[0]) return undefined;
  for (const [t, o] of Object.entries(direct)) {
    const rows = await rowsWhereIn(db, ws, t, 'customer_id', [id]);
    tables[t] = rows.map((r) => omit(r, o.hide ?? []));
  }
  const ids = (t: string) => (tables[t] ?? []).map((r) => String(r.id));
  tables.order_lines = await rowsWhereIn(db, ws, 'order_lines', 'order_id', ids('orders'));
  tables.order_refunds = await rowsWhereIn(db, ws, 'order_refunds', 'order_id', ids('orders'));
  tables.complaint_events = await rowsWhereIn(db, ws, 'complaint_events', 'complaint_id', ids('complaints'));
  const addresses = addressesOf(tables);
  tables.suppressions = await rowsWhereIn(db, ws, 'suppressions', 'address', addresses);
  tables.audit_log = await rowsWhereIn(db, ws, 'audit_log', 'entity_id', [id, ...ownedIds(tables)]);
  tables.duplicate_dismissals = [
    ...(await rowsWhereIn(db, ws, 'duplicate_dismissals', 'customer_a', [id])),
    ...(await rowsWhereIn(db, ws, 'duplicate_dismissals', 'customer_b', [id])),
  ];
  return { customer: customer[0], tables };
}

/** Their phone numbers (E.164, else as typed) and emails (normalised). */
export function addressesOf(tables: Record<string, Row[]>): string[] {
  return [
    ...(tables.customer_phones ?? []).map((p) => String(p.e164 ?? p.raw)),
    ...(tables.customer_emails ?? []).map((e) => String(e.normalized)),
  ];
}

/** Ids of rows that are theirs and may be audit entities (complaints, enquiries, promises, orders, calls…). */
export function ownedIds(tables: Record<string, Row[]>): string[] {
  const owned = [
    'orders',
    'complaints',
    'enquiries',
    'promises',
    'reviews',
    'customer_occasions',
    'interactions',
  ];
  return owned.flatMap((t) => (tables[t] ?? []).map((r) => String(r.id)));
}

function omit(r: Row, hide: string[]): Row {
  if (!hide.length) return r;
  return Object.fromEntries(Object.entries(r).filter(([k]) => !hide.includes(k)));
}
