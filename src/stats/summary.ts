/**
 * From purchase logs to the per-customer (x, t_x, T, monetary) summary the models use,
 * plus holdout counts and the exact compression of identical (x, t_x, T) rows into weights.
 *
 * Conventions (those of the BTYD R package and `lifetimes`, which reproduce the published
 * CDNOW numbers): purchases on the same day are one purchase (amounts summed); x = number of
 * purchase days after the first; t_x = last − first; T = calibrationEnd − first (all divided
 * by `unitDays`); monetary = mean amount of the repeat purchase days (0 when x = 0).
 * A negative amount is a refund, not a purchase: it is taken off the customer's latest purchase days up to its
 * date (never below 0 — as an order's net amount is its total less what was refunded, at most all of it), so
 * monetary is never negative; refunds after calibrationEnd do not change the calibration summary.
 */

/** One purchase. `date` is 'YYYY-MM-DD', 'YYYYMMDD' or an epoch day (days since 1970-01-01). */
export interface Purchase {
  readonly customerId: string | number;
  readonly date: string | number;
  readonly amount?: number;
}

/** Column form of a purchase log (fast path; `day` in epoch days). */
export interface PurchaseColumns {
  readonly customerId: ArrayLike<string | number>;
  readonly day: ArrayLike<number>;
  readonly amount?: ArrayLike<number>;
}

export interface SummaryOptions {
  /** Last day of the calibration period (inclusive): 'YYYY-MM-DD' or epoch day. */
  readonly calibrationEnd: string | number;
  /** Last day of the holdout period (inclusive); omit for no holdout. */
  readonly observationEnd?: string | number;
  /** Length of the time unit in days (1 = days, 7 = weeks, 30.4375 = months). Default 1. */
  readonly unitDays?: number;
}

/** Per-customer summary, struct-of-arrays (row i is customer `ids[i]`). */
export interface CustomerSummary {
  readonly ids: (string | number)[];
  /** Repeat purchase days in calibration. */
  readonly x: Float64Array;
  /** Time of the last calibration purchase since the first (recency), in units. */
  readonly tx: Float64Array;
  /** Age at the end of calibration, in units. */
  readonly T: Float64Array;
  /** Mean amount of the repeat purchase days (0 if none). */
  readonly monetary: Float64Array;
  /** First purchase, epoch day. */
  readonly firstDay: Float64Array;
  /** Purchase days in (calibrationEnd, observationEnd]; zeros when no observationEnd. */
  readonly xHoldout: Float64Array;
  /** Holdout length in units (0 when no observationEnd). */
  readonly holdoutLength: number;
  /** Customers whose first purchase is after calibrationEnd (left out). */
  readonly excludedAfterCalibration: number;
  /**
   * Refunds (negative amounts) netted out: customers of the summary with a refund up to calibrationEnd, those
   * of them whose refunds exceeded what they had bought by then (the excess is dropped), and customers with
   * refunds only (left out).
   */
  readonly refunds: {
    readonly customers: number;
    readonly exceedingPurchases: number;
    readonly refundOnly: number;
  };
}

/**
 * Parse 'YYYY-MM-DD' / 'YYYYMMDD' (or pass through an epoch day number) to an epoch day.
 * @example toEpochDay('1970-01-02') // 1
 */
export function toEpochDay(date: string | number): number {
  if (typeof date === 'number') return date;
  let y: number;
  let m: number;
  let d: number;
  if (date.length === 8) {
    y = Number(date.slice(0, 4));
    m = Number(date.slice(4, 6));
    d = Number(date.slice(6, 8));
  } else if (date.length === 10 && date[4] === '-' && date[7] === '-') {
    y = Number(date.slice(0, 4));
    m = Number(date.slice(5, 7));
    d = Number(date.slice(8, 10));
  } else {
    throw new RangeError(`Unrecognised date "${date}" (expected YYYY-MM-DD or YYYYMMDD)`);
  }
  const ms = Date.UTC(y, m - 1, d);
  if (!Number.isFinite(ms) || m < 1 || m > 12 || d < 1 || d > 31)
    throw new RangeError(`Invalid date "${date}"`);
  return Math.round(ms / 86400000);
}

/**
 * Summarise a purchase log (array of rows).
 * @example
 * const s = summarize(
 *   [{ customerId: 'a', date: '2024-01-01', amount: 10 }, { customerId: 'a', date: '2024-01-15', amount: 30 }],
 *   { calibrationEnd: '2024-01-29', unitDays: 7 },
 * );
 * // s.x[0] = 1, s.tx[0] = 2, s.T[0] = 4, s.monetary[0] = 30
 */
