/**
 * bench/suggestions (issue 20): the co-purchase step of the nightly refit — the item → top-10 table over every
 * line plus the time-split evaluation — on a synthetic shop, next to the refit's own compute (summary, fits,
 * holdout, scores, insights) on the same purchases; then one customer's suggestions assembled from the stored
 * rows (JSON, as read from suggestion_neighbours), the median over many customers.
 *
 *   node --import tsx bench/suggestions.ts [--customers 100000] [--lines 5000000] [--items 500]
 *
 * Data (seeded): each customer has a "family" of 8 related items out of `items` (family k = items 8k … 8k+7);
 * each line is from their family with probability 0.7, else a Zipf-popular item; days spread over two years.
 * What is measured is the computation in memory: reading the lines from the database and writing the rows are
 * not in these figures (the refit's read of orders is measured in bench/analytics-refit.ts).
 */
import { parseArgs } from 'node:util';
import { groupPurchaseDays } from '../src/modules/analytics/purchases.ts';
import { computeRefit } from '../src/modules/analytics/index.ts';
import {
  HALF_LIFE_DAYS,
  NEIGHBOURS,
  EVAL_SEED,
  EVAL_TEST_DAYS,
  assemble,
} from '../src/modules/grow/suggestions.ts';
import { fitNeighbours, type LineLog } from '../src/stats/copurchase.ts';
import { createRng } from '../src/stats/simulate.ts';
import { evaluateSuggestions } from '../src/stats/suggest-eval.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    lines: { type: 'string', default: '5000000' },
    items: { type: 'string', default: '500' },
    lookups: { type: 'string', default: '2000' },
  },
});
const C = Number(args.customers);
const L = Number(args.lines);
const I = Number(args.items);
const TODAY = 20_600;

const t0 = performance.now();
const rng = createRng(1);
const weights = Array.from({ length: I }, (_, i) => 1 / (i + 1));
const cum = new Float64Array(I);
weights.reduce((s, w, i) => (cum[i] = s + w), 0);
const total = cum[I - 1] as number;
const zipf = () => {
  const u = rng.uniform() * total;
  let lo = 0;
  let hi = I - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const log: LineLog = {
  customer: new Int32Array(L),
  day: new Int32Array(L),
  item: new Int32Array(L),
  length: L,
  items: I,
};
const families = Math.floor(I / 8);
const family = Int32Array.from({ length: C }, () => Math.floor(rng.uniform() * families));
for (let i = 0; i < L; i++) {
  const c = Math.floor(rng.uniform() * C);
  log.customer[i] = c;
  log.day[i] = TODAY - Math.floor(rng.uniform() * 730);
  log.item[i] = rng.uniform() < 0.7 ? (family[c] as number) * 8 + Math.floor(rng.uniform() * 8) : zipf();
}
const genMs = performance.now() - t0;

// the refit's own compute on the same purchases (one order per line, amount 1,000)
let t = performance.now();
const purchases = groupPurchaseDays(
  {
    customerIds: Array.from({ length: C }, (_, i) => `c${i}`),
    customer: log.customer,
    day: log.day,
    amount: new Float64Array(L).fill(1000),
    length: L,
  },
  TODAY,
);
const refit = computeRefit(purchases, { today: TODAY, discountRate: 0.01 });
const refitMs = performance.now() - t;

t = performance.now();
const nb = fitNeighbours(log, { today: TODAY, halfLifeDays: HALF_LIFE_DAYS, k: NEIGHBOURS });
const fitMs = performance.now() - t;
t = performance.now();
const ev = evaluateSuggestions(log, {
  today: TODAY,
  halfLifeDays: HALF_LIFE_DAYS,
  seed: EVAL_SEED,
  testDays: EVAL_TEST_DAYS,
  neighbours: NEIGHBOURS,
});
const evalMs = performance.now() - t;

// the stored rows, as the API reads them
const key = (i: number) => `item ${i}`;
const rows = Array.from({ length: I }, (_, i) => {
  const list = [];
  for (let j = 0; j < nb.k; j++) {
    const o = nb.neighbour[i * nb.k + j] as number;
    if (o < 0) break;
    list.push([key(o), key(o), nb.score[i * nb.k + j], nb.support[i * nb.k + j]]);
  }
  return { item_key: key(i), name: key(i), neighbours: JSON.stringify(list) };
});
const popular = [...nb.popular.subarray(0, 50)].map(
  (i) => [key(i), key(i), nb.popularity[i]] as [string, string, number],
);
// each customer's lines, grouped
const byCustomer = new Map<number, { customer_id: string; placed_at: string; name: string }[]>();
for (let i = 0; i < L && byCustomer.size < Number(args.lookups); i++) {
  const c = log.customer[i] as number;
  if (!byCustomer.has(c)) byCustomer.set(c, []);
}
for (let i = 0; i < L; i++) {
  const list = byCustomer.get(log.customer[i] as number);
  if (list)
    list.push({
      customer_id: 'x',
      placed_at: new Date((log.day[i] as number) * 86_400_000 + 43_200_000).toISOString(),
      name: key(log.item[i] as number),
    });
}
const times: number[] = [];
for (const lines of byCustomer.values()) {
  const s = performance.now();
  const keys = new Set(lines.map((l) => l.name));
  const mine = rows.filter((r) => keys.has(r.item_key));
  assemble(lines, 0, TODAY, mine, popular);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;

const r = (x: number) => Math.round(x);
console.log(
  JSON.stringify(
    {
      customers: C,
      lines: L,
      items: I,
      generateMs: r(genMs),
      refitOwnComputeMs: r(refitMs),
      refitTimings: refit.timings,
      suggestionsFitMs: r(fitMs),
      suggestionsEvaluateMs: r(evalMs),
      suggestionsTotalMs: r(fitMs + evalMs),
      evaluation: { ...ev, hitRate5: ev.hitRate5, baselineHitRate5: ev.baselineHitRate5 },
      oneCustomer: {
        lookups: times.length,
        medianMs: +q(0.5).toFixed(3),
        p99Ms: +q(0.99).toFixed(3),
        medianLines: L / C,
      },
      heapMb: r(process.memoryUsage().rss / 1e6),
    },
    null,
    2,
  ),
);
