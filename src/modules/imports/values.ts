import { DateTime } from 'luxon';
import { currencyExponent } from '../../platform/money.ts';

/**
 * Readers for the values real exports contain. Each returns `undefined` for an empty cell (empty stays
 * empty) and throws a `ValueError` with a reason people understand when the text cannot be read.
 */
export class ValueError extends Error {}

/**
 * Trim, drop the protective leading apostrophe (Shopify's, and Rapport's own export before a cell a
 * spreadsheet would run as a formula: = + - @, tab, CR or their full-width forms), and treat blank as missing.
 */
export function text(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  let s = v.trim();
  if (s.startsWith("'") && s.length > 1 && /^'[=+\-@\d(\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s)) s = s.slice(1);
  return s === '' ? undefined : s;
}

/**
 * A cell of Rapport's own export: trimmed, blank is missing, and only the apostrophe the export put before
 * = + - @ (so a spreadsheet shows the value instead of running it) is dropped; a note that starts with '0 keeps it.
 */
export function ownText(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  let s = v.trim();
  if (/^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s)) s = s.slice(1);
  return s === '' ? undefined : s;
}

/** Spreadsheets turn long ids into 7.02255E+12: the digits are lost, so the id cannot be a key. */
export const isMangledNumber = (s: string): boolean => /^\d+(\.\d+)?E\+\d+$/i.test(s.trim());

/**
 * Money as integer minor units: "$1,149.00 ", "1.149,00 €", "(33.62)" (negative), "-12.5", "1200" (whole units).
 * @example money('$1,149.00 ', 'USD') // 114900
 */
export function money(v: string | undefined, currency: string): number | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  let t = s.replace(/[\s\u00a0]/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1);
  }
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1);
  }
  t = t
    .replace(/^[A-Z]{3}/i, '')
    .replace(/[A-Z]{3}$/i, '')
    .replace(/[^\d.,-]/g, '');
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1);
  }
  if (!/^\d[\d.,]*$/.test(t)) throw new ValueError(`"${s}" is not an amount of money`);
  const lastDot = t.lastIndexOf('.');
  const lastComma = t.lastIndexOf(',');
  let decimalSep: string | undefined;
  if (lastDot >= 0 && lastComma >= 0) decimalSep = lastDot > lastComma ? '.' : ',';
  else if (lastComma >= 0)
    decimalSep = /,\d{1,2}$/.test(t) && (t.match(/,/g)?.length ?? 0) === 1 ? ',' : undefined;
  else if (lastDot >= 0)
    decimalSep = /\.\d{3}$/.test(t) && (t.match(/\./g)?.length ?? 0) > 1 ? undefined : '.';
  const [whole, frac = ''] = decimalSep
    ? [t.slice(0, t.lastIndexOf(decimalSep)), t.slice(t.lastIndexOf(decimalSep) + 1)]
    : [t, ''];
  const digits = whole.replace(/[.,]/g, '');
  const exp = currencyExponent(currency);
  if (frac.length > exp && !/^0*$/.test(frac.slice(exp)))
    throw new ValueError(`"${s}" has more decimals than ${currency} allows`);
  const minor = Number(digits + frac.slice(0, exp).padEnd(exp, '0'));
  if (!Number.isSafeInteger(minor)) throw new ValueError(`"${s}" is too large`);
  return negative ? -minor : minor;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/**
 * How dates without a zone or an unambiguous order are read: `zone` (IANA) is the zone of a time or date
 * without an offset (the workspace's; default UTC); `dayFirst` reads 12/05/1990 as 12 May (else as 5 December).
 * A value whose first number is over 12 is day-first, whose second is over 12 month-first, whatever the choice.
 */
export type DateReading = { zone?: string | undefined; dayFirst?: boolean | undefined };

/** Midnight (or the given time) of a calendar day in a zone, as an ISO instant; throws on a day that does not exist. */
function local(
  y: number,
  mo: number,
  d: number,
  s: string,
  zone: string | undefined,
  h = 0,
  mi = 0,
  sec = 0,
  ms = 0,
) {
  checked(y, mo, d, s);
  if (h > 23 || mi > 59 || sec > 59) throw new ValueError(`"${s}" is not a real time`);
  const dt = DateTime.fromObject(
    { year: y, month: mo, day: d, hour: h, minute: mi, second: sec, millisecond: ms },
    { zone: zone ?? 'UTC' },
  );
  if (!dt.isValid) throw new ValueError(`"${s}" is not a date`);
  return dt.toUTC().toISO() ?? '';
}

/**
 * An instant from the date formats exports use: ISO 8601 (with or without zone), "2018-12-27 10:03:19 -0500",
 * "12/27/2018" and "27/12/2018" (see DateReading for the order), "Dec 27, 2018". A time or date without an
 * offset is local to `o.zone` (a date alone is its midnight there). Returns an ISO string in UTC.
 * @example instant('2018-12-27', { zone: 'America/New_York' }) // '2018-12-27T05:00:00.000Z'
 */
