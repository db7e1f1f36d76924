/**
 * The Customers-insight page's chart data, computed once per refit from the purchase days and the scores
 * (a million customers are aggregated in the worker, so each chart is one small JSON read). Pure.
 */
import type { WinBackWindow } from './winback.ts';
import type { LifecycleStage, RfmSegment } from '../../stats/index.ts';
import { monthLabel, monthOf, type PurchaseDays } from './purchases.ts';
import type { Scores } from './score.ts';

export const SEGMENTS: RfmSegment[] = [
  'champions',
  'loyal',
  'potential loyalist',
  'new',
  'promising',
  'need attention',
  'about to sleep',
  "can't lose them",
  'at risk',
  'hibernating',
  'lost',
];
export const STAGES: LifecycleStage[] = ['new', 'repeat', 'loyal', 'won back', 'at risk', 'lapsed'];

export type Insights = {
  segments: {
    segment: RfmSegment;
    customers: number;
    totalSpent: number;
    clv12m: number | null;
    averageSpent: number;
  }[];
  /** Customers by recency score (r, 5 = most recent) × frequency score (f). 25 cells. */
  grid: { r: number; f: number; customers: number; totalSpent: number }[];
  lifecycle: {
    /** Current stage counts. */
    stages: { stage: LifecycleStage; customers: number; totalSpent: number }[];
    /** Customers who ever bought once, twice or more, four times or more. */
    funnel: { step: 'new' | 'repeat' | 'loyal'; minPurchases: number; customers: number }[];
  };
  /**
   * By first-purchase month (the last 24): share of the cohort buying in each following month (0 = first).
   * Complete months only: the current month is still filling in, so no curve shows it as a drop.
   */
  cohorts: { cohort: string; customers: number; retention: number[] }[];
  /** Per calendar month (the last 24): revenue from customers in their first month vs returning ones. */
  /** The win-back rate over the last four 90-day windows, oldest first (set by the refit; absent in older runs). */
  winBack?: WinBackWindow[];
  /** Customers in each list of the run (before the lists are cut to their stored length); set by the service. */
  lists?: { at_risk: number; lapsed: number; rising: number };
  revenue: {
    month: string;
    newRevenue: number;
    returningRevenue: number;
    newCustomers: number;
    returningCustomers: number;
    /** The current month, still filling in: `daysCovered` of `daysInMonth` days so far. */
    partial: boolean;
    daysCovered: number;
    daysInMonth: number;
  }[];
  /** The previous month's revenue over the same days of the month as the current (partial) one. */
  sameDaysLastMonth: { month: string; days: number; revenue: number };
};

const MONTHS = 24;
/** Days in a month index (year × 12 + month). */
const daysIn = (month: number) =>
  new Date(Date.UTC(Math.floor(month / 12), (month % 12) + 1, 0)).getUTCDate();

