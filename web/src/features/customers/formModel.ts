import { ApiError } from '../../lib/api.ts';
import type { Address, Channel, Customer, CustomFieldValue, CustomerInput, Kind } from '../../lib/api.ts';

/**
 * One row of the customer's own fields ("Stylist: Kemi"). `saved` is the value as stored (a number or
 * true/false from an import keeps its type while the text is unchanged); `key` keeps React rows stable.
 */
export type CustomFieldRow = { key: string; name: string; value: string; saved: CustomFieldValue };

let rowSeq = 0;
export const customFieldRow = (name = '', value = '', saved: CustomFieldValue = null): CustomFieldRow => ({
  key: `cf${++rowSeq}`,
  name,
  value,
  saved,
});

/** What the customer form edits: every field as the inputs hold it (strings, never undefined). */
export type FormValues = {
  kind: Kind;
  name: string;
  businessId: string | null;
  jobTitle: string;
  phones: { number: string; label: string }[];
  emails: { address: string; label: string }[];
  address: Required<Address>;
  birthday: string;
  anniversary: string;
  preferredChannel: Channel | null;
  needs: string;
  tags: string[];
  customFields: CustomFieldRow[];
  consent: { marketing: boolean; source: string };
  /** New customers only: the referrer's referral code (or customer id). */
  referredBy: string;
};

const emptyAddress = (): Required<Address> => ({
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: '',
});

export function emptyValues(
  prefill: { phone?: string | null; kind?: Kind; businessId?: string | null } = {},
): FormValues {
  return {
    kind: prefill.kind ?? 'person',
    name: '',
    businessId: prefill.businessId ?? null,
    jobTitle: '',
    phones: [{ number: prefill.phone ?? '', label: '' }],
    emails: [{ address: '', label: '' }],
    address: emptyAddress(),
    birthday: '',
    anniversary: '',
    preferredChannel: null,
    needs: '',
    tags: [],
    customFields: [],
    consent: { marketing: false, source: '' },
    referredBy: '',
  };
}

export function valuesOf(c: Customer): FormValues {
  return {
    kind: c.kind,
    name: c.name,
    businessId: c.businessId,
    jobTitle: c.jobTitle ?? '',
    phones: c.phones.length
      ? c.phones.map((p) => ({ number: p.number, label: p.label ?? '' }))
      : [{ number: '', label: '' }],
    emails: c.emails.length
      ? c.emails.map((e) => ({ address: e.address, label: e.label ?? '' }))
      : [{ address: '', label: '' }],
    address: { ...emptyAddress(), ...(c.address ?? {}) } as Required<Address>,
    birthday: c.birthday ?? '',
    anniversary: c.anniversary ?? '',
    preferredChannel: c.preferredChannel,
    needs: c.needs ?? '',
    tags: c.tags,
    // an empty value is not shown on the page either; saving drops it
    customFields: Object.entries(c.customFields)
      .filter(([, x]) => x !== null && x !== '')
      .map(([name, x]) => customFieldRow(name, String(x), x)),
    consent: { marketing: c.consent.marketing, source: c.consent.source ?? '' },
    referredBy: '',
  };
}

const orNull = (s: string) => (s.trim() ? s.trim() : null);

/**
 * The customer's fields as the API takes them. A row whose value is cleared is left out, which removes the
 * field (the API replaces the whole set). A value still reading as saved keeps its stored type.
 */
export function customFieldsOf(rows: CustomFieldRow[]): Record<string, CustomFieldValue> {
  const out: Record<string, CustomFieldValue> = {};
  for (const r of rows) {
    const name = r.name.trim();
    const value = r.value.trim();
    if (!name || !value) continue;
    out[name] = r.saved !== null && String(r.saved) === value ? r.saved : value;
  }
  return out;
}

/** Browser-side check of one row; lengths are left to the server, whose answer lands on the row. */
export function customFieldError(rows: CustomFieldRow[], i: number): string | null {
  const row = rows[i];
  if (!row) return null;
  const name = row.name.trim();
  if (!name) return row.value.trim() ? 'Give this field a name' : null;
  if (rows.slice(0, i).some((r) => r.name.trim() === name)) return 'This field is already above';
  return null;
}

/**
 * The API body. Empty phone and email rows are dropped and their positions remembered, so a server
 * error at `/body/phones/1/number` can be shown on the row the user sees (see `remapErrors`).
 */
