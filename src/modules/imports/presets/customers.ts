import { calendarDate, isMangledNumber, multi, text, yes, type DateReading } from '../values.ts';
import { cellGetter, perRow, type ImportedCustomer, type Preset } from '../records.ts';
import { aliasesOf, type FieldId, type FieldValues } from './fields.ts';

type Get = ReturnType<typeof cellGetter>;

/** Column names of a middle name, and of a suffix (Jr., III, PhD), in contact exports. */
const MIDDLE = ['Middle Name', 'Additional Name', 'Middle name'];
const SUFFIX = ['Suffix', 'Name Suffix'];

/** Join first, middle and last name and the suffix ("Ada N. Obi Jr."); a full-name column wins when given. */
export function personName(
  get: Get,
  first: string[],
  last: string[],
  full: string[] = [],
): string | undefined {
  const f = text(get(...full));
  if (f) return f;
  const joined = [text(get(...first)), text(get(...MIDDLE)), text(get(...last))].filter(Boolean).join(' ');
  if (!joined) return undefined;
  const suffix = text(get(...SUFFIX));
  return suffix ? `${joined}${/^(jr|sr)\.?$/i.test(suffix) ? ',' : ''} ${suffix}` : joined;
}

/** An external id, unless a spreadsheet turned it into 7.02255E+12 (then matching falls back to phone/email). */
export function externalId(get: Get, ...names: string[]): { id?: string; warning?: string } {
  const raw = text(get(...names));
  if (!raw) return {};
  if (isMangledNumber(raw))
    return {
      warning: `id "${raw}" was rounded by a spreadsheet and cannot be used; matched by phone/email instead`,
    };
  return { id: raw };
}

export const tagsOf = (v: string | undefined) =>
  (text(v) ?? '')
    .split(/[,;]| ::: /)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t && !t.startsWith('*') && t.length <= 50);

function build(c: Partial<ImportedCustomer> & { name?: string | undefined }): ImportedCustomer {
  const name = c.name ?? c.company ?? c.emails?.[0]?.address ?? c.phones?.[0]?.number;
  if (!name) throw new Error('no name, company, email or phone: nothing to know this customer by');
  return { phones: [], emails: [], tags: [], ...c, name };
}
const phones = (...xs: [string | undefined, string][]) =>
  xs.flatMap(([v, label]) => multi(v).map((number) => ({ number, label })));
const emails = (...xs: [string | undefined, string | undefined][]) =>
  xs.flatMap(([v, label]) => multi(v).map((address) => ({ address, label })));

function record(c: ImportedCustomer, warning?: string) {
  return warning ? { customer: c, warnings: [warning] } : { customer: c };
}

/**
 * A customer from a row's values by Rapport field (the generic preset and saved column mappings): a full name,
 * else first and last name; phones and emails of every column given; tags of every tags column; notes joined.
 */
export function customerOf(v: FieldValues, dates: DateReading = {}) {
  const id = externalId(() => v.first('externalId'));
  const name =
    text(v.first('name')) ??
    ([text(v.first('firstName')), text(v.first('lastName'))].filter(Boolean).join(' ') || undefined);
  const notes = v.all('notes').flatMap((n) => text(n) ?? []);
  return record(
    build({
      externalId: id.id,
      name,
      company: text(v.first('company')),
      jobTitle: text(v.first('jobTitle')),
      phones: phones(
        ...v.all('phone').map((x): [string, string] => [x, 'phone']),
        ...v.all('mobile').map((x): [string, string] => [x, 'mobile']),
        ...v.all('workPhone').map((x): [string, string] => [x, 'work']),
      ),
      emails: emails(...v.all('email').map((x): [string, undefined] => [x, undefined])),
      address: addressOf(
        (field) => (field ? v.first(field as FieldId) : undefined),
        ['addressLine1'],
        ['addressLine2'],
        ['city'],
        ['region'],
        ['postalCode'],
        ['country'],
      ),
      birthday: calendarDate(v.first('birthday'), dates),
      anniversary: calendarDate(v.first('anniversary'), dates),
      tags: [...new Set(v.all('tags').flatMap(tagsOf))],
      needs: notes.length ? notes.join('\n') : undefined,
      marketingConsent: yes(v.first('marketingConsent')),
    }),
    id.warning,
  );
}

