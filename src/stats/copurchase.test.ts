import { describe, expect, it } from 'vitest';
import { fitNeighbours, rowOf, suggestFor, type History, type LineLog } from './copurchase.ts';
import { createRng } from './simulate.ts';
import { evaluateSuggestions, signTestP } from './suggest-eval.ts';

const BREAD = 0;
const CAKE = 1;
const MILK = 2;
const JAM = 3;
/** Customers' baskets (item lists), all bought on day 10. */
function log(baskets: number[][], day = 10): LineLog {
  const c: number[] = [];
  const it: number[] = [];
  baskets.forEach((b, k) => b.forEach((i) => (c.push(k), it.push(i))));
  return {
    customer: Int32Array.from(c),
    item: Int32Array.from(it),
    day: new Int32Array(c.length).fill(day),
    length: c.length,
    items: 4,
  };
}
// bread 4 customers, cake 3, milk 3, jam 2; bread+cake 3, bread+milk 2, cake+milk 1, milk+jam 1
const SHOP = log([[BREAD, CAKE], [BREAD, CAKE], [BREAD, CAKE, MILK], [BREAD, MILK], [MILK, JAM], [JAM]]);

describe('co-purchase neighbours (counted by hand)', () => {
  const nb = fitNeighbours(SHOP, { today: 10, halfLifeDays: Infinity, k: 3 });
  it('ranks by cosine = both / √(n_a n_b), pairs bought by one customer only left out', () => {
    expect(rowOf(nb, BREAD).map((r) => [r.item, r.support])).toEqual([
      [CAKE, 3],
      [MILK, 2],
    ]);
    expect(rowOf(nb, BREAD)[0]?.score).toBeCloseTo(3 / Math.sqrt(12), 12);
    expect(rowOf(nb, BREAD)[1]?.score).toBeCloseTo(2 / Math.sqrt(12), 12);
    expect(rowOf(nb, CAKE).map((r) => r.item)).toEqual([BREAD]); // cake+milk: one customer
    expect(rowOf(nb, JAM)).toEqual([]);
    expect([...nb.popular]).toEqual([BREAD, CAKE, MILK, JAM]);
    expect([...nb.popularity]).toEqual([4, 3, 3, 2]);
  });
  it('halves an old purchase per half-life', () => {
    // customer 0 bought bread and cake 30 days before customer 1
    const l = log([
      [BREAD, CAKE],
      [BREAD, CAKE],
    ]);
    l.day[0] = 0;
    l.day[1] = 0;
    l.day[2] = 30;
    l.day[3] = 30;
    const d = fitNeighbours(l, { today: 30, halfLifeDays: 30, k: 1 });
    expect(d.popularity[BREAD]).toBeCloseTo(0.5 + 1 / 1, 12);
  });
  it('suggests the neighbours of what the customer bought, not their regulars or what they just bought', () => {
    const so = { today: 100, halfLifeDays: Infinity, k: 2 };
    const onlyBread: History = new Map([[BREAD, { last: 50, days: 1 }]]);
    const s = suggestFor(onlyBread, (i) => rowOf(nb, i), nb.popular, so);
    expect(s.map((x) => [x.item, x.because])).toEqual([
      [CAKE, BREAD],
      [MILK, BREAD],
    ]);
    expect(s[0]?.score).toBeCloseTo(3 / Math.sqrt(12), 12);
    // bread a regular, cake just bought (5 days ago): milk from bread, then the most popular left (jam)
    const justCake: History = new Map([
      [BREAD, { last: 50, days: 3 }],
      [CAKE, { last: 95, days: 1 }],
    ]);
    expect(suggestFor(justCake, (i) => rowOf(nb, i), nb.popular, so).map((x) => [x.item, x.because])).toEqual(
      [
        [MILK, BREAD],
        [JAM, null],
      ],
    );
  });
});

/** Customers buying over 400 days; with `structure`, 80 % of each purchase from the customer's own family. */
function simulate(seed: number, structure: boolean): LineLog {
  const rng = createRng(seed);
  const items = 40;
  const weight = Array.from({ length: items }, (_, i) => 1 / (i + 1));
  const total = weight.reduce((a, b) => a + b, 0);
  const zipf = () => {
    let u = rng.uniform() * total;
    for (let i = 0; i < items; i++) if ((u -= weight[i] as number) <= 0) return i;
    return items - 1;
  };
  const c: number[] = [];
  const d: number[] = [];
  const it: number[] = [];
  for (let k = 0; k < 800; k++) {
    const family = Math.floor(rng.uniform() * 10);
    const n = 3 + Math.floor(rng.uniform() * 6);
    for (let p = 0; p < n; p++) {
      c.push(k);
      d.push(Math.floor(rng.uniform() * 400));
      it.push(structure && rng.uniform() < 0.8 ? family * 4 + Math.floor(rng.uniform() * 4) : zipf());
    }
  }
  return {
    customer: Int32Array.from(c),
    day: Int32Array.from(d),
    item: Int32Array.from(it),
    length: c.length,
    items,
  };
}

describe('hit rate at 5 against the popularity baseline', () => {
  const o = { today: 400, halfLifeDays: 180, seed: 7, testDays: 90 };
  it('beats popularity on data with co-purchase structure, the same from the same seed', () => {
    const e = evaluateSuggestions(simulate(1, true), o);
    expect(e.customers).toBeGreaterThan(100);
    expect(e.hitRate5 as number).toBeGreaterThan((e.baselineHitRate5 as number) + 0.1);
    expect(e.beatsBaseline).toBe(true);
    expect(evaluateSuggestions(simulate(1, true), o)).toEqual(e);
  });
  it('does not beat it when purchases are independent of each other (then hidden)', () => {
    const e = evaluateSuggestions(simulate(2, false), o);
    expect(e.customers).toBeGreaterThan(100);
    expect(e.beatsBaseline).toBe(false);
  });
  it('sign test by hand: 8 of 8 discordant for the suggestions is p = 1/256', () => {
    expect(signTestP(8, 0)).toBeCloseTo(1 / 256, 12);
    expect(signTestP(1, 1)).toBeCloseTo(0.75, 12);
  });
});
