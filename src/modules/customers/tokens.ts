/**
 * Name tokens for search: lower case, accents removed, split on anything that is not a letter or digit.
 * @example nameTokens('Adaóra  O’Kafor-Bello') // ['adaora', 'okafor', 'bello']
 */
export function nameTokens(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '');
  const out = new Set<string>();
  for (const t of folded.split(/[^\p{L}\p{N}]+/u)) if (t) out.add(t.slice(0, 40));
  return [...out];
}

/** The key a customer list is sorted by: folded name (then id). */
export const sortKey = (name: string): string => nameTokens(name).join(' ') || name.toLowerCase();

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), stopping early past `max`.
 * @example editDistance('jonh', 'john', 2) // 1
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] ?? max + 1;
}

/** How many typos a query token of this length may carry. */
export const allowedTypos = (len: number): number => (len < 4 ? 0 : len < 7 ? 1 : 2);

/**
 * How many typos this query token may carry: by its length, but none in a number ("Unit 12" is not "Unit 13";
 * phone numbers are searched as phones).
 */
export const typosFor = (token: string): number => (/^\p{N}+$/u.test(token) ? 0 : allowedTypos(token.length));
