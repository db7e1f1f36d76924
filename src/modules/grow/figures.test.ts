import { describe, expect, it } from 'vitest';
import { margins, paretoCurve, walletGaps } from './figures.ts';

describe('margin per customer (by hand)', () => {
  const s = { defaultMargin: 0.3, complaintMinutes: 30, hourlyRate: 2000 };
  it('revenue − discounts − refunds − cost of goods (known or estimated) − cost to serve', () => {
    const list = margins(
      [
        // Ada: 2 bread at 1,000 (cost 400 each), a cake at 3,000 less 100 (cost 1,000)
        { customer: 'ada', gross: 2000, discount: 0, total: 2000, cost: 800 },
        { customer: 'ada', gross: 3000, discount: 100, total: 2900, cost: 1000 },
        // Ben: milk at 500, no cost known: 500 × 0.7 = 350
        { customer: 'ben', gross: 500, discount: 0, total: 500, cost: null },
        // Chi: bread at 1,000 (cost 400), then returned (−1,000, the goods back: −400)
        { customer: 'chi', gross: 1000, discount: 0, total: 1000, cost: 400 },
        { customer: 'chi', gross: -1000, discount: 0, total: -1000, cost: -400 },
      ],
      [
        { customer: 'ada', discount: 200, refunded: 0, returned: 0 },
        { customer: 'ben', discount: 0, refunded: 0, returned: 0 },
        { customer: 'chi', discount: 0, refunded: 0, returned: 1000 },
      ],
      new Map([
        ['ada', 1],
        ['chi', 2],
      ]),
      s,
    );
    const by = Object.fromEntries(list.map((m) => [m.customerId, m]));
    // 5,000 − (100 + 200) − 0 − 1,800 − 1 × 30 min × 2,000/h (1,000) = 1,900
    expect(by.ada).toMatchObject({
      revenue: 5000,
      discounts: 300,
      costOfGoods: 1800,
      costToServe: 1000,
      profit: 1900,
    });
    expect(by.ben).toMatchObject({ costOfGoods: 350, estimatedCost: 350, linesWithoutCost: 1, profit: 150 });
    // 1,000 − 1,000 returned − (400 − 400) − 2 complaints (2,000) = −2,000: costs more than it brings
    expect(by.chi).toMatchObject({
      revenue: 1000,
      refunds: 1000,
      costOfGoods: 0,
      costToServe: 2000,
      profit: -2000,
    });
    expect(list.map((m) => m.customerId)).toEqual(['ada', 'ben', 'chi']);
  });
  it('Pareto: the share of the profit the top customers bring', () => {
    // 10 customers: one brings 70, four bring 10 each, five bring −2 each → total 100
    const curve = paretoCurve([70, 10, 10, 10, 10, -2, -2, -2, -2, -2]);
    expect(curve?.find((p) => p.customerShare === 0.1)?.profitShare).toBeCloseTo(0.7, 12);
    expect(curve?.find((p) => p.customerShare === 0.2)?.profitShare).toBeCloseTo(0.8, 12);
    expect(curve?.find((p) => p.customerShare === 0.5)?.profitShare).toBeCloseTo(1.1, 12);
    expect(curve?.at(-1)).toEqual({ customerShare: 1, profitShare: 1 });
    expect(paretoCurve([-5, 3])).toBeNull();
  });
});

describe('share of wallet (by hand)', () => {
  it('the category comparable customers spend on and this one does not, per month', () => {
    // group "loyal": Ada buys only bread; five peers spend on cakes 12,000, 6,000, 0, 9,000, 3,000 over 3 months
    const customers = ['ada', 'p1', 'p2', 'p3', 'p4', 'p5'].map((id) => ({ id, group: 'loyal', months: 3 }));
    const spend = [
      { customer: 'ada', category: 'Bread', amount: 9000 },
      { customer: 'p1', category: 'Cakes', amount: 12000 },
      { customer: 'p2', category: 'Cakes', amount: 6000 },
      { customer: 'p4', category: 'Cakes', amount: 9000 },
      { customer: 'p5', category: 'Cakes', amount: 3000 },
      ...['p1', 'p2', 'p3', 'p4', 'p5'].map((customer) => ({ customer, category: 'Bread', amount: 3000 })),
    ];
    const gaps = walletGaps(customers, spend, 5);
    const ada = gaps.find((g) => g.customerId === 'ada');
    // peers' cakes a month: (4,000 + 2,000 + 0 + 3,000 + 1,000) / 5 = 2,000; Ada 0
    expect(ada).toMatchObject({
      buys: ['Bread'],
      category: 'Cakes',
      ownMonthly: 0,
      peerMonthly: 2000,
      gapMonthly: 2000,
      peers: 5,
    });
    // fewer than 5 others: no comparison
    expect(walletGaps(customers.slice(0, 5), spend, 5)).toEqual([]);
  });
});
