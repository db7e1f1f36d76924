import { z } from 'zod';

/**
 * Bounds on the values Rapport stores, shared by the API's schemas and the importer (which reads through the
 * same schemas), so that no amount and no total computed from amounts can leave the safe-integer range of
 * JavaScript or a PostgreSQL bigint, and no page can be taken down by a value it cannot show.
 */

/** The largest single amount in minor units: 10¹² (ten billion of a two-decimal currency). */
export const MAX_AMOUNT = 1_000_000_000_000;
/** The largest quantity on an order line. */
export const MAX_QUANTITY = 1_000_000;
/**
 * The largest computed total (a line, an order, a refund sum): 10¹⁵, well under 2⁵³ (9.007 × 10¹⁵), so a sum of
 * a few totals in a report stays exact too.
 */
export const MAX_TOTAL = 1_000_000_000_000_000;

/** An amount of money in integer minor units, 0 … MAX_AMOUNT. */
export const minorAmount = z
  .number()
  .int({ message: 'Minor units are whole numbers (e.g. 1250 for 12.50)' })
  .min(0)
  .max(MAX_AMOUNT, { message: `At most ${MAX_AMOUNT.toLocaleString('en')} minor units` });

/**
 * A money figure in an answer. Not `.int()`: a value stored before the bounds (or summed past 2⁵³) still
 * serializes, so one bad row never turns a page into a 500.
 */
export const minorOut = z.number();

/**
 * ISO 4217 codes that are not money anyone pays with: gold and other metals, the SDR, testing and "no
 * currency" codes, bond-market units. Intl knows some of them.
 */
const NOT_MONEY = new Set([
  'XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX',
]); // prettier-ignore
const MONEY = new Set(Intl.supportedValuesOf('currency').filter((c) => !NOT_MONEY.has(c)));

/** Whether `code` (upper case) is an ISO 4217 currency people pay with. */
export const isMoneyCurrency = (code: string): boolean => MONEY.has(code);

/** An ISO 4217 currency of money, any case in, upper case out. XXX, ZZZ and gold are refused. */
export const moneyCurrency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { message: 'An ISO 4217 code, e.g. NGN' })
  .transform((v) => v.toUpperCase())
  .refine(isMoneyCurrency, { message: 'Not an ISO 4217 currency of money (e.g. NGN, USD, EUR)' });

/** Calendar years Rapport accepts in dates and instants. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

/** Whether a 'YYYY-…' date or instant falls in MIN_YEAR … MAX_YEAR (a missing year, '--MM-DD', passes). */
export const yearInRange = (v: string): boolean => {
  const m = /^(\d{4})-/.exec(v);
  if (!m) return true;
  const y = Number(m[1]);
  return y >= MIN_YEAR && y <= MAX_YEAR;
};
const YEAR_MESSAGE = `Dates are between ${MIN_YEAR} and ${MAX_YEAR}`;

/** An ISO-8601 instant with an offset, within MIN_YEAR … MAX_YEAR in UTC. */
export const instant = z.iso
  .datetime({ offset: true })
  .refine((v) => yearInRange(new Date(v).toISOString()), { message: YEAR_MESSAGE });

/** How far ahead an event that already happened (a call, a visit) may be dated: clocks drift, time zones differ. */
export const FUTURE_SLACK_MS = 86_400_000;

/** An instant of something that happened: not more than a day ahead of now. */
export const pastInstant = instant.refine((v) => Date.parse(v) <= Date.now() + FUTURE_SLACK_MS, {
  message: 'This is dated more than a day ahead; give when it happened',
});

export { YEAR_MESSAGE };

/** NUL cannot be stored in PostgreSQL text (and means nothing in a name or note): remove it everywhere. */
export const stripNul = (s: string): string => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);

/** Remove NUL from every string in a parsed JSON value (objects and arrays in place), returning the value. */
export function stripNulDeep<T>(v: T): T {
  if (typeof v === 'string') return stripNul(v) as T;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = stripNulDeep(v[i]);
    return v;
  }
  if (!v || typeof v !== 'object') return v;
  const proto: unknown = Object.getPrototypeOf(v);
  // plain objects, and the prototype-less ones query-string parsers make
  if (proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const clean = stripNul(k);
      const value = stripNulDeep(o[k]);
      if (clean !== k) delete o[k];
      o[clean] = value;
    }
  }
  return v;
}