/** Any spreadsheet: columns recognised by their names (see FIELDS for the names of each field). */
export const genericCustomers: Preset = {
  id: 'generic',
  label: 'Generic CSV (columns recognised by name)',
  kind: 'customers',
  signature: [],
  read: perRow((get, ctx) => {
    const first = (f: FieldId) => get(...aliasesOf(f));
    return customerOf(
      {
        first,
        all: (f) => {
          const x = first(f);
          return x === undefined ? [] : [x];
        },
      },
      ctx,
    );
  }),
};

/** A postal address from the first non-empty column of each part; undefined when every part is empty. */
export function addressOf(
  get: Get,
  l1: string[],
  l2: string[],
  city: string[],
  region: string[],
  zip: string[],
  country: string[],
) {
  const a = {
    line1: text(get(...l1)),
    line2: text(get(...l2)),
    city: text(get(...city)),
    region: text(get(...region)),
    postalCode: text(get(...zip)),
    country: text(get(...country)),
  };
  const clean = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
  return Object.keys(clean).length ? clean : undefined;
}

/** Shopify customers: three header layouts exist (old, 2022 "Customer ID", 2023 "Default Address …"). */
export const shopifyCustomers: Preset = {
  id: 'shopify-customers',
  label: 'Shopify customers',
  kind: 'customers',
  signature: ['First Name', 'Last Name', 'Email', 'Total Spent', 'Total Orders'],
  read: perRow((get) => {
    const id = externalId(get, 'Customer ID');
    return record(
      build({
        externalId: id.id,
        name: personName(get, ['First Name'], ['Last Name']),
        company: text(get('Default Address Company', 'Company')),
        phones: phones([get('Phone'), 'phone'], [get('Default Address Phone'), 'address']),
        emails: emails([get('Email'), undefined]),
        address: addressOf(
          get,
          ['Default Address Address1', 'Address1'],
          ['Default Address Address2', 'Address2'],
          ['Default Address City', 'City'],
          ['Default Address Province Code', 'Province Code', 'Province'],
          ['Default Address Zip', 'Zip'],
          ['Default Address Country Code', 'Country Code', 'Country'],
        ),
        tags: tagsOf(get('Tags')),
        needs: text(get('Note')),
        marketingConsent: yes(get('Accepts Email Marketing', 'Accepts Marketing')),
      }),
      id.warning,
    );
  }),
};

export const squareCustomers: Preset = {
  id: 'square-customers',
  label: 'Square customers',
  kind: 'customers',
  signature: ['Square Customer ID', 'First Name', 'Last Name'],
  read: perRow((get, ctx) => {
    const id = externalId(get, 'Square Customer ID');
    return record(
      build({
        externalId: id.id,
        name: personName(get, ['First Name'], ['Last Name']),
        company: text(get('Company Name')),
        phones: phones([get('Phone Number'), 'phone']),
        emails: emails([get('Email Address'), undefined]),
        address: addressOf(
          get,
          ['Street Address 1'],
          ['Street Address 2'],
          ['City'],
          ['State'],
          ['Postal Code'],
          ['Country'],
        ),
        birthday: calendarDate(get('Birthday'), ctx),
        tags: tagsOf(get('Groups')),
        needs: text(get('Memo')),
        marketingConsent: yes(get('Email Subscription Status')),
      }),
      id.warning,
    );
  }),
};

export const stripeCustomers: Preset = {
  id: 'stripe-customers',
  label: 'Stripe customers',
  kind: 'customers',
  signature: ['id', 'Email', 'Created (UTC)', 'Delinquent'],
  read: perRow((get) => {
    const id = externalId(get, 'id');
    return record(
      build({
        externalId: id.id,
        name: text(get('Name', 'Description')),
        phones: phones([get('Phone'), 'phone']),
        emails: emails([get('Email'), undefined]),
        address: addressOf(
          get,
          ['Address Line1', 'Card Address Line1'],
          ['Address Line2'],
          ['Address City', 'Card Address City'],
          ['Address State'],
          ['Address Postal Code', 'Card Address Zip'],
          ['Address Country', 'Card Address Country'],
        ),
      }),
      id.warning,
    );
  }),
};

