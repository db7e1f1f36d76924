/**
 * Money is integer minor units with an ISO 4217 code. The exponent (digits after the decimal point)
 * comes from the platform's currency data: JPY 0, NGN/USD/EUR 2, KWD/BHD 3.
 * @example currencyExponent('JPY') // 0
 */
export function currencyExponent(currency: string): number {
  let exp = exponents.get(currency);
  if (exp === undefined) {
    exp =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    exponents.set(currency, exp);
  }
  return exp;
}
// Building an Intl.NumberFormat costs ~50 µs: an import of a million prices would spend minutes on it.
const exponents = new Map<string, number>();
const formats = new Map<string, Intl.NumberFormat>();

/** Format minor units for people, e.g. formatMoney(1250000, 'NGN') → "NGN 12,500.00" (locale 'en'). */
export function formatMoney(minor: number, currency: string, locale = 'en'): string {
  const exp = currencyExponent(currency);
  const key = `${locale}|${currency}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'code' });
    if (formats.size < 1000) formats.set(key, f);
  }
  return f.format(minor / 10 ** exp);
}
