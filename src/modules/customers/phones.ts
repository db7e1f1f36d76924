import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type NormalizedPhone = { e164: string | null; valid: boolean };

/**
 * Normalise a phone typed in any format to E.164 using the workspace's region for national numbers.
 * An unparseable or invalid number keeps `valid: false` (and an E.164 guess when one parses) — never dropped.
 * @example normalizePhone('0803 123 4567', 'NG') // { e164: '+2348031234567', valid: true }
 */
export function normalizePhone(raw: string, region: string): NormalizedPhone {
  const text = raw.trim();
  if (!text) return { e164: null, valid: false };
  const parsed = parsePhoneNumberFromString(text, region as CountryCode);
  if (parsed?.isValid()) return { e164: parsed.number, valid: true };
  // "2348031234567": an international number typed without its +
  const intl = asInternational(text);
  if (intl?.isValid()) return { e164: intl.number, valid: true };
  return { e164: parsed?.number ?? null, valid: false };
}

/**
 * The text read as an international number typed without its "+", when it could be one: 8+ digits, not
 * written with a "+", not starting with 0 (no country code does; "0803…" is national, and parsing it
 * as international only fails — slowly, by throwing inside libphonenumber).
 */
function asInternational(text: string) {
  if (text.startsWith('+')) return undefined;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 8 && digits[0] !== '0' ? parsePhoneNumberFromString('+' + digits) : undefined;
}

/**
 * Every E.164 number a caller's text could mean, best first (for lookup): the number as the region
 * reads it, and as an international number without its "+".
 */
export function phoneCandidates(raw: string, region: string): string[] {
  return readCallerNumber(raw, region).candidates;
}

/** A caller's number read once: its E.164 form (as stored for the call) and every number it could mean. */
export function readCallerNumber(raw: string, region: string): { e164: string | null; candidates: string[] } {
  const text = raw.trim();
  const national = text ? parsePhoneNumberFromString(text, region as CountryCode) : undefined;
  const nationalValid = !!national?.isValid();
  const intl = text ? asInternational(text) : undefined;
  const out = new Set<string>();
  if (national && nationalValid) out.add(national.number);
  else if (intl?.isValid()) out.add(intl.number);
  else if (national) out.add(national.number);
  if (intl) out.add(intl.number);
  const candidates = [...out];
  return { e164: candidates[0] ?? null, candidates };
}

/**
 * Prefixes of E.164 numbers that a partly typed number could begin, for search-as-you-type:
 * "0803 12" in NG → "+23480312"; "+1 415" → "+1415"; "234803" → "+234803".
 */
export function phonePrefixes(raw: string, region: string): string[] {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 4) return [];
  if (raw.trim().startsWith('+')) return ['+' + digits];
  const cc = getCountryCallingCode(region as CountryCode);
  const national = digits.replace(/^0+/, '');
  const out = new Set<string>([`+${cc}${national}`]);
  if (digits.startsWith(cc)) out.add('+' + digits);
  return [...out];
}

/**
 * The digits of an E.164 number last first, as stored for search by the last digits.
 * @example reversedDigits('+2348031234567') // '7654321308432'
 */
export const reversedDigits = (e164: string | null): string | null =>
  e164 ? e164.replace(/\D/g, '').split('').reverse().join('') : null;

/**
 * The reversed-digits prefix for a search by the last digits, when the text is digits (spaces and dashes
 * allowed) and at least 4 of them: "225 5373" → "3735522".
 */
export function suffixProbe(raw: string): string | null {
  if (!/^[\d\s().\-/]+$/.test(raw.trim())) return null;
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 4 ? reversedDigits(digits) : null;
}

/** The smallest digit string after every string starting with `digits`; null when there is none ("999"). */
export function nextDigits(digits: string): string | null {
  const trimmed = digits.replace(/9+$/, '');
  if (!trimmed) return null;
  return trimmed.slice(0, -1) + String(Number(trimmed.slice(-1)) + 1);
}

/** Lower-cased, trimmed email; for matching only (the typed address is kept as it was). */
export const normalizeEmail = (address: string): string => address.trim().toLowerCase();
