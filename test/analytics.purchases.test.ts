import { describe, expect, it } from 'vitest';
import {
  groupPurchaseDays,
  purchaseDaysBuilder,
  type PurchaseLog,
} from '../src/modules/analytics/purchases.ts';

describe('purchase days built in one pass from orders grouped by customer', () => {
  it('equals grouping the same orders: days merged, out-of-order days sorted, future orders and empty customers dropped', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const lastDay = 500;
    const customerIds: string[] = [];
    const customer: number[] = [];
    const day: number[] = [];
    const amount: number[] = [];
    for (let k = 0; k < 3_000; k++) {
      customerIds.push(`c${k}`);
      const orders = 1 + Math.floor(rand() * 6);
      let d = Math.floor(rand() * 520);
      for (let j = 0; j < orders; j++) {
        // mostly in time order with same-day repeats; every fifth customer's orders shuffled
        d = k % 5 === 0 ? Math.floor(rand() * 520) : d + (rand() < 0.3 ? 0 : Math.floor(rand() * 30));
        customer.push(k);
        day.push(d);
        amount.push(Math.round(rand() * 10_000) - 500);
      }
    }
    const log: PurchaseLog = {
      customerIds,
      customer: Int32Array.from(customer),
      day: Int32Array.from(day),
      amount: Float64Array.from(amount),
      length: customer.length,
    };
    const b = purchaseDaysBuilder(lastDay);
    for (let i = 0; i < log.length; i++)
      b.add(customerIds[customer[i] as number] as string, day[i] as number, amount[i] as number);
    const built = b.finish();
    const grouped = groupPurchaseDays(log, lastDay);
    expect(built.future).toBeGreaterThan(0);
    expect(built.customerIds.length).toBeLessThan(customerIds.length); // some had only future orders
    expect(built.customerIds).toEqual(grouped.customerIds);
    expect(Array.from(built.start)).toEqual(Array.from(grouped.start));
    expect(Array.from(built.day)).toEqual(Array.from(grouped.day));
    expect(Array.from(built.amount)).toEqual(Array.from(grouped.amount));
    expect(built.future).toBe(grouped.future);
  });

  it('merges the orders of one day', () => {
    const b = purchaseDaysBuilder(10);
    b.add('a', 3, 5);
    b.add('a', 3, 7);
    b.add('b', 12, 1);
    b.add('c', 4, 2);
    b.add('c', 1, 1);
    b.add('c', 4, 3);
    const p = b.finish();
    expect(p.customerIds).toEqual(['a', 'c']);
    expect(Array.from(p.start)).toEqual([0, 1, 3]);
    expect(Array.from(p.day)).toEqual([3, 1, 4]);
    expect(Array.from(p.amount)).toEqual([12, 1, 5]);
    expect(p.future).toBe(1);
  });
});
