import type { CustomersRepository, ListFilter, NameProbe } from './customers.repository.ts';
import type { SearchRepository } from './search.repository.ts';
import { normalizeEmail, phoneCandidates, phonePrefixes, suffixProbe } from './phones.ts';
import { compareKeys, Intersection, type Key, type ReadSorted } from './postings.ts';
import { editDistance, nameTokens, typosFor } from './tokens.ts';
import type { CustomerSummary } from './customers.schema.ts';

/** Past this many matches a word is common ("jo" among a million customers): page through it in SQL instead. */
export const SEARCH_CAP = 2_000;

/**
 * A query word with up to this many spellings in the dictionary is read as a list of its customers in name order
 * (one index range per spelling); with more (a short prefix: "a", "jo"), each candidate is checked for it instead.
 */
export const LIST_MAX_TOKENS = 32;

/**
 * What one query word matches: a customer having one of `tokens` (dictionary words). With `prefix`, those are all
 * the dictionary's words starting with it, and a list longer than LIST_MAX_TOKENS may stop there: the prefix says
 * the rest.
 */
export type Term = { tokens: string[]; prefix?: string };

/**
 * One relevance tier of results: a set of ids (ordered by the database); all its matches, in code point order;
 * or (when too many match to list) the words to match, with the first SEARCH_CAP matches when those are in code
 * point order.
 */
export type SearchTier = { ids: string[] } | { keys: Key[] } | { terms: Term[]; first: Key[] };

type Filters = Pick<ListFilter, 'tag' | 'kind' | 'businessId'>;

/** What a search reads: the search index, and the customer list's walk, filters and summaries. */
export type SearchSource = SearchRepository &
  Pick<CustomersRepository, 'pageKeys' | 'rowsFor' | 'summarize' | 'idsPassing'>;
export const searchSource = (index: SearchRepository, list: CustomersRepository): SearchSource => ({
  ...index,
  pageKeys: (ws, f) => list.pageKeys(ws, f),
  rowsFor: (ws, ids) => list.rowsFor(ws, ids),
  summarize: (ws, rows) => list.summarize(ws, rows),
  idsPassing: (ws, ids, f) => list.idsPassing(ws, ids, f),
});

/**
 * Find customers for a free-text query, in two relevance tiers: tier 0 are exact hits (phone, email, tag,
 * or every word matching a name word exactly or as a prefix); tier 1 are hits that needed typo forgiveness.
 * Same SQL on SQLite and PostgreSQL: an inverted index of name tokens (kept in name order per token) plus a
 * per-workspace dictionary that the edit distance runs over.
 */
export async function searchCustomerIds(
  repo: SearchSource,
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
    // the last digits, as read off a caller ID or a receipt: "5373", "225 5373"
    const probe = suffixProbe(q);
    if (probe && exact.size < SEARCH_CAP)
      for (const id of await repo.idsByPhoneSuffix(ws, probe, SEARCH_CAP - exact.size)) exact.add(id);
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
  const prefixTerms: Term[] = [];
  const fuzzyTerms: Term[] = [];
  for (const t of tokens) {
    const typos = typosFor(t);
    if (typos === 0) {
      // prefix matches only: the dictionary's words starting with t (enough of them to know if they are many)
      const term = { tokens: await repo.vocabularyWithPrefix(ws, t, LIST_MAX_TOKENS + 1), prefix: t };
      prefixTerms.push(term);
      fuzzyTerms.push(term);
      continue;
    }
    const near = await repo.vocabularyNear(ws, t, typos);
    prefixTerms.push({ tokens: near.filter((v) => v.startsWith(t)), prefix: t });
    fuzzyTerms.push({
      tokens: near.filter(
        (v) => v.startsWith(t) || editDistance(t, v.slice(0, Math.max(t.length, v.length)), typos) <= typos,
      ),
    });
  }
  // One word of one spelling: count its customers up to the cap in the index (no rows sent back) before listing them
  const [only] = prefixTerms;
  if (prefixTerms.length === 1 && only?.tokens.length === 1) {
    const n = await repo.countWithToken(ws, only.tokens[0] as string, SEARCH_CAP);
    if (n >= SEARCH_CAP) return [{ ids: [...exact] }, { terms: prefixTerms, first: [] }];
  }
  const byName = await matchingKeys(repo, ws, prefixTerms, { limit: SEARCH_CAP });
  const inOrder = listable(prefixTerms);
  // A common word: tags and emails first, then every name match in name order, read page by page (no typo tier)
  if (byName.length >= SEARCH_CAP)
    return [{ ids: [...exact] }, { terms: prefixTerms, first: inOrder ? byName : [] }];
  const exactTier: SearchTier =
    exact.size || !inOrder ? { ids: [...exact, ...byName.map((k) => k.id)] } : { keys: byName };
  for (const k of byName) exact.add(k.id);
  if (!fuzzyTerms.some((g, i) => g.tokens.length > (prefixTerms[i]?.tokens.length ?? 0)))
    return [exactTier, { ids: [] }];
  const fuzzy = (await matchingKeys(repo, ws, fuzzyTerms, { limit: SEARCH_CAP })).filter(
    (k) => !exact.has(k.id),
  );
  return [exactTier, listable(fuzzyTerms) ? { keys: fuzzy } : { ids: fuzzy.map((k) => k.id) }];
}

