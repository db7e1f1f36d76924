import { calendarDate, instant, multi, ownText, signedQuantity, text, yes } from '../values.ts';
import {
  cellGetter,
  headerIndex,
  normHeader,
  perRow,
  type ImportedCustomer,
  type ImportedInteraction,
  type ImportedOrder,
  type ImportedRefund,
  type ImportRecord,
  type Preset,
  type PresetContext,
  type Row,
} from '../records.ts';
import { customerOf, grouped, returnsOf } from './orders.ts';

/**
 * Rapport's own export read back (customers.csv, orders.csv, interactions.csv, and export.json through the same
 * converters): into an empty workspace it gives the same customers, orders and timeline. The exported ids are
 * the source ids ("rapport"): a re-import finds what the first one made.
 */

type Get = ReturnType<typeof cellGetter>;

/** Tags as the export joins them (", "): a tag may hold ";" or "*", never a comma. */
const ownTags = (v: string | undefined) =>
  (ownText(v) ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);

/** The numbered columns of one kind the file has ("Phone 1", "Phone 2", …), by number. */
function numbered(keys: ReadonlyMap<string, string>, stem: string): number[] {
  const out: number[] = [];
  for (let i = 1; keys.has(normHeader(`${stem} ${i}`)); i++) out.push(i);
  return out;
}

/** A customer of customers.csv: phones and emails in numbered columns (or, in older files, joined by " ::: "). */
function rapportCustomer(get: Get, ctx: PresetContext, row: Row): { customer: ImportedCustomer } {
  const keys = row.keys ?? headerIndex(row.cells);
  const phones = numbered(keys, 'Phone').flatMap((i) => {
    const number = ownText(get(`Phone ${i}`));
    if (!number) return [];
    const label = ownText(get(`Phone ${i} Label`));
    const e164 = text(get(`Phone ${i} E164`));
    return [{ number, ...(label && { label }), ...(e164 && { e164 }) }];
  });
  const emails = numbered(keys, 'Email').flatMap((i) => {
    const address = ownText(get(`Email ${i}`));
    if (!address) return [];
    const label = ownText(get(`Email ${i} Label`));
    return [{ address, ...(label && { label }) }];
  });
  // the first format: every phone (and email) in one cell, joined by " ::: ", without labels
  phones.push(...multi(get('Phones')).map((number) => ({ number: ownText(number) ?? number })));
  emails.push(...multi(get('Emails')).map((address) => ({ address: ownText(address) ?? address })));
  const custom = ownText(get('Custom Fields'));
  const consentAt = text(get('Consent At'));
  const marketing = yes(get('Marketing Consent'));
  const business = text(get('Business ID'));
  const name = ownText(get('Name'));
  const address = Object.fromEntries(
    (
      [
        ['line1', 'Address Line 1'],
        ['line2', 'Address Line 2'],
        ['city', 'City'],
        ['region', 'Region'],
        ['postalCode', 'Postal Code'],
        ['country', 'Country'],
      ] as const
    ).flatMap(([k, h]) => {
      const v = ownText(get(h));
      return v ? [[k, v]] : [];
    }),
  );
  const c: ImportedCustomer = {
    externalId: text(get('Rapport ID')),
    kind: text(get('Kind')) === 'business' ? 'business' : 'person',
    name: name ?? emails[0]?.address ?? phones[0]?.number,
    jobTitle: ownText(get('Job Title')),
    phones,
    emails,
    ...(Object.keys(address).length && { address }),
    birthday: calendarDate(get('Birthday'), ctx),
    anniversary: calendarDate(get('Anniversary'), ctx),
    preferredChannel: text(get('Preferred Channel')),
    tags: ownTags(get('Tags')),
    needs: ownText(get('Needs')),
    // a consent recorded in Rapport keeps its source and time; a bare "yes" (an edited file) is given now
    ...(consentAt
      ? { marketingConsent: !!marketing, consent: { source: ownText(get('Consent Source')), at: consentAt } }
      : marketing && { marketingConsent: true }),
    ...(business && { business: { externalId: business } }),
    ...(custom && { customFields: JSON.parse(custom) as Record<string, unknown> }),
  };
  if (!c.name) throw new Error('no name, email or phone: nothing to know this customer by');
  return { customer: c };
}

