/**
 * Money is integer minor units with an ISO 4217 code. The exponent (digits after the decimal point)
 * comes from the platform's currency data: JPY 0, NGN/USD/EUR 2, KWD/BHD 3.
 * @example currencyExponent('JPY') // 0
 */
export function currencyExponent(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Format minor units for people, e.g. formatMoney(1250000, 'NGN') → "NGN 12,500.00" (locale 'en'). */
export function formatMoney(minor: number, currency: string, locale = 'en'): string {
  const exp = currencyExponent(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'code' }).format(
    minor / 10 ** exp,
  );
}