/** A list of keys already in memory, in key order. */
function listInMemory(keys: Key[]): ReadSorted {
  return async (from, strict, n) => {
    let lo = 0;
    let hi = keys.length;
    while (from && lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(keys[mid] as Key, from) < (strict ? 1 : 0)) lo = mid + 1;
      else hi = mid;
    }
    return keys.slice(lo, lo + n);
  };
}

/** Whether terms are matched by reading lists in code point order (else by walking customers in the database's). */
const listable = (terms: Term[]) => terms.some((t) => t.tokens.length <= LIST_MAX_TOKENS);

type PageOptions = {
  filters?: Filters;
  notIds?: string[] | undefined;
  after?: Key | undefined;
  limit: number;
};

/**
 * The keys every list has, in order, after `after`, at most `limit`, leaving out `notIds` and those failing the
 * filters (checked in the database a batch of candidates at a time).
 */
async function collect(
  repo: SearchSource,
  ws: string,
  lists: ReadSorted[],
  filters: ListFilter,
  o: PageOptions,
): Promise<Key[]> {
  const check = !!(filters.kind || filters.businessId || filters.tag || filters.probes?.length);
  const skip = new Set(o.notIds);
  const matches = new Intersection(lists, o.after, Math.min(Math.max(o.limit + 1, 32), 1000));
  const out: Key[] = [];
  for (let want = o.limit; out.length < o.limit; want = Math.min(want * 2, 1000)) {
    const got = await matches.next(want);
    let keep = got.filter((k) => !skip.has(k.id));
    if (check && keep.length) {
      const ok = await repo.idsPassing(
        ws,
        keep.map((k) => k.id),
        filters,
      );
      keep = keep.filter((k) => ok.has(k.id));
    }
    out.push(...keep);
    if (got.length < want) break;
  }
  return out.slice(0, o.limit);
}

/**
 * The customers matching every term and the filters, in name order, after `after`, at most `limit` (and none of
 * `notIds`). Terms with few spellings are read as lists of their customers in name order and intersected (work
 * proportional to the matches, not to the customers); terms with many spellings and the filters are checked on
 * the intersection's candidates, a batch at a time; a rare tag filter becomes one more list. When every term has
 * many spellings (short prefixes, which most names match), customers are walked in name order instead.
 */
export async function matchingKeys(
  repo: SearchSource,
  ws: string,
  terms: Term[],
  o: PageOptions & {
    /** A tag filter with fewer customers than this is read as one more list (default SEARCH_CAP). */
    tagListMax?: number;
  },
): Promise<Key[]> {
  if (!terms.length || terms.some((t) => t.tokens.length === 0)) return [];
  const probes: NameProbe[] = terms
    .filter((t) => t.tokens.length > LIST_MAX_TOKENS)
    .map((t) => (t.prefix !== undefined ? { prefix: t.prefix } : { tokens: t.tokens }));
  const filters: ListFilter = { ...o.filters, probes };
  if (!listable(terms))
    return repo.pageKeys(ws, { ...filters, notIds: o.notIds, after: o.after, limit: o.limit });

  const lists: ReadSorted[] = terms
    .filter((t) => t.tokens.length <= LIST_MAX_TOKENS)
    .map((t) => (from, strict, n) => repo.postingsFrom(ws, t.tokens, from, strict, n));
  if (filters.tag) {
    const max = o.tagListMax ?? SEARCH_CAP;
    const tagged = await repo.idsByTag(ws, filters.tag, max);
    if (tagged.length < max) {
      const keys = (await repo.rowsFor(ws, tagged)).map((r) => ({ sort: r.sort_name, id: r.id }));
      lists.push(listInMemory(keys.sort(compareKeys)));
      filters.tag = undefined;
    }
  }
  return collect(repo, ws, lists, filters, o);
}

/** List summaries of these customers, in this order. */
async function summaries(repo: SearchSource, ws: string, keys: Key[]) {
  const rows = new Map(
    (
      await repo.rowsFor(
        ws,
        keys.map((k) => k.id),
      )
    ).map((r) => [r.id, r]),
  );
  return repo.summarize(
    ws,
    keys.flatMap((k) => {
      const r = rows.get(k.id);
      return r ? [r] : [];
    }),
  );
}

/** A page of a tier whose matches are all known, in order (filters checked a batch at a time). */
export async function pageOfKeys(
  repo: SearchSource,
  ws: string,
  keys: Key[],
  o: PageOptions,
): Promise<(CustomerSummary & { sort: string })[]> {
  return summaries(repo, ws, await collect(repo, ws, [listInMemory(keys)], { ...o.filters }, o));
}

/**
 * A page of a common-word tier, in name order: from the first matches found while ranking the query when the page
 * lies among them (page 1 and the next ones cost no list reads), then read from the lists.
 */
export async function pageOfTerms(
  repo: SearchSource,
  ws: string,
  tier: { terms: Term[]; first: Key[] },
  o: PageOptions,
): Promise<(CustomerSummary & { sort: string })[]> {
  const last = tier.first.at(-1);
  if (!last) return summaries(repo, ws, await matchingKeys(repo, ws, tier.terms, o));
  const keys = await collect(repo, ws, [listInMemory(tier.first)], { ...o.filters }, o);
  if (keys.length < o.limit) {
    // past the first matches: on from the later of the cursor and the last of them
    const after = o.after && compareKeys(o.after, last) > 0 ? o.after : last;
    keys.push(...(await matchingKeys(repo, ws, tier.terms, { ...o, after, limit: o.limit - keys.length })));
  }
  return summaries(repo, ws, keys);
}
