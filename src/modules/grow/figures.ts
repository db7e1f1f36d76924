/**
 * Share of wallet and profitability from per-customer aggregates. Pure (no I/O): the repository reads the
 * rows, these functions do the arithmetic the tests check by hand.
 */

export type MarginLine = {
  customer: string;
  /** quantity × unit price (negative on a return). */
  gross: number;
  /** The line's discount (negative on a return). */
  discount: number;
  /** gross − discount. */
  total: number;
  /** quantity × (line cost, else the product's cost); null when neither is known. */
  cost: number | null;
};
export type MarginOrder = { customer: string; discount: number; refunded: number; returned: number };
export type MarginSettings = {
  /** Used for a line with no known cost: cost = total × (1 − margin). */
  defaultMargin: number;
  /** Staff minutes a complaint takes. */
  complaintMinutes: number;
  /** Minor units per hour of staff time. */
  hourlyRate: number;
};
export type Margin = {
  customerId: string;
  revenue: number;
  discounts: number;
  refunds: number;
  costOfGoods: number;
  /** The part of the cost of goods estimated with the default margin (lines with no cost). */
  estimatedCost: number;
  linesWithoutCost: number;
  lines: number;
  complaints: number;
  costToServe: number;
  profit: number;
};

/**
 * Margin per customer = revenue (quantity × unit price) − discounts (line and order) − refunds and returns −
 * cost of goods (line cost, else product cost, else the default margin: counted) − cost to serve
 * (complaints × minutes × hourly rate). A return line's goods come back: its cost counts negative.
 */
export function margins(
  lines: MarginLine[],
  orders: MarginOrder[],
  complaints: Map<string, number>,
  s: MarginSettings,
): Margin[] {
  const by = new Map<string, Margin>();
  const get = (id: string) => {
    let m = by.get(id);
    if (!m)
      by.set(
        id,
        (m = {
          customerId: id,
          revenue: 0,
          discounts: 0,
          refunds: 0,
          costOfGoods: 0,
          estimatedCost: 0,
          linesWithoutCost: 0,
          lines: 0,
          complaints: 0,
          costToServe: 0,
          profit: 0,
        }),
      );
    return m;
  };
  for (const l of lines) {
    const m = get(l.customer);
    m.lines++;
    if (l.gross >= 0) {
      m.revenue += l.gross;
      m.discounts += l.discount;
    }
    if (l.cost === null) {
      const est = Math.round(l.total * (1 - s.defaultMargin));
      m.linesWithoutCost++;
      m.estimatedCost += est;
      m.costOfGoods += est;
    } else m.costOfGoods += l.cost;
  }
  for (const o of orders) {
    const m = get(o.customer);
    m.discounts += Math.max(0, o.discount);
    m.refunds += o.refunded + o.returned;
  }
  for (const [id, n] of complaints) {
    const m = get(id);
    m.complaints = n;
    m.costToServe = Math.round((n * s.complaintMinutes * s.hourlyRate) / 60);
  }
  for (const m of by.values()) m.profit = m.revenue - m.discounts - m.refunds - m.costOfGoods - m.costToServe;
  return [...by.values()].sort((a, b) => b.profit - a.profit || (a.customerId < b.customerId ? -1 : 1));
}

/**
 * The Pareto curve: customers by profit, most profitable first; at each 5 % of customers the share of the
 * total profit they bring (above 100 % when the customers further down lose money). Null when the total is
 * not positive (no share to speak of).
 */
export function paretoCurve(profits: number[]): { customerShare: number; profitShare: number }[] | null {
  const sorted = [...profits].sort((a, b) => b - a);
  const total = sorted.reduce((s, p) => s + p, 0);
  if (!(total > 0) || sorted.length === 0) return null;
  const out = [{ customerShare: 0, profitShare: 0 }];
  let acc = 0;
  let next = 1;
  for (let i = 0; i < sorted.length; i++) {
    acc += sorted[i] as number;
    while (next <= 20 && (i + 1) / sorted.length >= next / 20 - 1e-12) {
      out.push({ customerShare: next / 20, profitShare: acc / total });
      next++;
    }
  }
  return out;
}

export type WalletCustomer = { id: string; group: string; months: number };
export type WalletSpend = { customer: string; category: string; amount: number };
export type WalletGap = {
  customerId: string;
  group: string;
  peers: number;
  /** The categories the customer buys, biggest first. */
  buys: string[];
  category: string;
  /** What the customer spends a month on it (minor units). */
  ownMonthly: number;
  /** What comparable customers spend a month on it, on average (those who buy none count as 0). */
  peerMonthly: number;
  /** peerMonthly − ownMonthly. */
  gapMonthly: number;
};

/**
 * For each customer, the category where comparable customers (same group: segment and tenure band; at least
 * `minPeers` others) spend the most a month more than they do, when the customer spends under half of it.
 * Monthly spend = spend in the window ÷ the customer's months in it.
 */
export function walletGaps(customers: WalletCustomer[], spend: WalletSpend[], minPeers = 5): WalletGap[] {
  const monthly = new Map<string, Map<string, number>>();
  const months = new Map(customers.map((c) => [c.id, Math.max(1, c.months)]));
  for (const s of spend) {
    const m = months.get(s.customer);
    if (m === undefined || s.amount <= 0) continue;
    let row = monthly.get(s.customer);
    if (!row) monthly.set(s.customer, (row = new Map()));
    row.set(s.category, (row.get(s.category) ?? 0) + s.amount / m);
  }
  const groups = new Map<string, WalletCustomer[]>();
  for (const c of customers) {
    const g = groups.get(c.group);
    if (g) g.push(c);
    else groups.set(c.group, [c]);
  }
  const out: WalletGap[] = [];
  for (const [group, members] of groups) {
    if (members.length - 1 < minPeers) continue;
    const sums = new Map<string, number>();
    for (const c of members)
      for (const [cat, v] of monthly.get(c.id) ?? []) sums.set(cat, (sums.get(cat) ?? 0) + v);
    const peers = members.length - 1;
    for (const c of members) {
      const own = monthly.get(c.id) ?? new Map<string, number>();
      let best: WalletGap | null = null;
      for (const [cat, sum] of sums) {
        const mine = own.get(cat) ?? 0;
        const peer = (sum - mine) / peers;
        const gap = peer - mine;
        if (mine >= peer / 2 || gap <= 0) continue;
        if (!best || gap > best.gapMonthly)
          best = {
            customerId: c.id,
            group,
            peers,
            buys: [...own.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k),
            category: cat,
            ownMonthly: Math.round(mine),
            peerMonthly: Math.round(peer),
            gapMonthly: Math.round(gap),
          };
      }
      if (best) out.push(best);
    }
  }
  return out.sort((a, b) => b.gapMonthly - a.gapMonthly || (a.customerId < b.customerId ? -1 : 1));
}
