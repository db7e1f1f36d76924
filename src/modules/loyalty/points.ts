import type { LoyaltyRules } from './loyalty.schema.ts';

/** What one order brings, in numbers: its total, the part refunded by an import, its lines' totals by category. */
export type OrderFacts = {
  total: number;
  importedRefund: number;
  /** Line totals of the order in bonus categories (summed per category). */
  byCategory: Map<string, number>;
};

/**
 * The points an order earns when `net` of its `total` is kept: spend points and bonus points pro rata to what is
 * kept, visit points while anything is kept. pointsFor(o, 0) = 0, so a fully refunded order gives everything back.
 */
export function pointsFor(rules: LoyaltyRules, o: OrderFacts, net: number): number {
  if (net <= 0 || o.total <= 0) return 0;
  const kept = Math.min(1, net / o.total);
  let bonus = 0;
  for (const b of rules.bonusCategories) bonus += (o.byCategory.get(b.category) ?? 0) * b.pointsPerUnit;
  return (
    Math.floor(net / rules.spendUnit) * rules.pointsPerUnit +
    Math.floor((bonus * kept) / rules.spendUnit) +
    rules.pointsPerVisit
  );
}

/** The points each refund of an order takes back, in order: the difference of pointsFor before and after it. */
export function refundPoints(rules: LoyaltyRules, o: OrderFacts, refunds: number[]): number[] {
  const base = o.total - o.importedRefund;
  let cum = 0;
  return refunds.map((amount) => {
    const before = pointsFor(rules, o, base - cum);
    cum += amount;
    return before - pointsFor(rules, o, base - cum);
  });
}

/** Points a return row (negative total, no sale here) takes back: its spend and bonus points, no visit points. */
export function returnPoints(rules: LoyaltyRules, o: OrderFacts): number {
  const pos: OrderFacts = {
    total: -o.total,
    importedRefund: 0,
    byCategory: new Map([...o.byCategory].map(([k, v]) => [k, -v])),
  };
  return Math.max(0, pointsFor({ ...rules, pointsPerVisit: 0 }, pos, pos.total));
}

export type TierFigures = { visits: number; spend: number };

/** The highest tier reached (tiers are listed lowest first), and the next one with what is left to reach it. */
export function tierOf(rules: LoyaltyRules, f: TierFigures) {
  let reached: number = -1;
  rules.tiers.forEach((t, i) => {
    if ((t.minVisits !== null && f.visits >= t.minVisits) || (t.minSpend !== null && f.spend >= t.minSpend))
      reached = i;
  });
  const next = rules.tiers[reached + 1];
  return {
    tier: reached >= 0 ? (rules.tiers[reached]?.name ?? null) : null,
    next: next
      ? {
          name: next.name,
          visitsToGo: next.minVisits === null ? null : Math.max(0, next.minVisits - f.visits),
          spendToGo: next.minSpend === null ? null : Math.max(0, next.minSpend - f.spend),
        }
      : null,
  };
}
