/**
 * Intersecting sorted lists of customers without reading them whole: each list (the customers having one query
 * word, read from the name-token postings in name order) is read a batch at a time from a position, and a
 * leapfrog join jumps every list to the furthest head until they agree. The work is proportional to the
 * matches returned plus the places where the lists part, not to the lists' lengths: two words that 10,000
 * customers each have and 50 share cost a few reads, wherever those 50 are in name order.
 */

/** A customer's place in name order: the sort key, then the id. */
export type Key = { sort: string; id: string };

/**
 * Compare two strings by Unicode code point: the order of SQLite's BINARY and PostgreSQL's "C" collation
 * (byte order of UTF-8), which JavaScript's `<` (UTF-16 code units) only differs from above U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // surrogates (astral code points) sort after every other unit
    const fx = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
    const fy = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
    return fx - fy;
  }
  return a.length - b.length;
}

export const compareKeys = (a: Key, b: Key): number =>
  compareCodePoints(a.sort, b.sort) || compareCodePoints(a.id, b.id);

/**
 * Up to `n` keys of a list in key order, from `from` on (after it when `strict`; from the start when no
 * `from`). Fewer than `n` means the list ends there. A key may repeat (a customer with two of a word's
 * spellings): repeats are adjacent and harmless.
 */
export type ReadSorted = (from: Key | undefined, strict: boolean, n: number) => Promise<Key[]>;

/** A list read a batch at a time, moving forward only. */
class SortedCursor {
  private buf: Key[] = [];
  private pos = 0;
  private ends = false;
  private started = false;

  constructor(
    private readonly read: ReadSorted,
    private readonly batch: number,
  ) {}

  /** The first key ≥ `k` (> `k` when strict; the first of all without `k`), or undefined past the end. */
  async seek(k: Key | undefined, strict: boolean): Promise<Key | undefined> {
    if (!this.started || !k) {
      this.started = true;
      return this.fill(k, strict);
    }
    if (strict && this.buf[this.pos] === k) {
      // stepping past the current head needs no comparison (a single list may be in another order)
      this.pos++;
      while (this.pos < this.buf.length && sameKey(this.buf[this.pos] as Key, k)) this.pos++;
    } else {
      // the first buffered key at or past k (binary search from the current position)
      let lo = this.pos;
      let hi = this.buf.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const c = compareKeys(this.buf[mid] as Key, k);
        if (strict ? c > 0 : c >= 0) hi = mid;
        else lo = mid + 1;
      }
      this.pos = lo;
    }
    if (this.pos < this.buf.length) return this.buf[this.pos];
    if (this.ends) return undefined;
    return this.fill(k, strict);
  }

  private async fill(k: Key | undefined, strict: boolean): Promise<Key | undefined> {
    this.buf = await this.read(k, strict, this.batch);
    this.pos = 0;
    this.ends = this.buf.length < this.batch;
    return this.buf[0];
  }
}

const sameKey = (a: Key, b: Key) => a.id === b.id && a.sort === b.sort;

/**
 * The keys every list has, in key order, after `after`, a batch at a time (`next(n)`). Each list is read
 * `batch` keys at a time. A single list's keys pass straight through, in the list's own order (no comparisons).
 */
export class Intersection {
  private readonly cursors: SortedCursor[];
  private at: Key | undefined;
  private done: boolean;

  constructor(lists: ReadSorted[], after: Key | undefined, batch: number) {
    this.cursors = lists.map((read) => new SortedCursor(read, batch));
    this.at = after;
    this.done = !lists.length;
  }

  /** Up to `n` more keys (fewer only at the end). */
  async next(n: number): Promise<Key[]> {
    const out: Key[] = [];
    const lists = this.cursors;
    while (!this.done && out.length < n) {
      let candidate = await (lists[0] as SortedCursor).seek(this.at, this.at !== undefined);
      // leapfrog: move the lists in turn to the candidate; a list that lands past it makes its key the candidate
      let agreed = 1;
      for (let i = 1 % lists.length; candidate && agreed < lists.length; i = (i + 1) % lists.length) {
        const head: Key | undefined = await (lists[i] as SortedCursor).seek(candidate, false);
        if (head && compareKeys(head, candidate) === 0) agreed++;
        else {
          candidate = head;
          agreed = 1;
        }
      }
      if (!candidate) {
        this.done = true;
        break;
      }
      out.push(candidate);
      this.at = candidate;
    }
    return out;
  }
}
