/**
 * The co-purchase half of a refit, and one customer's suggestions from its stored table. The math is in
 * src/stats/copurchase.ts; this file maps names to item indexes and back.
 */
import { fitNeighbours, suggestFor, type History, type LineLog } from '../../stats/copurchase.ts';
import { evaluateSuggestions, type Evaluation } from '../../stats/suggest-eval.ts';
import { itemKey } from './grow.repository.ts';

/** A purchase counts half after this many days. */
export const HALF_LIFE_DAYS = 180;
/** Neighbours stored per item. */
export const NEIGHBOURS = 10;
/** The evaluation's seed: the same orders give the same figures. */
export const EVAL_SEED = 20;
export const EVAL_TEST_DAYS = 60;
const POPULAR_KEPT = 50;

export const localDay = (iso: string, offsetMs: number) =>
  Math.floor((Date.parse(iso) + offsetMs) / 86_400_000);

export type RawLine = { customer_id: string; placed_at: string; name: string };

/** Lines to a LineLog, one at a time: customers and items indexed in first-seen order; each item's newest name. */
export function logBuilder(offsetMs: number) {
  const customers = new Map<string, number>();
  const items = new Map<string, number>();
  const names: string[] = [];
  const newest: string[] = [];
  let cap = 1024;
  let n = 0;
  let customer = new Int32Array(cap);
  let day = new Int32Array(cap);
  let item = new Int32Array(cap);
  const grow = () => {
    cap *= 2;
    const c = new Int32Array(cap);
    c.set(customer);
    customer = c;
    const d = new Int32Array(cap);
    d.set(day);
    day = d;
    const i = new Int32Array(cap);
    i.set(item);
    item = i;
  };
  return {
    add(customerId: string, placedAt: string, name: string) {
      if (n === cap) grow();
      let c = customers.get(customerId);
      if (c === undefined) customers.set(customerId, (c = customers.size));
      const key = itemKey(name);
      let it = items.get(key);
      if (it === undefined) {
        items.set(key, (it = items.size));
        names.push(name.trim());
        newest.push(placedAt);
      } else if (placedAt > (newest[it] as string)) {
        names[it] = name.trim();
        newest[it] = placedAt;
      }
      customer[n] = c;
      day[n] = localDay(placedAt, offsetMs);
      item[n] = it;
      n++;
    },
    build() {
      const log: LineLog = {
        customer: customer.subarray(0, n),
        day: day.subarray(0, n),
        item: item.subarray(0, n),
        length: n,
        items: items.size,
      };
      return { log, keys: [...items.keys()], names };
    },
  };
}

/** Lines to a LineLog (see `logBuilder`). */
export function toLog(lines: RawLine[], offsetMs: number) {
  const b = logBuilder(offsetMs);
  for (const l of lines) b.add(l.customer_id, l.placed_at, l.name);
  return b.build();
}

export type StoredRun = {
  evaluation: Evaluation;
  popular: [string, string, number][];
  rows: { item_key: string; name: string; neighbours: string }[];
  items: number;
  timings: { fitMs: number; evaluateMs: number };
};

/** Fit the table on every line up to today and evaluate it on a time split. */
export function computeSuggestionRun(
  built: ReturnType<ReturnType<typeof logBuilder>['build']>,
  today: number,
): StoredRun {
  const { log, keys, names } = built;
  const t0 = performance.now();
  const nb = fitNeighbours(log, { today, halfLifeDays: HALF_LIFE_DAYS, k: NEIGHBOURS });
  const t1 = performance.now();
  const evaluation = evaluateSuggestions(log, {
    today,
    halfLifeDays: HALF_LIFE_DAYS,
    testDays: EVAL_TEST_DAYS,
    seed: EVAL_SEED,
    neighbours: NEIGHBOURS,
  });
  const t2 = performance.now();
  const rows = [];
  for (let i = 0; i < nb.items; i++) {
    const list: [string, string, number, number][] = [];
    for (let j = 0; j < nb.k; j++) {
      const p = i * nb.k + j;
      const o = nb.neighbour[p] as number;
      if (o < 0) break;
      list.push([keys[o] as string, names[o] as string, nb.score[p] as number, nb.support[p] as number]);
    }
    rows.push({ item_key: keys[i] as string, name: names[i] as string, neighbours: JSON.stringify(list) });
  }
  const popular = [...nb.popular.subarray(0, POPULAR_KEPT)].map(
    (i) => [keys[i], names[i], nb.popularity[i]] as [string, string, number],
  );
  return {
    evaluation,
    popular,
    rows,
    items: nb.items,
    timings: { fitMs: Math.round(t1 - t0), evaluateMs: Math.round(t2 - t1) },
  };
}

export type Suggested = {
  productKey: string;
  name: string;
  why: string;
  score: number;
  basis: 'co-purchase' | 'popular';
};

/** One customer's suggestions from their lines and the stored rows of the items they bought. */
export function assemble(
  lines: RawLine[],
  offsetMs: number,
  today: number,
  rows: { item_key: string; name: string; neighbours: string }[],
  popular: [string, string, number][],
  k = 5,
): { suggestions: Suggested[]; oftenBuys: string[] } {
  const index = new Map<string, number>();
  const names: string[] = [];
  const keys: string[] = [];
  const id = (key: string, name: string) => {
    let i = index.get(key);
    if (i === undefined) {
      index.set(key, (i = names.length));
      names.push(name);
      keys.push(key);
    }
    return i;
  };
  const table = new Map<number, { item: number; score: number }[]>();
  for (const r of rows)
    // the stored names first: the shop's newest spelling, not this customer's
    table.set(
      id(r.item_key, r.name),
      (JSON.parse(r.neighbours) as [string, string, number, number][]).map(([key, name, score]) => ({
        item: id(key, name),
        score,
      })),
    );
  const pop = popular.map(([key, name]) => id(key, name));
  const days = new Map<number, Set<number>>();
  for (const l of lines) {
    const it = id(itemKey(l.name), l.name.trim());
    const d = localDay(l.placed_at, offsetMs);
    if (d > today) continue;
    let s = days.get(it);
    if (!s) days.set(it, (s = new Set()));
    s.add(d);
  }
  const history: History = new Map();
  for (const [it, s] of days) history.set(it, { last: Math.max(...s), days: s.size });
  const got = suggestFor(history, (it) => table.get(it) ?? [], pop, {
    today,
    halfLifeDays: HALF_LIFE_DAYS,
    k,
  });
  const oftenBuys = [...history.entries()]
    .filter(([, h]) => h.days >= 2)
    .sort((a, b) => b[1].days - a[1].days || b[1].last - a[1].last)
    .slice(0, 3)
    .map(([it]) => names[it] as string);
  return {
    oftenBuys,
    suggestions: got.map((s) => ({
      productKey: keys[s.item] as string,
      name: names[s.item] as string,
      score: Math.round(s.score * 1000) / 1000,
      basis: s.because === null ? 'popular' : 'co-purchase',
      why:
        s.because === null
          ? `Popular with your customers; ${names[s.item]} is not one of theirs yet`
          : `People who buy ${names[s.because]} also buy ${names[s.item]}`,
    })),
  };
}