export function instant(v: string | undefined, o: DateReading = {}): string | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  let m =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}| UTC)?$/.exec(s);
  if (m) {
    if (m[8] === undefined)
      return local(
        Number(m[1]),
        Number(m[2]),
        Number(m[3]),
        s,
        o.zone,
        Number(m[4]),
        Number(m[5]),
        Number(m[6] ?? 0),
        Math.round(Number(m[7] ?? 0) * 1000),
      );
    const zone = m[8] === ' UTC' || m[8] === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return local(Number(m[1]), Number(m[2]), Number(m[3]), s, o.zone);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i.exec(
    s,
  );
  if (m) {
    let a = Number(m[1]);
    let b = Number(m[2]);
    let y = Number(m[3]);
    if (m[3]?.length === 2) y += y < 70 ? 2000 : 1900;
    if (a > 12 || (o.dayFirst && b <= 12)) [a, b] = [b, a];
    let h = Number(m[4] ?? 0);
    if (m[7]?.toUpperCase() === 'PM' && h < 12) h += 12;
    if (m[7]?.toUpperCase() === 'AM' && h === 12) h = 0;
    return local(y, a, b, s, o.zone, h, Number(m[5] ?? 0), Number(m[6] ?? 0));
  }
  m = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$/.exec(s);
  if (m && MONTHS[m[1]?.toLowerCase() ?? ''])
    return local(Number(m[3]), MONTHS[m[1]?.toLowerCase() ?? ''] ?? 0, Number(m[2]), s, o.zone);
  m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})$/.exec(s);
  if (m && MONTHS[m[2]?.toLowerCase() ?? ''])
    return local(Number(m[3]), MONTHS[m[2]?.toLowerCase() ?? ''] ?? 0, Number(m[1]), s, o.zone);
  const d = new Date(s);
  if (/\d{4}/.test(s) && !Number.isNaN(d.getTime())) return d.toISOString();
  throw new ValueError(`"${s}" is not a date`);
}

/**
 * The day order of a file's numeric dates (12/05/1990): 'dmy' when a value's first number is over 12, 'mdy'
 * when its second is, undefined when no value settles it (or values disagree: the most common wins).
 */
export function dateOrderEvidence(values: Iterable<string>): { dmy: number; mdy: number } {
  const seen = { dmy: 0, mdy: 0 };
  for (const v of values) {
    const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b/.exec(v);
    if (!m) continue;
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a > 12 && b <= 12) seen.dmy++;
    else if (b > 12 && a <= 12) seen.mdy++;
  }
  return seen;
}

function checked(y: number, mo: number, d: number, s: string): string {
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d)
    throw new ValueError(`"${s}" is not a real date`);
  return dt.toISOString();
}

/**
 * A calendar date (birthday) as 'YYYY-MM-DD' or '--MM-DD': "1990-04-17", "--12-25" (Google, no year),
 * "4/17/1990" (day first with `o.dayFirst`), "0/0/00" (Outlook's empty). Never shifted by a zone.
 */
export function calendarDate(v: string | undefined, o: DateReading = {}): string | undefined {
  const s = text(v);
  if (s === undefined || /^0{1,2}\/0{1,2}\/0{2,4}$/.test(s)) return undefined;
  const noYear = /^--(\d{2})-?(\d{2})$/.exec(s);
  if (noYear) return `--${noYear[1]}-${noYear[2]}`;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (compact) return checked(Number(compact[1]), Number(compact[2]), Number(compact[3]), s).slice(0, 10);
  return instant(s, { dayFirst: o.dayFirst, zone: 'UTC' })?.slice(0, 10);
}

/** Google Contacts joins several values in one cell with " ::: ". */
export const multi = (v: string | undefined): string[] =>
  (text(v) ?? '')
    .split(':::')
    .map((x) => x.trim())
    .filter(Boolean);

/** A quantity: "2", "1.5", "1,5". */
export function quantity(v: string | undefined): number | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  const n = Number(s.replace(',', '.'));
  if (!Number.isFinite(n) || n <= 0) throw new ValueError(`"${s}" is not a quantity`);
  return n;
}

/**
 * A quantity that may be negative (a returned item): "-1", "2", "1,5". Zero is no quantity.
 * @example signedQuantity('-2') // -2
 */
export function signedQuantity(v: string | undefined): number | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  const n = Number(s.replace(',', '.').replace(/^\((.*)\)$/, '-$1'));
  if (!Number.isFinite(n) || n === 0) throw new ValueError(`"${s}" is not a quantity`);
  return n;
}

/** Yes/no columns: "yes", "true", "1", "subscribed", "opted_in". */
export const yes = (v: string | undefined): boolean | undefined => {
  const s = text(v)?.toLowerCase();
  if (s === undefined) return undefined;
  return ['yes', 'y', 'true', '1', 'subscribed', 'opted_in', 'confirmed_opt_in', 'single_opt_in'].includes(s);
};
