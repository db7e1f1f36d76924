import type { CustomersRepository } from './customers.repository.ts';
import { normalizeEmail, phoneCandidates, phonePrefixes } from './phones.ts';
import { allowedTypos, editDistance, nameTokens } from './tokens.ts';

/** Past this many matches a word is common ("jo" among a million customers): page through it in SQL instead. */
export const SEARCH_CAP = 2_000;

/** One relevance tier of results: a set of ids, or (when too many match to list) the token groups to match in SQL. */
export type SearchTier = { ids: string[] } | { groups: string[][] };

/**
 * Find customers for a free-text query, in two relevance tiers: tier 0 are exact hits (phone, email, tag,
 * or every word matching a name word exactly or as a prefix); tier 1 are hits that needed typo forgiveness.
 * Same SQL on SQLite and PostgreSQL: an inverted index of name tokens plus a per-workspace dictionary
 * that the edit distance runs over.
 */
export async function searchCustomerIds(
  repo: CustomersRepository,
  ws: string,
  q: string,
  region: string,
): Promise<SearchTier[]> {
  const exact = new Set<string>();
  const digits = q.replace(/\D/g, '');
  const phoneLike = /^[+\d\s().\-/]+$/.test(q) && digits.length >= 4;
  if (phoneLike) {
    for (const id of await repo.idsByPhones(
      ws,
      phoneCandidates(q, region),
      phonePrefixes(q, region),
      SEARCH_CAP,
    ))
      exact.add(id);
    return [{ ids: [...exact] }];
  }
  if (q.includes('@')) {
    for (const id of await repo.idsByEmailPrefix(ws, normalizeEmail(q), SEARCH_CAP)) exact.add(id);
    return [{ ids: [...exact] }];
  }
  const tokens = nameTokens(q);
  if (!tokens.length) return [];
  if (tokens.length === 1 && q.length >= 2) {
    for (const id of await repo.idsByTag(ws, q.trim().toLowerCase(), SEARCH_CAP)) exact.add(id);
    if (q.length >= 3)
      for (const id of await repo.idsByEmailPrefix(ws, normalizeEmail(q), SEARCH_CAP)) exact.add(id);
  }
  const prefixGroups: string[][] = [];
  const fuzzyGroups: string[][] = [];
  for (const t of tokens) {
    const typos = allowedTypos(t.length);
    const near = await repo.vocabularyNear(ws, t, typos);
    prefixGroups.push(near.filter((v) => v.startsWith(t)));
    fuzzyGroups.push(
      near.filter(
        (v) =>
          v.startsWith(t) ||
          (typos > 0 && editDistance(t, v.slice(0, Math.max(t.length, v.length)), typos) <= typos),
      ),
    );
  }
  const byName = await repo.idsWithTokens(ws, prefixGroups, SEARCH_CAP);
  // A common word: tags and emails first, then every name match in name order, straight from SQL (no typo tier)
  if (byName.length >= SEARCH_CAP) return [{ ids: [...exact] }, { groups: prefixGroups }];
  for (const id of byName) exact.add(id);
  const fuzzy: string[] = [];
  if (fuzzyGroups.some((g, i) => g.length > (prefixGroups[i]?.length ?? 0))) {
    for (const id of await repo.idsWithTokens(ws, fuzzyGroups, SEARCH_CAP))
      if (!exact.has(id)) fuzzy.push(id);
  }
  return [{ ids: [...exact] }, { ids: fuzzy }];
}