export function computeInsights(p: PurchaseDays, sc: Scores, today: number): Insights {
  const m = p.customerIds.length;
  const modelled = m > 0 && !Number.isNaN(sc.clv[0] as number);
  const seg = new Map(SEGMENTS.map((s) => [s, { customers: 0, totalSpent: 0, clv: 0 }]));
  const stage = new Map(STAGES.map((s) => [s, { customers: 0, totalSpent: 0 }]));
  const grid = Array.from({ length: 25 }, (_, i) => ({
    r: 5 - Math.floor(i / 5),
    f: (i % 5) + 1,
    customers: 0,
    totalSpent: 0,
  }));
  const funnel = [0, 0, 0];
  for (let k = 0; k < m; k++) {
    const spent = sc.totalSpent[k] as number;
    const g = seg.get(sc.segment[k] as RfmSegment);
    if (g) {
      g.customers++;
      g.totalSpent += spent;
      g.clv += modelled ? (sc.clv[k] as number) : 0;
    }
    const st = stage.get(sc.stage[k] as LifecycleStage);
    if (st) {
      st.customers++;
      st.totalSpent += spent;
    }
    const cell = grid[(5 - (sc.r[k] as number)) * 5 + (sc.f[k] as number) - 1];
    if (cell) {
      cell.customers++;
      cell.totalSpent += spent;
    }
    const n = sc.purchases[k] as number;
    funnel[0] = (funnel[0] as number) + 1;
    if (n >= 2) funnel[1] = (funnel[1] as number) + 1;
    if (n >= 4) funnel[2] = (funnel[2] as number) + 1;
  }

  // cohorts and new-vs-returning revenue by calendar month
  const last = monthOf(today);
  const from = last - MONTHS + 1;
  const monthCache = new Map<number, number>();
  const month = (d: number) => {
    let v = monthCache.get(d);
    if (v === undefined) monthCache.set(d, (v = monthOf(d)));
    return v;
  };
  const cohortSize = new Float64Array(MONTHS);
  const active = Array.from({ length: MONTHS }, (_, c) => new Float64Array(MONTHS - c));
  const rev = Array.from({ length: MONTHS }, () => ({ nr: 0, rr: 0, nc: 0, rc: 0 }));
  const dayOfMonth = (d: number) => new Date(d * 86_400_000).getUTCDate();
  const todayOfMonth = dayOfMonth(today);
  let sameDays = 0;
  for (let k = 0; k < m; k++) {
    const s = p.start[k] as number;
    const e = p.start[k + 1] as number;
    const first = month(p.day[s] as number);
    const c = first - from;
    if (c >= 0) cohortSize[c] = (cohortSize[c] as number) + 1;
    let seen = -1;
    for (let j = s; j < e; j++) {
      const mo = month(p.day[j] as number);
      const i = mo - from;
      if (i < 0) continue;
      const r = rev[i] as { nr: number; rr: number; nc: number; rc: number };
      if (mo === last - 1 && dayOfMonth(p.day[j] as number) <= todayOfMonth)
        sameDays += p.amount[j] as number;
      const newcomer = mo === first;
      if (newcomer) r.nr += p.amount[j] as number;
      else r.rr += p.amount[j] as number;
      if (mo !== seen) {
        if (newcomer) r.nc++;
        else r.rc++;
        if (c >= 0) {
          const row = active[c] as Float64Array;
          row[mo - first] = (row[mo - first] as number) + 1;
        }
        seen = mo;
      }
    }
  }
  const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    segments: SEGMENTS.map((s) => {
      const g = seg.get(s) as { customers: number; totalSpent: number; clv: number };
      return {
        segment: s,
        customers: g.customers,
        totalSpent: Math.round(g.totalSpent),
        clv12m: modelled ? Math.round(g.clv) : null,
        averageSpent: g.customers ? Math.round(g.totalSpent / g.customers) : 0,
      };
    }),
    grid: grid.map((g) => ({ ...g, totalSpent: Math.round(g.totalSpent) })),
    lifecycle: {
      stages: STAGES.map((s) => {
        const g = stage.get(s) as { customers: number; totalSpent: number };
        return { stage: s, customers: g.customers, totalSpent: Math.round(g.totalSpent) };
      }),
      funnel: [
        { step: 'new', minPurchases: 1, customers: funnel[0] as number },
        { step: 'repeat', minPurchases: 2, customers: funnel[1] as number },
        { step: 'loyal', minPurchases: 4, customers: funnel[2] as number },
      ],
    },
    cohorts: active.flatMap((row, c) => {
      const n = cohortSize[c] as number;
      // the last entry of every row is the current month: partial, left out
      const done = row.subarray(0, row.length - 1);
      return n && done.length
        ? [{ cohort: monthLabel(from + c), customers: n, retention: Array.from(done, (v) => round4(v / n)) }]
        : [];
    }),
    revenue: rev.map((r, i) => ({
      month: monthLabel(from + i),
      newRevenue: Math.round(r.nr),
      returningRevenue: Math.round(r.rr),
      newCustomers: r.nc,
      returningCustomers: r.rc,
      partial: i === MONTHS - 1,
      daysCovered: i === MONTHS - 1 ? todayOfMonth : daysIn(from + i),
      daysInMonth: daysIn(from + i),
    })),
    sameDaysLastMonth: {
      month: monthLabel(last - 1),
      days: Math.min(todayOfMonth, daysIn(last - 1)),
      revenue: Math.round(sameDays),
    },
  };
}