/** Rapport's own customers.csv export (round trip: the apostrophes that guard against formulas come off). */
export const rapportCustomers: Preset = {
  id: 'rapport-customers',
  label: 'Rapport customers export',
  kind: 'customers',
  signature: ['Rapport ID', 'Kind', 'Name', 'Business ID', 'Marketing Consent', 'Created At'],
  read: perRow(rapportCustomer),
};

/** A whole number of minor units as Rapport exports it ("1500", "-90000"); empty is undefined. */
const minor = (v: string | undefined): number | undefined => {
  const t = text(v);
  if (t === undefined) return undefined;
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new Error(`"${t}" is not an amount in minor units`);
  return n;
};
const required = (v: string | undefined, what: string): string => {
  if (v === undefined) throw new Error(`${what} is missing`);
  return v;
};
/**
 * An order's refunds as exported (the API's `refunds`, or the orders.csv "Refunds" column: the same as JSON):
 * each with its time, kind, amount and reason. Undefined when the file gives none (only a total refunded).
 */
function refundsOf(v: unknown): ImportedRefund[] | undefined {
  let items = v;
  if (typeof v === 'string') {
    if (!v.trim()) return undefined;
    try {
      items = JSON.parse(v);
    } catch {
      throw new Error('Refunds is not the list Rapport exports');
    }
  }
  if (!Array.isArray(items) || items.length === 0) return undefined;
  return items.map((x, i) => {
    const r = x && typeof x === 'object' ? (x as Record<string, unknown>) : {};
    const amount = r.amount;
    const at = typeof r.at === 'string' ? r.at : '';
    if (
      typeof amount !== 'number' ||
      !Number.isInteger(amount) ||
      amount <= 0 ||
      Number.isNaN(Date.parse(at))
    )
      throw new Error(`refund ${i + 1} needs a time and a whole positive amount`);
    return {
      at: new Date(at).toISOString(),
      kind: r.kind === 'return' ? 'return' : 'refund',
      amount,
      reason: typeof r.reason === 'string' && r.reason.trim() ? r.reason : 'Imported',
    };
  });
}
const refundedBy = (refunds: ImportedRefund[] | undefined, total: number) =>
  refunds ? refunds.reduce((a, r) => a + r.amount, 0) : total;

/** An exported status as an order's state: refunds are given apart (refunded), a return is a return. */
const statusOf = (s: string | undefined): Pick<ImportedOrder, 'status' | 'isReturn'> => {
  const status = s?.toLowerCase() ?? 'paid';
  return {
    status: status === 'cancelled' || status === 'placed' || status === 'fulfilled' ? status : 'paid',
    isReturn: status === 'returned',
  };
};

/**
 * Rapport's own orders.csv (one row per line, amounts in minor units): imported after its customers.csv, each
 * order finds its customer by the exported id; no customer id is a walk-in sale; a returned order is a return.
 */
export const rapportOrders: Preset = {
  id: 'rapport-orders',
  label: 'Rapport orders export',
  kind: 'orders',
  signature: ['Order ID', 'Customer ID', 'Placed At', 'Order Total', 'Line', 'Unit Price', 'Line Total'],
  read: grouped(
    (get) => text(get('Order ID')),
    (get, ctx) => {
      const customerId = text(get('Customer ID'));
      const refunds = refundsOf(get('Refunds'));
      return {
        externalId: text(get('Order ID')) ?? '',
        number: ownText(get('Number')),
        placedAt: required(instant(get('Placed At'), ctx), 'Placed At'),
        currency: text(get('Currency'))?.toUpperCase() ?? ctx.currency,
        ...statusOf(text(get('Status'))),
        channel: ownText(get('Channel')),
        location: ownText(get('Location')),
        paymentMethod: text(get('Payment Method')),
        discount: Math.abs(minor(get('Order Discount')) ?? 0),
        tax: Math.abs(minor(get('Tax')) ?? 0),
        shipping: Math.abs(minor(get('Shipping')) ?? 0),
        refunded: refundedBy(refunds, minor(get('Refunded')) ?? 0),
        ...(refunds && { refunds }),
        note: ownText(get('Note')),
        customer: customerId ? customerOf({ externalId: customerId }) : null,
      };
    },
    (get) => {
      const name = ownText(get('Item'));
      if (!name) return undefined;
      const cost = minor(get('Unit Cost'));
      return {
        name,
        sku: ownText(get('SKU')),
        category: ownText(get('Category')),
        quantity: signedQuantity(get('Quantity')) ?? 1,
        unitPrice: Math.abs(minor(get('Unit Price')) ?? 0),
        discount: Math.abs(minor(get('Line Discount')) ?? 0),
        ...(cost !== undefined && { unitCost: Math.abs(cost) }),
      };
    },
  ),
};