export function summarize(rows: Iterable<Purchase>, options: SummaryOptions): CustomerSummary {
  const ids: (string | number)[] = [];
  const days: number[] = [];
  const amounts: number[] = [];
  for (const r of rows) {
    ids.push(r.customerId);
    days.push(toEpochDay(r.date));
    amounts.push(r.amount ?? 0);
  }
  return summarizeColumns({ customerId: ids, day: days, amount: amounts }, options);
}

/**
 * Summarise a purchase log given as columns (the fast path for millions of rows).
 * @example summarizeColumns({ customerId: [1, 1], day: [0, 14], amount: [5, 7] }, { calibrationEnd: 28, unitDays: 7 })
 */
export function summarizeColumns(cols: PurchaseColumns, options: SummaryOptions): CustomerSummary {
  const n = cols.day.length;
  const unit = options.unitDays ?? 1;
  const calEnd = toEpochDay(options.calibrationEnd);
  const obsEnd = options.observationEnd === undefined ? calEnd : toEpochDay(options.observationEnd);
  if (obsEnd < calEnd) throw new RangeError('observationEnd is before calibrationEnd');
  // dense customer index, in order of first appearance
  const index = new Map<string | number, number>();
  const idList: (string | number)[] = [];
  const cust = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = cols.customerId[i] as string | number;
    let k = index.get(id);
    if (k === undefined) {
      k = idList.length;
      index.set(id, k);
      idList.push(id);
    }
    cust[i] = k;
  }
  const m = idList.length;
  // counting sort by customer
  const start = new Int32Array(m + 1);
  for (let i = 0; i < n; i++) {
    const k = (cust[i] as number) + 1;
    start[k] = (start[k] as number) + 1;
  }
  for (let k = 0; k < m; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const pos = Int32Array.from(start.subarray(0, m));
  const day = new Float64Array(n);
  const amt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = cust[i] as number;
    const p = pos[k] as number;
    pos[k] = p + 1;
    day[p] = cols.day[i] as number;
    amt[p] = cols.amount === undefined ? 0 : (cols.amount[i] as number);
  }
  const x = new Float64Array(m);
  const tx = new Float64Array(m);
  const T = new Float64Array(m);
  const monetary = new Float64Array(m);
  const firstDay = new Float64Array(m);
  const xHoldout = new Float64Array(m);
  const keep = new Uint8Array(m);
  const refunds = { customers: 0, exceedingPurchases: 0, refundOnly: 0 };
  let kept = 0;
  let afterCalibration = 0;
  for (let k = 0; k < m; k++) {
    const s = start[k] as number;
    const e = start[k + 1] as number;
    insertionSortPairs(day, amt, s, e);
    // purchase days, compacted in place into [s, w): each day's purchases summed, then that day's refunds
    // (negative amounts, up to calibration end) taken off the latest purchase days up to it, none below 0
    let w = s;
    let refunded = false;
    let exceeded = false;
    for (let j = s; j < e;) {
      const dj = day[j] as number;
      let bought = 0;
      let purchase = false;
      let refund = 0;
      for (; j < e && day[j] === dj; j++) {
        const a = amt[j] as number;
        if (a < 0) refund -= a;
        else {
          bought += a;
          purchase = true;
        }
      }
      if (purchase) {
        day[w] = dj;
        amt[w] = bought;
        w++;
      }
      if (refund > 0 && dj <= calEnd) {
        refunded = true;
        for (let q = w - 1; q >= s && refund > 0; q--) {
          const take = Math.min(amt[q] as number, refund);
          amt[q] = (amt[q] as number) - take;
          refund -= take;
        }
        if (refund > 0) exceeded = true;
      }
    }
    if (w === s) {
      refunds.refundOnly++;
      continue;
    }
    const first = day[s] as number;
    if (first > calEnd) {
      afterCalibration++;
      continue;
    }
    if (refunded) refunds.customers++;
    if (exceeded) refunds.exceedingPurchases++;
    keep[k] = 1;
    kept++;
    let repeats = 0;
    let repeatSum = 0;
    let last = first;
    let hold = 0;
    for (let j = s + 1; j < w; j++) {
      const dj = day[j] as number;
      if (dj <= calEnd) {
        repeats++;
        last = dj;
        repeatSum += amt[j] as number;
      } else if (dj <= obsEnd) hold++;
    }
    x[k] = repeats;
    tx[k] = (last - first) / unit;
    T[k] = (calEnd - first) / unit;
    monetary[k] = repeats > 0 ? repeatSum / repeats : 0;
    firstDay[k] = first;
    xHoldout[k] = hold;
  }
  const holdoutLength = (obsEnd - calEnd) / unit;
  if (kept === m) {
    return {
      ids: idList,
      x,
      tx,
      T,
      monetary,
      firstDay,
      xHoldout,
      holdoutLength,
      excludedAfterCalibration: 0,
      refunds,
    };
  }
  const ids: (string | number)[] = [];
  const sel = new Int32Array(kept);
  let q = 0;
  for (let k = 0; k < m; k++) {
    if (keep[k] === 1) {
      sel[q++] = k;
      ids.push(idList[k] as string | number);
    }
  }
  const pick = (a: Float64Array): Float64Array => {
    const out = new Float64Array(kept);
    for (let i = 0; i < kept; i++) out[i] = a[sel[i] as number] as number;
    return out;
  };
  return {
    ids,
    x: pick(x),
    tx: pick(tx),
    T: pick(T),
    monetary: pick(monetary),
    firstDay: pick(firstDay),
    xHoldout: pick(xHoldout),
    holdoutLength,
    excludedAfterCalibration: afterCalibration,
    refunds,
  };
}