/** Google Contacts: multi-values joined by " ::: ", birthdays without a year as "--12-25"; old and new headers. */
export const googleContacts: Preset = {
  id: 'google-contacts',
  label: 'Google Contacts',
  kind: 'customers',
  signature: ['Phone 1 - Value'],
  read: perRow((get, ctx) => {
    const ph: { number: string; label?: string }[] = [];
    const em: { address: string; label?: string }[] = [];
    for (let i = 1; i <= 5; i++) {
      const label = text(get(`Phone ${i} - Label`, `Phone ${i} - Type`))
        ?.replace(/^\* /, '')
        .toLowerCase();
      for (const number of multi(get(`Phone ${i} - Value`))) ph.push({ number, ...(label && { label }) });
      const el = text(get(`E-mail ${i} - Label`, `E-mail ${i} - Type`))
        ?.replace(/^\* /, '')
        .toLowerCase();
      for (const address of multi(get(`E-mail ${i} - Value`))) em.push({ address, ...(el && { label: el }) });
    }
    return record(
      build({
        name: personName(get, ['First Name', 'Given Name'], ['Last Name', 'Family Name'], ['Name']),
        company: text(get('Organization Name', 'Organization 1 - Name')),
        jobTitle: text(get('Organization Title', 'Organization 1 - Title')),
        phones: ph,
        emails: em,
        address: addressOf(
          get,
          ['Address 1 - Street'],
          ['Address 1 - Extended Address'],
          ['Address 1 - City'],
          ['Address 1 - Region'],
          ['Address 1 - Postal Code'],
          ['Address 1 - Country'],
        ),
        birthday: calendarDate(get('Birthday'), ctx),
        tags: tagsOf(get('Labels', 'Group Membership')),
        needs: text(get('Notes')),
      }),
    );
  }),
};

/** Outlook contacts: many phone columns; "0/0/00" means no date. */
export const outlookContacts: Preset = {
  id: 'outlook-contacts',
  label: 'Outlook contacts',
  kind: 'customers',
  signature: ['E-mail Address', 'Mobile Phone', 'Business Phone'],
  read: perRow((get, ctx) =>
    record(
      build({
        name: personName(get, ['First Name'], ['Last Name']),
        company: text(get('Company')),
        jobTitle: text(get('Job Title')),
        phones: phones(
          [get('Mobile Phone'), 'mobile'],
          [get('Home Phone'), 'home'],
          [get('Business Phone'), 'work'],
          [get('Primary Phone'), 'phone'],
          [get('Other Phone'), 'other'],
        ),
        emails: emails(
          [get('E-mail Address'), undefined],
          [get('E-mail 2 Address'), undefined],
          [get('E-mail 3 Address'), undefined],
        ),
        address: addressOf(
          get,
          ['Home Street', 'Business Street'],
          ['Home Street 2', 'Business Street 2'],
          ['Home City', 'Business City'],
          ['Home State', 'Business State'],
          ['Home Postal Code', 'Business Postal Code'],
          ['Home Country/Region', 'Business Country/Region'],
        ),
        birthday: calendarDate(get('Birthday'), ctx),
        anniversary: calendarDate(get('Anniversary'), ctx),
        tags: tagsOf(get('Categories')),
        needs: text(get('Notes')),
      }),
    ),
  ),
};

export const hubspotContacts: Preset = {
  id: 'hubspot-contacts',
  label: 'HubSpot contacts',
  kind: 'customers',
  signature: ['Record ID', 'First Name', 'Last Name'],
  read: perRow((get) => {
    const id = externalId(get, 'Record ID');
    return record(
      build({
        externalId: id.id,
        name: personName(get, ['First Name'], ['Last Name']),
        company: text(get('Company Name', 'Associated Company')),
        jobTitle: text(get('Job Title')),
        phones: phones([get('Phone Number'), 'phone'], [get('Mobile Phone Number'), 'mobile']),
        emails: emails([get('Email'), undefined]),
        address: addressOf(
          get,
          ['Street Address'],
          [],
          ['City'],
          ['State/Region'],
          ['Postal Code'],
          ['Country/Region'],
        ),
        tags: tagsOf(get('Lifecycle Stage')),
        marketingConsent: yes(get('Marketing contact status')) ?? undefined,
      }),
      id.warning,
    );
  }),
};