/**
 * A timeline entry of the export. An order's entry ("Order 1001: …") is not imported: importing the order writes
 * it (so importing orders.csv and interactions.csv, in either order, gives each order one entry).
 */
function rapportInteraction(i: {
  id: string | undefined;
  customerId: string | undefined;
  kind: string | undefined;
  direction: string | undefined;
  occurredAt: string | undefined;
  author: string | undefined;
  phone: string | undefined;
  body: string | undefined;
}): ImportedInteraction {
  if (!i.id) throw new Error('Interaction ID is missing');
  if (!i.kind) throw new Error('Kind is missing');
  if (i.kind.length > 50) throw new Error(`"${i.kind.slice(0, 50)}…" is not a kind of timeline entry`);
  if (i.direction && i.direction !== 'inbound' && i.direction !== 'outbound')
    throw new Error(`"${i.direction}" is not a direction (inbound or outbound)`);
  const fromOrders = i.kind === 'order';
  return {
    externalId: i.id,
    customer: i.customerId && !fromOrders ? customerOf({ externalId: i.customerId }) : null,
    kind: i.kind,
    ...(i.direction && { direction: i.direction as 'inbound' | 'outbound' }),
    occurredAt: required(i.occurredAt, 'Occurred At'),
    ...(i.author && { author: i.author }),
    ...(i.phone && { phone: i.phone }),
    ...(i.body !== undefined && { body: i.body }),
    ...(fromOrders && { skip: 'an order’s entry: importing the order (orders.csv) writes it' }),
  };
}

/** Rapport's own interactions.csv: every timeline entry, on its customer by the exported id. */
export const rapportInteractions: Preset = {
  id: 'rapport-interactions',
  label: 'Rapport interactions export',
  kind: 'interactions',
  signature: ['Interaction ID', 'Customer ID', 'Kind', 'Direction', 'Occurred At', 'Body'],
  read: async function* (rows: AsyncIterable<Row>, ctx: PresetContext): AsyncIterable<ImportRecord> {
    for await (const row of rows) {
      const at = { line: row.line, index: row.index };
      if (row.cut) {
        yield { ...at, error: row.cut };
        continue;
      }
      try {
        const get = cellGetter(row.cells, ctx.seen, row.keys);
        const interaction = rapportInteraction({
          id: text(get('Interaction ID')),
          customerId: text(get('Customer ID')),
          kind: text(get('Kind')),
          direction: text(get('Direction')),
          occurredAt: instant(get('Occurred At'), ctx),
          author: ownText(get('Author')),
          phone: ownText(get('Phone')),
          body: ownText(get('Body')),
        });
        yield { ...at, interaction };
      } catch (err) {
        yield { ...at, error: err instanceof Error ? err.message : String(err) };
      }
    }
  },
};

