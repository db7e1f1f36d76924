/**
 * The win-back rate (issue 16): of the customers who were at risk or lapsed at the start of a 90-day window —
 * by the one rule every screen uses (their own rhythm and the model together, `lifecycleStage`), judged with
 * only what was known that day — how many bought again within the window, and what they spent. Pure.
 */
import {
  customerRhythm,
  lifecycleStage,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
} from '../../stats/index.ts';
import { dayToDate, type PurchaseDays } from './purchases.ts';
import { expectedPurchases } from './score.ts';

export const WIN_BACK_WINDOW_DAYS = 90;

export type WinBackWindow = {
  /** First day of the window, `YYYY-MM-DD`; the customers' state is judged at the end of the day before. */
  from: string;
  /** Last day of the window, `YYYY-MM-DD`. */
  to: string;
  /** At risk or lapsed at the start of the window. */
  atRiskOrLapsed: number;
  /** Of those, customers who bought at least once in the window. */
  returned: number;
  /** returned ÷ atRiskOrLapsed (null when nobody was at risk or lapsed). */
  rate: number | null;
  /** What the returned customers spent in the window (minor units). */
  revenue: number;
};

/**
 * The last `windows` 90-day windows ending on `today`, oldest first. `params`: the run's Pareto/NBD fit, applied
 * to each customer's history as of the window's first day (without a fit the rhythm alone decides, as elsewhere).
 * @example computeWinBack(purchases, fits?.paretonbd.params ?? null, today) // [{ from, to, atRiskOrLapsed, returned, rate, revenue }, …]
 */
export function computeWinBack(
  p: PurchaseDays,
  params: ParetoNbdParams | null,
  today: number,
  windows = 4,
): WinBackWindow[] {
  const out: WinBackWindow[] = [];
  const m = p.customerIds.length;
  for (let q = windows; q >= 1; q--) {
    const start = today - WIN_BACK_WINDOW_DAYS * q;
    const end = start + WIN_BACK_WINDOW_DAYS;
    // the model's view of a history depends only on (x, tx, T): many customers share one
    const model = new Map<string, { pAlive: number; expected365: number }>();
    let eligible = 0;
    let returned = 0;
    let revenue = 0;
    for (let k = 0; k < m; k++) {
      const s = p.start[k] as number;
      const e = p.start[k + 1] as number;
      const first = p.day[s] as number;
      if (first > start) continue;
      let j = s;
      while (j + 1 < e && (p.day[j + 1] as number) <= start) j++;
      const x = j - s;
      const tx = (p.day[j] as number) - first;
      const T = start - first;
      let opts = {};
      if (params) {
        const key = `${x},${tx},${T}`;
        let v = model.get(key);
        if (!v) {
          const pAlive = paretoNbdProbabilityAlive(params, x, tx, T);
          v = { pAlive, expected365: expectedPurchases(params, pAlive, x, T, 365) };
          model.set(key, v);
        }
        opts = v;
      }
      const stage = lifecycleStage(customerRhythm(p.day.subarray(s, j + 1), start), opts);
      if (stage !== 'at risk' && stage !== 'lapsed') continue;
      eligible++;
      let spent = 0;
      let back = false;
      for (let i = j + 1; i < e && (p.day[i] as number) <= end; i++) {
        back = true;
        spent += p.amount[i] as number;
      }
      if (back) {
        returned++;
        revenue += spent;
      }
    }
    out.push({
      from: dayToDate(start + 1),
      to: dayToDate(end),
      atRiskOrLapsed: eligible,
      returned,
      rate: eligible ? returned / eligible : null,
      revenue,
    });
  }
  return out;
}
