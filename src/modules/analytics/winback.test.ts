import { describe, expect, it } from 'vitest';
import type { ParetoNbdParams } from '../../stats/index.ts';
import { createRng } from '../../stats/simulate.ts';
import { purchaseDaysBuilder, summarizeDays } from './purchases.ts';
import { computeRefit } from './refit.ts';
import { scoreCustomers } from './score.ts';
import { computeWinBack } from './winback.ts';

describe('the win-back rate', () => {
  it('counts, by hand, who was at risk or lapsed when the window began and who bought again in it', () => {
    // one 90-day window: state judged at the end of day 100, window days 101–190 (no model: rhythm alone)
    const b = purchaseDaysBuilder(190);
    for (const d of [0, 10, 20, 30]) b.add('lapsed-returns', d, 1000); // silent 70 days = 7× their 10-day gap
    b.add('lapsed-returns', 150, 2500);
    b.add('lapsed-returns', 170, 500);
    for (let d = 0; d <= 190; d += 10) b.add('regular', d, 100); // never overdue
    b.add('once-silent', 5, 900); // bought once, 95 days before: at risk; never came back
    b.add('newcomer', 120, 700); // first purchase inside the window: not judged
    const [w] = computeWinBack(b.finish(), null, 190, 1);
    expect(w).toEqual({
      from: '1970-04-12', // day 101
      to: '1970-07-10', // day 190
      atRiskOrLapsed: 2,
      returned: 1,
      rate: 0.5,
      revenue: 3000,
    });
  });

  it('judges each window with the same rule and model as the lists did that day', () => {
    // two years of buyers drawn from the Pareto/NBD process (CDNOW's parameters, in days); the run's fit,
    // applied to the history as of each window's start, must call exactly the customers at risk or lapsed that
    // scoring as of that day calls so
    const rng = createRng(7);
    const today = 730;
    const b = purchaseDaysBuilder(today);
    for (let c = 0; c < 1500; c++) {
      const lambda = rng.gamma(0.55, 74);
      const death = rng.exponential(rng.gamma(0.61, 82));
      const first = Math.floor(rng.uniform() * 400);
      for (let t = 0; t <= death && first + t <= today; t += rng.exponential(lambda))
        b.add(`c${c}`, first + Math.floor(t), 500 + Math.floor(rng.uniform() * 5000));
    }
    const all = b.finish();
    const run = computeRefit(all, { today, discountRate: 0.01 });
    const params = run.parameters.paretonbd as ParetoNbdParams | undefined;
    expect(params).toBeDefined();
    const windows = computeWinBack(all, params ?? null, today, 4);
    expect(windows).toHaveLength(4);
    for (const [q, w] of windows.entries()) {
      const start = today - 90 * (4 - q);
      // the history as it stood that day, scored by the refit's own code with the same fit
      const then = purchaseDaysBuilder(start);
      let returned = 0;
      for (let k = 0; k < all.customerIds.length; k++)
        for (let j = all.start[k] as number; j < (all.start[k + 1] as number); j++)
          then.add(all.customerIds[k] as string, all.day[j] as number, all.amount[j] as number);
      const past = then.finish();
      const fits = { paretonbd: { params }, bgnbd: null, gammagamma: null, sampled: false };
      // @ts-expect-error -- scoring reads only the Pareto/NBD parameters and the Gamma-Gamma ones (none here)
      const sc = scoreCustomers(past, summarizeDays(past, start), fits, {
        today: start,
        discountRate: 0.01,
        months: 12,
      });
      const gone = new Set<string>();
      for (let k = 0; k < past.customerIds.length; k++)
        if (sc.stage[k] === 'at risk' || sc.stage[k] === 'lapsed') gone.add(past.customerIds[k] as string);
      for (let k = 0; k < all.customerIds.length; k++) {
        if (!gone.has(all.customerIds[k] as string)) continue;
        for (let j = all.start[k] as number; j < (all.start[k + 1] as number); j++) {
          const d = all.day[j] as number;
          if (d > start && d <= start + 90) {
            returned++;
            break;
          }
        }
      }
      expect(gone.size, `window ${q}`).toBeGreaterThan(20);
      expect(w.atRiskOrLapsed, `window ${q}`).toBe(gone.size);
      expect(w.returned, `window ${q}`).toBe(returned);
    }
  });
});
