import { isValidPhoneNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/** A warning for a number that will not be valid for the workspace's region, or null when it is fine. */
export function phoneWarning(number: string, region: string): string | null {
  const n = number.trim();
  if (!n) return null;
  const r = region.toUpperCase() as CountryCode;
  try {
    if (isValidPhoneNumber(n, r)) return null;
  } catch {
    // fall through to the message
  }
  return n.startsWith('+')
    ? 'This is not a valid phone number. It will be kept but flagged.'
    : `Not a valid number for region ${r}. Check it, or type it with +country code. It will be kept but flagged.`;
}

/** A number in international format for display, or the input when it cannot be read. */
export function formatPhone(e164OrRaw: string | null | undefined, region?: string): string {
  if (!e164OrRaw) return '';
  try {
    const p = parsePhoneNumberFromString(
      e164OrRaw,
      (region?.toUpperCase() as CountryCode | undefined) ?? undefined,
    );
    if (p?.isValid()) return p.formatInternational();
  } catch {
    // keep as typed
  }
  return e164OrRaw;
}

/** Is this search text a phone number (digits, spaces, +, dashes, brackets)? */
export const looksLikePhone = (s: string) => /^[+()\d\s.-]{6,}$/.test(s.trim());
