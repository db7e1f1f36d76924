import { createHash, randomInt } from 'node:crypto';

/** Letters and digits that cannot be misread or misheard: no 0/O, 1/I/L, no U (Crockford's choice). */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh code, 12 characters in three groups (ABCD-EFGH-JKLM): 30¹² ≈ 5 × 10¹⁷ codes, drawn by the OS's CSPRNG. */
export function newVoucherCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** A typed code as stored: upper case, without spaces and dashes. */
export const normalizeCode = (s: string) => s.toUpperCase().replace(/[\s-]+/g, '');

/** Codes are bearer value: only their SHA-256 is stored, looked up by the exact normalized code. */
export const hashCode = (s: string) => createHash('sha256').update(normalizeCode(s)).digest('hex');
