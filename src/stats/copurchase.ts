/**
 * Item-to-item co-purchase ("people who buy bread also buy the coconut cake"). Pure: typed arrays in, a compact
 * item → top-k neighbours table out; one customer's suggestions are assembled from it on request.
 */

/** Purchased lines: customer index, local epoch day, item index (one entry per line; order does not matter). */
export type LineLog = {
  customer: Int32Array;
  day: Int32Array;
  item: Int32Array;
  length: number;
  /** Number of distinct items (item indexes are 0 … items − 1). */
  items: number;
};

export type CoOptions = {
  /** The day the weights are measured from; lines after it are left out. */
  today: number;
  /** A purchase this many days old counts half (Infinity: plain counts). */
  halfLifeDays: number;
  /** Neighbours kept per item. */
  k: number;
  /** Pairs are counted among the most popular this-many items (default 2,000); the rest fall back to popularity. */
  maxItems?: number;
  /** A neighbour needs at least this many customers who bought both (default 2). */
  minSupport?: number;
};

export type Neighbours = {
  items: number;
  k: number;
  /** Row-major items × k: neighbour item index, −1 when empty. */
  neighbour: Int32Array;
  /** Cosine similarity of the decayed purchase vectors, 0 … 1. */
  score: Float64Array;
  /** Customers who bought both. */
  support: Int32Array;
  /** Decayed number of customers who bought each item. */
  popularity: Float64Array;
  /** Items by popularity, most popular first. */
  popular: Int32Array;
};

/** What one customer has bought: per item, the last day and on how many distinct days. */
export type History = Map<number, { last: number; days: number }>;

/**
 * Per customer, per item: the last day (≤ today) and the number of distinct days it was bought — the
 * input of both the co-purchase counts and the exclusions. Returned as a flat, customer-sorted list.
 */
export function customerItems(
  log: LineLog,
  today: number,
): { customer: Int32Array; item: Int32Array; last: Int32Array; days: Int32Array; length: number } {
  const keys: number[] = [];
  const n = log.items;
  for (let i = 0; i < log.length; i++) {
    const d = log.day[i] as number;
    if (d > today) continue;
    // customer, item, day packed in one double (exact below 2^53): one sort groups and orders them
    keys.push(((log.customer[i] as number) * n + (log.item[i] as number)) * 65_536 + d);
  }
  const sorted = Float64Array.from(keys).sort();
  const customer: number[] = [];
  const item: number[] = [];
  const last: number[] = [];
  const days: number[] = [];
  let prevKey = -1;
  let prevDay = -1;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    const key = Math.floor(v / 65_536);
    const d = v - key * 65_536;
    if (key !== prevKey) {
      customer.push(Math.floor(key / n));
      item.push(key % n);
      last.push(d);
      days.push(1);
      prevKey = key;
    } else if (d !== prevDay) {
      last[last.length - 1] = d;
      days[days.length - 1] = (days[days.length - 1] as number) + 1;
    }
    prevDay = d;
  }
  return {
    customer: Int32Array.from(customer),
    item: Int32Array.from(item),
    last: Int32Array.from(last),
    days: Int32Array.from(days),
    length: customer.length,
  };
}

const decay = (age: number, halfLife: number) =>
  Number.isFinite(halfLife) ? Math.pow(0.5, Math.max(0, age) / halfLife) : 1;

/**
 * The co-purchase table: for each item its k nearest items by cosine similarity of the customers' decayed
 * purchase vectors (a customer's weight for an item is 0.5^(age of their last purchase / half-life)), with
 * at least `minSupport` customers who bought both.
 * @example fitNeighbours(log, { today: 100, halfLifeDays: Infinity, k: 3 })
 */