// export.json: the API's objects, one per array element

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what} is not a number`);
  return v;
};
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(obj) : []);

/** A customer of export.json (the API's Customer). */
export function customerFromJson(x: unknown): ImportedCustomer {
  const c = obj(x);
  const consent = obj(c.consent);
  const address = Object.fromEntries(
    Object.entries(obj(c.address)).flatMap(([k, v]) => (str(v) ? [[k, v as string]] : [])),
  );
  const phones = list(c.phones).flatMap((p) => {
    const number = str(p.number);
    if (!number) return [];
    return [
      {
        number,
        ...(str(p.label) && { label: p.label as string }),
        ...(str(p.e164) && { e164: p.e164 as string }),
      },
    ];
  });
  const emails = list(c.emails).flatMap((e) => {
    const address = str(e.address);
    return address ? [{ address, ...(str(e.label) && { label: e.label as string }) }] : [];
  });
  const name = str(c.name) ?? emails[0]?.address ?? phones[0]?.number;
  if (!name) throw new Error('no name, email or phone: nothing to know this customer by');
  return {
    externalId: str(c.id),
    kind: c.kind === 'business' ? 'business' : 'person',
    name,
    jobTitle: str(c.jobTitle),
    phones,
    emails,
    ...(Object.keys(address).length && { address }),
    birthday: str(c.birthday),
    anniversary: str(c.anniversary),
    preferredChannel: str(c.preferredChannel),
    tags: Array.isArray(c.tags) ? c.tags.flatMap((t) => (str(t) ? [t as string] : [])) : [],
    needs: str(c.needs),
    ...(str(consent.at)
      ? {
          marketingConsent: consent.marketing === true,
          consent: { source: str(consent.source), at: consent.at as string },
        }
      : consent.marketing === true && { marketingConsent: true }),
    ...(str(c.businessId) && { business: { externalId: c.businessId as string } }),
    ...(Object.keys(obj(c.customFields)).length && { customFields: obj(c.customFields) }),
  };
}

/** An order of export.json (the API's Order): a sale, or a return (all amounts negative). */
export function ordersFromJson(x: unknown, ctx: PresetContext): ImportedOrder[] {
  const o = obj(x);
  const id = str(o.id);
  if (!id) throw new Error('an order without its id');
  const customerId = str(o.customerId);
  const lines = list(o.lines).map((l, i) => {
    const name = str(l.name);
    if (!name) throw new Error(`line ${i + 1} has no name`);
    return {
      name,
      sku: str(l.sku),
      category: str(l.category),
      quantity: num(l.quantity, `the quantity of line ${i + 1}`),
      unitPrice: Math.abs(num(l.unitPrice, `the unit price of line ${i + 1}`)),
      discount: Math.abs(num(l.discount ?? 0, `the discount of line ${i + 1}`)),
      ...(typeof l.unitCost === 'number' && { unitCost: Math.abs(l.unitCost) }),
    };
  });
  if (!lines.length) throw new Error('an order without any line item');
  const refunds = refundsOf(o.refunds);
  return returnsOf({
    externalId: id,
    number: str(o.number),
    placedAt: required(str(o.placedAt), 'placedAt'),
    currency: str(o.currency)?.toUpperCase() ?? ctx.currency,
    ...statusOf(str(o.status)),
    channel: str(o.channel),
    location: str(o.location),
    paymentMethod: str(o.paymentMethod),
    lines,
    discount: Math.abs(num(o.discount ?? 0, 'discount')),
    tax: Math.abs(num(o.tax ?? 0, 'tax')),
    shipping: Math.abs(num(o.shipping ?? 0, 'shipping')),
    refunded: refundedBy(refunds, num(o.refunded ?? 0, 'refunded')),
    ...(refunds && { refunds }),
    note: str(o.note),
    customer: customerId ? customerOf({ externalId: customerId }) : null,
  });
}

/** A timeline entry of export.json (the API's Interaction). */
export function interactionFromJson(x: unknown): ImportedInteraction {
  const i = obj(x);
  return rapportInteraction({
    id: str(i.id),
    customerId: str(i.customerId),
    kind: str(i.kind),
    direction: str(i.direction),
    occurredAt:
      str(i.occurredAt) && !Number.isNaN(Date.parse(i.occurredAt as string))
        ? new Date(i.occurredAt as string).toISOString()
        : undefined,
    author: str(i.authorName),
    phone: str(i.phone),
    body: typeof i.body === 'string' ? i.body : undefined,
  });
}