export function toInput(
  v: FormValues,
  initial?: FormValues,
): { body: CustomerInput; phoneRows: number[]; emailRows: number[] } {
  const phoneRows: number[] = [];
  const phones = v.phones.flatMap((p, i) => {
    if (!p.number.trim()) return [];
    phoneRows.push(i);
    return [{ number: p.number.trim(), ...(p.label.trim() && { label: p.label.trim() }) }];
  });
  const emailRows: number[] = [];
  const emails = v.emails.flatMap((e, i) => {
    if (!e.address.trim()) return [];
    emailRows.push(i);
    return [{ address: e.address.trim(), ...(e.label.trim() && { label: e.label.trim() }) }];
  });
  const addr = Object.fromEntries(
    Object.entries(v.address)
      .filter(([, x]) => x.trim())
      .map(([k, x]) => [k, x.trim()]),
  );
  const consentChanged = initial
    ? initial.consent.marketing !== v.consent.marketing ||
      initial.consent.source.trim() !== v.consent.source.trim()
    : v.consent.marketing || !!v.consent.source.trim();
  const body: CustomerInput = {
    kind: v.kind,
    name: v.name.trim(),
    businessId: v.kind === 'person' ? v.businessId : null,
    jobTitle: v.kind === 'person' ? orNull(v.jobTitle) : null,
    phones,
    emails,
    address: Object.keys(addr).length ? addr : null,
    birthday: v.kind === 'person' ? orNull(v.birthday) : null,
    anniversary: orNull(v.anniversary),
    preferredChannel: v.preferredChannel,
    needs: orNull(v.needs),
    tags: v.tags.map((t) => t.trim().toLowerCase()).filter(Boolean),
    customFields: customFieldsOf(v.customFields),
    ...(!initial && v.referredBy.trim() && { referredBy: v.referredBy.trim() }),
    ...(consentChanged && {
      consent: {
        marketing: v.consent.marketing,
        ...(v.consent.source.trim() && { source: v.consent.source.trim() }),
      },
    }),
  };
  return { body, phoneRows, emailRows };
}

/** Map server field keys (`phones.0.number`, over the sent rows) back onto the form's rows. */
export function remapErrors(errors: Record<string, string>, phoneRows: number[], emailRows: number[]) {
  const out: Record<string, string> = {};
  for (const [k, msg] of Object.entries(errors)) {
    const m = /^(phones|emails)\.(\d+)(\..*)?$/.exec(k);
    if (m) {
      const rows = m[1] === 'phones' ? phoneRows : emailRows;
      const row = rows[Number(m[2])] ?? Number(m[2]);
      out[`${m[1]}.${row}${m[3] ?? (m[1] === 'phones' ? '.number' : '.address')}`] = msg;
    } else out[k] = msg;
  }
  return out;
}

/**
 * Server errors on the customer's fields, on the row they concern: `/body/customFields/<name>` names the
 * field (a name may hold '/' or '.', so the pointer is not split). A bad name lands on the name input.
 */
export function customFieldErrors(e: unknown, rows: CustomFieldRow[]): Record<string, string> {
  if (!(e instanceof ApiError)) return {};
  const list = e.problem.errors?.length
    ? e.problem.errors
    : e.problem.pointer
      ? [{ pointer: e.problem.pointer, message: e.problem.detail ?? '' }]
      : [];
  const out: Record<string, string> = {};
  const prefix = '/body/customFields';
  for (const { pointer, message } of list) {
    if (pointer !== prefix && !pointer.startsWith(`${prefix}/`)) continue;
    const raw = pointer.slice(prefix.length + 1);
    const names = [raw, raw.replaceAll('~1', '/').replaceAll('~0', '~')];
    const row = rows.findIndex((r) => names.includes(r.name.trim()));
    const badKey = /key/i.test(message);
    const text = badKey
      ? 'Name too long: at most 100 characters'
      : /Too big|<=\d+ characters/i.test(message)
        ? 'Too long: at most 2000 characters'
        : message || 'Not accepted';
    out[row < 0 ? 'customFields' : `customFields.${row}.${badKey ? 'name' : 'value'}`] ??= text;
  }
  return out;
}

const DATE = /^(\d{4}|-)-(\d{2})-(\d{2})$/;
export function dateError(v: string): string | null {
  const s = v.trim();
  if (!s) return null;
  const m = DATE.exec(s);
  if (!m) return 'Use YYYY-MM-DD, or --MM-DD when the year is unknown';
  const [y, mo, d] = [m[1], Number(m[2]), Number(m[3])];
  const max = new Date(Date.UTC(y === '-' ? 2000 : Number(y), mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > max) return 'Not a real calendar date';
  return null;
}
