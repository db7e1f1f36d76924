import { randomInt } from 'node:crypto';

/**
 * Referral codes: 8 characters from 30 letters and digits that cannot be misread or misheard (no 0/O, 1/I/L, U),
 * printed as two groups of four ("K7PM-4QXR"): 30^8 ≈ 6.6 × 10^11 codes, too many to guess one.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newReferralCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** What a person typed or read out ("k7pm 4qxr", "K7PM4QXR") as the stored code, or undefined when it cannot be one. */
export function normalizeReferralCode(raw: string): string | undefined {
  const s = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== 8 || [...s].some((c) => !ALPHABET.includes(c))) return undefined;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
