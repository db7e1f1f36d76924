import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, compareKeys, Intersection, type Key, type ReadSorted } from './postings.ts';

/** A list served from an array sorted by `order`, counting the reads. */
function listOf(keys: Key[], order: (a: Key, b: Key) => number = compareKeys) {
  const sorted = [...keys].sort(order);
  const list = {
    reads: 0,
    read: (async (from, strict, n) => {
      list.reads++;
      const i = from ? sorted.findIndex((k) => (strict ? order(k, from) > 0 : order(k, from) >= 0)) : 0;
      return i < 0 ? [] : sorted.slice(i, i + n);
    }) as ReadSorted,
  };
  return list;
}

async function drain(x: Intersection, step: number): Promise<Key[]> {
  const out: Key[] = [];
  for (;;) {
    const got = await x.next(step);
    out.push(...got);
    if (got.length < step) return out;
  }
}

const key = (sort: string, id: string): Key => ({ sort, id });

describe('code point order', () => {
  it('is the order of UTF-8 bytes (SQLite BINARY, PostgreSQL "C"), also above U+FFFF', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a), Buffer.from(b));
        expect(Math.sign(compareCodePoints(a, b))).toBe(bytes);
      }),
    );
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0); // JavaScript's < says the opposite
  });
});

describe('intersection of sorted lists', () => {
  it('finds exactly the keys every list has, in order, after the cursor, whatever the batch sizes', async () => {
    const pool = fc.constantFrom(
      ...Array.from({ length: 40 }, (_, i) => key(`name ${String(i % 13).padStart(2, '0')}`, `id-${i}`)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(pool, { maxLength: 30 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(pool, { nil: undefined }),
        async (lists, batch, step, after) => {
          const x = new Intersection(
            lists.map((l) => listOf(l).read),
            after,
            batch,
          );
          const got = await drain(x, step);
          const expected = [...new Map(lists[0]?.map((k) => [k.id, k])).values()]
            .filter((k) => lists.every((l) => l.some((o) => o.id === k.id)))
            .filter((k) => !after || compareKeys(k, after) > 0)
            .sort(compareKeys);
          expect(got).toEqual(expected);
        },
      ),
    );
  });

  it('reads little when long lists share a short run', async () => {
    const many = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => key(`${prefix} ${String(i).padStart(5, '0')}`, `${prefix}${i}`));
    const shared = many('m', 50);
    const a = listOf([...many('a', 10_000), ...shared, ...many('x', 10_000)]);
    const b = listOf([...many('b', 10_000), ...shared, ...many('y', 10_000)]);
    const got = await drain(new Intersection([a.read, b.read], undefined, 100), 20);
    expect(got).toEqual(shared);
    expect(a.reads + b.reads).toBeLessThanOrEqual(8);
  });

  it('passes a single list through in its own order, without repeating a key', async () => {
    // a list in an order no comparison here knows (as the database's own collation might be)
    const reverse = (x: Key, y: Key) => compareKeys(y, x);
    const keys = ['d', 'c', 'c', 'b', 'a'].map((s, i) => key(s, s === 'c' ? 'same' : `id${i}`));
    const l = listOf(keys, reverse);
    const got = await drain(new Intersection([l.read], undefined, 2), 10);
    expect(got.map((k) => k.sort)).toEqual(['d', 'c', 'b', 'a']);
  });
});
