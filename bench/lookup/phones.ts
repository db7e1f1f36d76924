/**
 * The benchmark's customers and the phone numbers callers dial, all derived from an index so that
 * nothing has to be kept in memory: customer i has one Nigerian mobile number, unique and valid.
 */

/** Valid NG mobile prefixes (national, without the trunk 0) that customers get. */
const KNOWN_PREFIXES = ['803', '806', '813', '816', '703', '706', '903', '906'] as const;
/** A valid NG mobile prefix no customer has: numbers in it are unknown callers (404). */
const UNKNOWN_PREFIX = '805';

const FIRST = ['Ada', 'Chinedu', 'Ngozi', 'Emeka', 'Funmi', 'Tunde', 'Bisi', 'Kemi', 'Ifeoma', 'Segun'];
const LAST = ['Okafor', 'Adeyemi', 'Okonkwo', 'Balogun', 'Eze', 'Nwosu', 'Bello', 'Afolabi', 'Obi', 'Lawal'];

/** The national significant number (10 digits, no leading 0) of customer i. */
export function nationalOf(i: number): string {
  const prefix = KNOWN_PREFIXES[i % KNOWN_PREFIXES.length] as string;
  return prefix + String(Math.floor(i / KNOWN_PREFIXES.length)).padStart(7, '0');
}

/** A valid number in a prefix no customer has. */
export const unknownNational = (n: number): string =>
  UNKNOWN_PREFIX + String(n % 10_000_000).padStart(7, '0');

/** The customer-creation input of customer i (as a shop would type it: "0803 123 4567"). */
export function customerInput(i: number) {
  const nsn = nationalOf(i);
  return {
    kind: 'person' as const,
    name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`,
    phones: [{ number: `0${nsn.slice(0, 3)} ${nsn.slice(3, 6)} ${nsn.slice(6)}` }],
    emails: [{ address: `customer${i}@example.com` }],
    tags: i % 7 === 0 ? ['vip'] : [],
  };
}

/** The formats a phone system or a person sends the same number in. */
const FORMATS: ((nsn: string) => string)[] = [
  (n) => `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`, // 0803 123 4567
  (n) => `+234 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`, // +234 803 123 4567
  (n) => `234${n}`, // 2348031234567
  (n) => `0${n}`, // 08031234567
];

/** Seeded PRNG (mulberry32): the same request sequence every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An endless source of `/api/v1/lookup?phone=…` paths: a random customer's number in a random format,
 * or (with probability `unknownShare`) a valid number that no customer has.
 */
export function lookupPaths(customers: number, unknownShare = 0.1, seed = 42): () => string {
  const r = rng(seed);
  return () => {
    const unknown = r() < unknownShare;
    const nsn = unknown ? unknownNational(Math.floor(r() * 1e7)) : nationalOf(Math.floor(r() * customers));
    const format = FORMATS[Math.floor(r() * FORMATS.length)] as (n: string) => string;
    return `/api/v1/lookup?phone=${encodeURIComponent(format(nsn))}`;
  };
}

/** Customer i's number in format k (for the call-event probe). */
export const formatted = (i: number, k: number): string =>
  (FORMATS[k % FORMATS.length] as (n: string) => string)(nationalOf(i));
