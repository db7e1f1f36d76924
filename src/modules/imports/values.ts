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
 * An instant from the date formats exports use: ISO 8601 (with or without zone), "2018-12-27 10:03:19 -0500",
 * "12/27/2018" (US, month first) and "27/12/2018" when the first number cannot be a month, "Dec 27, 2018".
 * A date without a time is midnight UTC. Returns an ISO string.
 */
export function instant(v: string | undefined, opts: { dayFirst?: boolean } = {}): string | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  let m =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}| UTC)?$/.exec(s);
  if (m) {
    const zone =
      m[8] === undefined || m[8] === ' UTC' || m[8] === 'Z'
        ? 'Z'
        : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return checked(Number(m[1]), Number(m[2]), Number(m[3]), s);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i.exec(
    s,
  );
  if (m) {
    let a = Number(m[1]);
    let b = Number(m[2]);
    let y = Number(m[3]);
    if (m[3]?.length === 2) y += y < 70 ? 2000 : 1900;
    if (opts.dayFirst || a > 12) [a, b] = [b, a];
    let h = Number(m[4] ?? 0);
    if (m[7]?.toUpperCase() === 'PM' && h < 12) h += 12;
    if (m[7]?.toUpperCase() === 'AM' && h === 12) h = 0;
    const base = checked(y, a, b, s);
    return new Date(
      Date.parse(base) + (h * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0)) * 1000,
    ).toISOString();
  }
  m = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$/.exec(s);
  if (m && MONTHS[m[1]?.toLowerCase() ?? ''])
    return checked(Number(m[3]), MONTHS[m[1]?.toLowerCase() ?? ''] ?? 0, Number(m[2]), s);
  const d = new Date(s);
  if (/\d{4}/.test(s) && !Number.isNaN(d.getTime())) return d.toISOString();
  throw new ValueError(`"${s}" is not a date`);
}

function checked(y: number, mo: number, d: number, s: string): string {
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d)
    throw new ValueError(`"${s}" is not a real date`);
  return dt.toISOString();
}

/**
 * A calendar date (birthday) as 'YYYY-MM-DD' or '--MM-DD': "1990-04-17", "--12-25" (Google, no year),
 * "4/17/1990", "0/0/00" (Outlook's empty).
 */
export function calendarDate(v: string | undefined): string | undefined {
  const s = text(v);
  if (s === undefined || /^0{1,2}\/0{1,2}\/0{2,4}$/.test(s)) return undefined;
  const noYear = /^--(\d{2})-?(\d{2})$/.exec(s);
  if (noYear) return `--${noYear[1]}-${noYear[2]}`;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (compact) return checked(Number(compact[1]), Number(compact[2]), Number(compact[3]), s).slice(0, 10);
  return instant(s)?.slice(0, 10);
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

/** Yes/no columns: "yes", "true", "1", "subscribed", "opted_in". */
export const yes = (v: string | undefined): boolean | undefined => {
  const s = text(v)?.toLowerCase();
  if (s === undefined) return undefined;
  return ['yes', 'y', 'true', '1', 'subscribed', 'opted_in', 'confirmed_opt_in', 'single_opt_in'].includes(s);
};
