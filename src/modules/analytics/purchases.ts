/**
 * A workspace's purchase history in columns, grouped per customer: what a refit reads from the orders and
 * every per-customer number is computed from. Pure (no I/O).
 */

/** Raw purchases as read from the orders: one entry per order (customer index, local day, net amount). */
export type PurchaseLog = {
  /** Customer ids; `customer[i]` indexes this list. */
  customerIds: string[];
  customer: Int32Array;
  /** Local calendar day of the purchase, as an epoch day (days since 1970-01-01). */
  day: Int32Array;
  /** Net amount (total − refunded), minor units. */
  amount: Float64Array;
  length: number;
};

/**
 * Purchase days per customer (compressed sparse rows): customer k's distinct purchase days, ascending, are
 * `day[start[k]] … day[start[k+1] − 1]`, with the amount of each day (orders of one day summed).
 */
export type PurchaseDays = {
  customerIds: string[];
  start: Int32Array;
  day: Int32Array;
  amount: Float64Array;
  /** Orders dated after the calibration end (left out). */
  future: number;
};

/**
 * Group a log by customer and merge orders of the same day (the models count purchase days). Orders after
 * `lastDay` are left out, and customers with none left are dropped.
 * @example groupPurchaseDays({ customerIds: ['a'], customer: Int32Array.of(0, 0), day: Int32Array.of(3, 3), amount: Float64Array.of(5, 7), length: 2 }, 10)
 * // one day (3) worth 12
 */
export function groupPurchaseDays(log: PurchaseLog, lastDay: number): PurchaseDays {
  const m = log.customerIds.length;
  const count = new Int32Array(m + 1);
  let future = 0;
  for (let i = 0; i < log.length; i++) {
    if ((log.day[i] as number) > lastDay) future++;
    else {
      const k = (log.customer[i] as number) + 1;
      count[k] = (count[k] as number) + 1;
    }
  }
  for (let k = 0; k < m; k++) count[k + 1] = (count[k + 1] as number) + (count[k] as number);
  const pos = Int32Array.from(count.subarray(0, m));
  const n = count[m] as number;
  const day = new Int32Array(n);
  const amount = new Float64Array(n);
  for (let i = 0; i < log.length; i++) {
    const d = log.day[i] as number;
    if (d > lastDay) continue;
    const k = log.customer[i] as number;
    const p = pos[k] as number;
    pos[k] = p + 1;
    day[p] = d;
    amount[p] = log.amount[i] as number;
  }
  // sort each customer's days, merge equal days, compact in place; drop customers with nothing left
  const ids: string[] = [];
  const start: number[] = [0];
  let w = 0;
  for (let k = 0; k < m; k++) {
    const s = count[k] as number;
    const e = count[k + 1] as number;
    if (e === s) continue;
    sortPairs(day, amount, s, e);
    const from = w;
    for (let j = s; j < e; j++) {
      if (w > from && day[w - 1] === day[j])
        amount[w - 1] = (amount[w - 1] as number) + (amount[j] as number);
      else {
        day[w] = day[j] as number;
        amount[w] = amount[j] as number;
        w++;
      }
    }
    ids.push(log.customerIds[k] as string);
    start.push(w);
  }
  return {
    customerIds: ids,
    start: Int32Array.from(start),
    day: day.slice(0, w),
    amount: amount.slice(0, w),
    future,
  };
}

/**
 * Purchase days built in one pass from orders that arrive **grouped by customer** (each customer's orders one
 * after another, best in time order: then no sorting at all) — what a refit reads through the
 * (workspace, customer, placed_at) index, without a map of customer ids or a second pass. Orders after
 * `lastDay` are left out (counted in `future`) and customers with none left are dropped, as in
 * `groupPurchaseDays`, whose result this equals for the same orders.
 * @example const b = purchaseDaysBuilder(today); b.add('a', 3, 5); b.add('a', 3, 7); b.finish() // one day (3) worth 12
 */