export function fitNeighbours(log: LineLog, o: CoOptions): Neighbours {
  const n = log.items;
  const ci = customerItems(log, o.today);
  const popularity = new Float64Array(n);
  const weight = new Float64Array(ci.length);
  for (let r = 0; r < ci.length; r++) {
    const w = decay(o.today - (ci.last[r] as number), o.halfLifeDays);
    weight[r] = w;
    const it = ci.item[r] as number;
    popularity[it] = (popularity[it] as number) + w;
  }
  const popular = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (popularity[b] as number) - (popularity[a] as number) || a - b,
  );
  const m = Math.min(n, o.maxItems ?? 2_000);
  const slot = new Int32Array(n).fill(-1); // item → dense index among the tracked items
  for (let s = 0; s < m; s++) slot[popular[s] as number] = s;
  const co = new Float64Array(m * m);
  const both = new Int32Array(m * m);
  const self = new Float64Array(m);
  const row: number[] = [];
  const rw: number[] = [];
  for (let r = 0; r < ci.length;) {
    const c = ci.customer[r];
    row.length = 0;
    rw.length = 0;
    for (; r < ci.length && ci.customer[r] === c; r++) {
      const s = slot[ci.item[r] as number] as number;
      if (s < 0) continue;
      row.push(s);
      rw.push(weight[r] as number);
    }
    for (let a = 0; a < row.length; a++) {
      const sa = row[a] as number;
      const wa = rw[a] as number;
      self[sa] = (self[sa] as number) + wa * wa;
      for (let b = 0; b < row.length; b++) {
        if (a === b) continue;
        const p = sa * m + (row[b] as number);
        co[p] = (co[p] as number) + wa * (rw[b] as number);
        both[p] = (both[p] as number) + 1;
      }
    }
  }
  const k = o.k;
  const minSupport = o.minSupport ?? 2;
  const neighbour = new Int32Array(n * k).fill(-1);
  const score = new Float64Array(n * k);
  const support = new Int32Array(n * k);
  for (let sa = 0; sa < m; sa++) {
    const base = (popular[sa] as number) * k;
    for (let sb = 0; sb < m; sb++) {
      const p = sa * m + sb;
      if (sb === sa || (both[p] as number) < minSupport) continue;
      const sim = (co[p] as number) / Math.sqrt((self[sa] as number) * (self[sb] as number));
      if (!(sim > (score[base + k - 1] as number)) && neighbour[base + k - 1] !== -1) continue;
      // insertion into the row's top k (ties: the more popular item first, as `sb` ascends by popularity)
      let j = k - 1;
      while (j > 0 && (neighbour[base + j - 1] === -1 || sim > (score[base + j - 1] as number))) {
        neighbour[base + j] = neighbour[base + j - 1] as number;
        score[base + j] = score[base + j - 1] as number;
        support[base + j] = support[base + j - 1] as number;
        j--;
      }
      neighbour[base + j] = popular[sb] as number;
      score[base + j] = sim;
      support[base + j] = both[p] as number;
    }
  }
  return { items: n, k, neighbour, score, support, popularity, popular };
}

export type Suggestion = {
  item: number;
  score: number;
  /** The item of the customer's that led to it; null for a popularity fill. */
  because: number | null;
};

export type SuggestOptions = {
  today: number;
  halfLifeDays: number;
  /** Suggestions wanted. */
  k: number;
  /** Bought within this many days: "just bought", not suggested (default 30). */
  recentDays?: number;
  /** Bought on at least this many distinct days: a regular, not suggested (default 2). */
  regularDays?: number;
};

/** Items a customer buys anyway (regulars) or just bought: never suggested. */
export function excluded(history: History, o: SuggestOptions): Set<number> {
  const out = new Set<number>();
  for (const [item, h] of history)
    if (h.days >= (o.regularDays ?? 2) || o.today - h.last <= (o.recentDays ?? 30)) out.add(item);
  return out;
}

/**
 * One customer's top-k: each candidate scores Σ over the customer's items of (their decayed weight × the
 * similarity), from the neighbours table; what is left is filled by popularity. `neighboursOf(item)` gives
 * an item's stored row (so the caller may read only the customer's rows).
 */
export function suggestFor(
  history: History,
  neighboursOf: (item: number) => { item: number; score: number }[],
  popular: ArrayLike<number>,
  o: SuggestOptions,
): Suggestion[] {
  const skip = excluded(history, o);
  const score = new Map<number, { score: number; because: number; best: number }>();
  for (const [item, h] of history) {
    const w = decay(o.today - h.last, o.halfLifeDays);
    for (const nb of neighboursOf(item)) {
      if (skip.has(nb.item)) continue;
      const add = w * nb.score;
      const cur = score.get(nb.item);
      if (!cur) score.set(nb.item, { score: add, because: item, best: add });
      else {
        cur.score += add;
        if (add > cur.best) {
          cur.best = add;
          cur.because = item;
        }
      }
    }
  }
  const out: Suggestion[] = [...score.entries()]
    .map(([item, s]) => ({ item, score: s.score, because: s.because as number | null }))
    .sort((a, b) => b.score - a.score || a.item - b.item)
    .slice(0, o.k);
  const taken = new Set(out.map((s) => s.item));
  for (let i = 0; i < popular.length && out.length < o.k; i++) {
    const item = popular[i] as number;
    if (skip.has(item) || taken.has(item)) continue;
    out.push({ item, score: 0, because: null });
    taken.add(item);
  }
  return out;
}

/** The popularity baseline: the most popular items the customer does not buy anyway and did not just buy. */
export function popularFor(history: History, popular: ArrayLike<number>, o: SuggestOptions): number[] {
  const skip = excluded(history, o);
  const out: number[] = [];
  for (let i = 0; i < popular.length && out.length < o.k; i++)
    if (!skip.has(popular[i] as number)) out.push(popular[i] as number);
  return out;
}

/** An item's stored row as a list (empty slots dropped). */
export function rowOf(nb: Neighbours, item: number): { item: number; score: number; support: number }[] {
  const out = [];
  for (let j = 0; j < nb.k; j++) {
    const p = item * nb.k + j;
    if (nb.neighbour[p] === -1) break;
    out.push({
      item: nb.neighbour[p] as number,
      score: nb.score[p] as number,
      support: nb.support[p] as number,
    });
  }
  return out;
}
