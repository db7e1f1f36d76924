import { dateTime } from '../../lib/format.ts';

const pct = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const num1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** 0.734 → "73%". */
export const percent = (p: number) => pct.format(p);
/** 2.345 → "2.3". */
export const decimal = (n: number) => num1.format(n);
/** "as of 3 Nov 2026, 04:00" (empty before the first refit). */
export const asOfText = (asOf: string | null | undefined, timeZone?: string) =>
  asOf ? `as of ${dateTime(asOf, timeZone)}` : '';

/** Whole currency units for chart axes: minor units divided by the currency's fraction digits. */
export function majorUnits(minor: number, currency: string): number {
  try {
    const digits = new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    return minor / 10 ** (digits ?? 2);
  } catch {
    return minor / 100;
  }
}

/** A short money label for axes and tooltips ("₦12K"), from whole units. */
export function compactMoney(major: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(major);
  } catch {
    return `${num1.format(major)} ${currency}`;
  }
}

/** 'YYYY-MM-DD' → "Jan 29, 2027", never shifted by a time zone. */
export function shortDate(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))),
  );
}

/** Money in whole units for reading ("₦871,910"); the exact figure goes in a title. */
export function wholeMoney(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
      minimumFractionDigits: 0,
    }).format(Math.round(majorUnits(minor, currency)));
  } catch {
    return `${Math.round(minor / 100)} ${currency}`;
  }
}