function insertionSortPairs(key: Float64Array, val: Float64Array, s: number, e: number): void {
  for (let i = s + 1; i < e; i++) {
    const k = key[i] as number;
    if (k >= (key[i - 1] as number)) continue;
    const v = val[i] as number;
    let j = i - 1;
    while (j >= s && (key[j] as number) > k) {
      key[j + 1] = key[j] as number;
      val[j + 1] = val[j] as number;
      j--;
    }
    key[j + 1] = k;
    val[j + 1] = v;
  }
}

/** Unique (x, t_x, T) rows with weights, sorted by x (then t_x, T). */
export interface CompressedRfm {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Number (or summed weight) of customers per unique row. */
  readonly weight: Float64Array;
  /** Row of the compressed table for each original customer. */
  readonly rowOf: Int32Array;
  readonly length: number;
}

/**
 * Exact compression of identical (x, t_x, T) triples (bitwise-equal doubles) into weights.
 * Likelihoods summed over the compressed rows equal those over the customers.
 * @example compressRfm([0, 0, 1], [0, 0, 2], [5, 5, 5]).length // 2
 */
export function compressRfm(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  weights?: ArrayLike<number>,
): CompressedRfm {
  const n = x.length;
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  const ux = new Float64Array(n);
  const ut = new Float64Array(n);
  const uT = new Float64Array(n);
  const uw = new Float64Array(n);
  const rowOf = new Int32Array(n);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] as number;
    const b = (tx[i] as number) + 0; // +0 folds −0 into 0
    const c = (T[i] as number) + 0;
    let h = Math.imul(a | 0, 0x9e3779b1);
    f[0] = b;
    h = Math.imul(h ^ (u[0] as number), 0x85ebca6b) ^ Math.imul(u[1] as number, 0xc2b2ae35);
    f[0] = c;
    h = Math.imul(h ^ (u[0] as number), 0x27d4eb2f) ^ Math.imul(u[1] as number, 0x165667b1);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const r = table[slot] as number;
      if (r === -1) {
        table[slot] = m;
        ux[m] = a;
        ut[m] = b;
        uT[m] = c;
        uw[m] = weights === undefined ? 1 : (weights[i] as number);
        rowOf[i] = m;
        m++;
        break;
      }
      if (ux[r] === a && ut[r] === b && uT[r] === c) {
        uw[r] = (uw[r] as number) + (weights === undefined ? 1 : (weights[i] as number));
        rowOf[i] = r;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  // sort unique rows by (x, tx, T)
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort(
    (i, j) =>
      (ux[i] as number) - (ux[j] as number) ||
      (ut[i] as number) - (ut[j] as number) ||
      (uT[i] as number) - (uT[j] as number),
  );
  const inv = new Int32Array(m);
  const sx = new Float64Array(m);
  const st = new Float64Array(m);
  const sT = new Float64Array(m);
  const sw = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const o = order[k] as number;
    inv[o] = k;
    sx[k] = ux[o] as number;
    st[k] = ut[o] as number;
    sT[k] = uT[o] as number;
    sw[k] = uw[o] as number;
  }
  for (let i = 0; i < n; i++) rowOf[i] = inv[rowOf[i] as number] as number;
  return { x: sx, tx: st, T: sT, weight: sw, rowOf, length: m };
}

/** Group boundaries of a table sorted by x: starts[g]..starts[g+1] share xs[g]. @internal */
export function groupByX(x: Float64Array): { readonly xs: Float64Array; readonly starts: Int32Array } {
  const xs: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (i === 0 || x[i] !== x[i - 1]) {
      xs.push(x[i] as number);
      starts.push(i);
    }
  }
  starts.push(x.length);
  return { xs: Float64Array.from(xs), starts: Int32Array.from(starts) };
}