export function purchaseDaysBuilder(lastDay: number) {
  const ids: string[] = [];
  let start = new Int32Array(1 << 12);
  let day = new Int32Array(1 << 14);
  let amount = new Float64Array(1 << 14);
  let w = 0; // days written
  let from = 0; // first day of the current customer
  let current: string | undefined;
  let sorted = true;
  let future = 0;
  /** Close the current customer: sort and merge its days if they came out of order; keep it if any. */
  const close = () => {
    if (current === undefined || w === from) return;
    if (!sorted) {
      sortPairs(day, amount, from, w);
      let v = from;
      for (let j = from; j < w; j++) {
        if (v > from && day[v - 1] === day[j])
          amount[v - 1] = (amount[v - 1] as number) + (amount[j] as number);
        else {
          day[v] = day[j] as number;
          amount[v] = amount[j] as number;
          v++;
        }
      }
      w = v;
    }
    if (ids.length + 1 >= start.length) {
      const grown = new Int32Array(start.length * 2);
      grown.set(start);
      start = grown;
    }
    ids.push(current);
    start[ids.length] = w;
  };
  return {
    add(customerId: string, d: number, net: number): void {
      if (customerId !== current) {
        close();
        current = customerId;
        from = w;
        sorted = true;
      }
      if (d > lastDay) {
        future++;
        return;
      }
      if (w > from) {
        const prev = day[w - 1] as number;
        if (prev === d && sorted) {
          amount[w - 1] = (amount[w - 1] as number) + net;
          return;
        }
        if (d < prev) sorted = false;
      }
      if (w === day.length) {
        const d2 = new Int32Array(w * 2);
        d2.set(day);
        day = d2;
        const a2 = new Float64Array(w * 2);
        a2.set(amount);
        amount = a2;
      }
      day[w] = d;
      amount[w] = net;
      w++;
    },
    finish(): PurchaseDays {
      close();
      current = undefined;
      return {
        customerIds: ids,
        start: start.slice(0, ids.length + 1),
        day: day.slice(0, w),
        amount: amount.slice(0, w),
        future,
      };
    },
  };
}

function sortPairs(key: Int32Array, val: Float64Array, s: number, e: number): void {
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

/** Per-customer (x, t_x, T, monetary) in days as of `asOf`, from purchase days up to `asOf` (inclusive). */
export type DaySummary = {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  monetary: Float64Array;
  /** Purchase days in (asOf, holdoutEnd] (0 without a holdout). */
  xHoldout: Float64Array;
  /** Row of `PurchaseDays` each summary row belongs to (customers whose first purchase is after asOf are left out). */
  customer: Int32Array;
};

/**
 * The models' summary (BTYD conventions: x = purchase days after the first, monetary = mean of those days'
 * amounts) as of a day, with the purchase days that followed up to `holdoutEnd`.
 * @example summarizeDays(days, today) // the refit; summarizeDays(days, today − 90, today) // the holdout check
 */
export function summarizeDays(p: PurchaseDays, asOf: number, holdoutEnd = asOf): DaySummary {
  const m = p.customerIds.length;
  const keep: number[] = [];
  for (let k = 0; k < m; k++) if ((p.day[p.start[k] as number] as number) <= asOf) keep.push(k);
  const n = keep.length;
  const out: DaySummary = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    monetary: new Float64Array(n),
    xHoldout: new Float64Array(n),
    customer: Int32Array.from(keep),
  };
  for (let i = 0; i < n; i++) {
    const k = keep[i] as number;
    const s = p.start[k] as number;
    const e = p.start[k + 1] as number;
    const first = p.day[s] as number;
    let x = 0;
    let last = first;
    let sum = 0;
    let hold = 0;
    for (let j = s + 1; j < e; j++) {
      const d = p.day[j] as number;
      if (d <= asOf) {
        x++;
        last = d;
        sum += p.amount[j] as number;
      } else if (d <= holdoutEnd) hold++;
    }
    out.x[i] = x;
    out.tx[i] = last - first;
    out.T[i] = asOf - first;
    out.monetary[i] = x > 0 ? sum / x : 0;
    out.xHoldout[i] = hold;
  }
  return out;
}

/** 'YYYY-MM-DD' of an epoch day. */
export const dayToDate = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Month index (years × 12 + month − 1) of an epoch day. */
export function monthOf(day: number): number {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** 'YYYY-MM' of a month index. */
export const monthLabel = (month: number): string =>
  `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
