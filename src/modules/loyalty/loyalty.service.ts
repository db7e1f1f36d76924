import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { decodeTimeCursor, encodeTimeCursor } from '../../platform/db/cursor.ts';
import { newId } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { conflict } from '../../platform/errors.ts';
import { formatMoney } from '../../platform/money.ts';
import type { CustomerService } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { createLoyaltyRepository, type EntryRow } from './loyalty.repository.ts';
import {
  ledgerQuery,
  loyaltyRulesSchema,
  loyaltySettingsSchema,
  redeemPointsSchema,
  type LoyaltyEntry,
  type LoyaltySettings,
  type SyncResult,
} from './loyalty.schema.ts';
import { pointsFor, refundPoints, returnPoints, tierOf, type OrderFacts } from './points.ts';

export type LoyaltyDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  clock?: () => Date;
};
type Db = Kysely<Database>;
type Move = { customerId: string; points: number; reason: string; kind: string; source: string; at: string };
type MoveOpts = { orderId?: string | null; note?: string | null };
const BATCH = 500;

const toEntry = (r: EntryRow): LoyaltyEntry => ({
  id: r.id,
  points: r.credit === 'customer' ? Number(r.points) : -Number(r.points),
  debit: r.debit,
  credit: r.credit,
  reason: r.reason as LoyaltyEntry['reason'],
  orderId: r.order_id,
  note: r.note,
  at: r.at,
});

/**
 * Points and tiers (issue 18). The ledger is double-entry: every movement takes points from one account to
 * another ('shop' → 'customer' on earning, 'customer' → 'redeemed' / 'refunded' / 'returned' / 'expired'), names
 * its reason and its source, and a source (an order, a refund, a sale's redemption) has at most one entry. The
 * customer's balance on loyalty_accounts moves in the same transaction as its entry and never goes below zero.
 */
export function createLoyaltyService({
  db,
  workspaces,
  customers,
  timeline,
  clock = () => new Date(),
}: LoyaltyDeps) {
  const repo = createLoyaltyRepository();
  const now = () => clock().toISOString();

  async function getSettings(ws: string, trx: Db = db): Promise<LoyaltySettings> {
    const raw = await repo.settings(trx, ws);
    const parsed = loyaltySettingsSchema.safeParse({ signupSince: null, ...(raw as object | undefined) });
    return parsed.success ? parsed.data : loyaltySettingsSchema.parse({ signupSince: null });
  }

  /** Points to the customer, once per source. */
  async function credit(trx: Db, ws: string, m: Move, o: MoveOpts = {}) {
    const inserted = await repo.insertEntry(trx, {
      workspace_id: ws,
      customer_id: m.customerId,
      points: m.points,
      debit: 'shop',
      credit: 'customer',
      reason: m.reason,
      source_kind: m.kind,
      source_id: m.source,
      order_id: o.orderId ?? null,
      note: o.note ?? null,
      at: m.at,
      created_at: now(),
    });
    if (inserted && m.points > 0) await repo.addBalance(trx, ws, m.customerId, m.points, now());
    return inserted ? m.points : 0;
  }

  /** Points back from the customer, once per source, never more than the balance (taken back as far as it goes). */
  async function takeBack(trx: Db, ws: string, to: string, m: Move, o: MoveOpts = {}) {
    const acc = await repo.account(trx, ws, m.customerId, true);
    const pts = Math.max(0, Math.min(m.points, Number(acc?.balance ?? 0)));
    const inserted = await repo.insertEntry(trx, {
      workspace_id: ws,
      customer_id: m.customerId,
      points: pts,
      debit: 'customer',
      credit: to,
      reason: m.reason,
      source_kind: m.kind,
      source_id: m.source,
      order_id: o.orderId ?? null,
      note: o.note ?? null,
      at: m.at,
      created_at: now(),
    });
    if (inserted && pts > 0 && !(await repo.takeBalance(trx, ws, m.customerId, pts, now())))
      throw new Error('loyalty balance moved under a lock');
    return inserted ? pts : 0;
  }

  const factsOf = (
    o: { total: number; importedRefund: number },
    cats: Map<string, number> | undefined,
  ): OrderFacts => ({
    total: o.total,
    importedRefund: o.importedRefund,
    byCategory: cats ?? new Map(),
  });

  async function earnPass(
    outer: Db,
    ws: string,
    s: LoyaltySettings,
    ids: string[] | undefined,
    r: SyncResult,
  ) {
    const { currency } = await workspaces.getWorkspaceCached(ws);
    const categories = s.bonusCategories.map((b) => b.category);
    for (let round = 1; ; round++) {
      // a bulk run (after an import) refreshes the ledger's statistics as it grows (after 1, 2, 4, 8, … batches), so
      // the planner keeps using the unique source key for the anti-join; a run with little to do never does
      if (!ids && round > 1 && (round & (round - 1)) === 0) await repo.analyze(outer);
      const batch = await repo.unearnedOrders(outer, ws, currency, ids, BATCH);
      if (!batch.length) return;
      await writeTransaction(outer, async (trx) => {
        const cats = await repo.categoryTotals(
          trx,
          ws,
          batch.map((o) => o.id),
          categories,
        );
        await repo.ensureAccounts(
          trx,
          ws,
          batch.map((o) => o.customerId),
          now(),
        );
        const credits: Omit<EntryRow, 'id'>[] = [];
        const returns: Move[] = [];
        for (const o of batch) {
          const f = factsOf(o, cats.get(o.id));
          const m = { customerId: o.customerId, kind: 'order', source: o.id, at: o.placedAt };
          if (o.returned) returns.push({ ...m, reason: 'return', points: returnPoints(s, f) });
          else
            credits.push({
              workspace_id: ws,
              customer_id: o.customerId,
              points: pointsFor(s, f, o.total - o.importedRefund),
              debit: 'shop',
              credit: 'customer',
              reason: 'earn',
              source_kind: 'order',
              source_id: o.id,
              order_id: o.id,
              note: null,
              at: o.placedAt,
              created_at: now(),
            });
        }
        // sales first (a return in the same batch takes back from what they earned): credits then returns
        r.earned += await repo.creditMany(trx, ws, credits, now());
        for (const m of returns) r.takenBack += await takeBack(trx, ws, 'returned', m, { orderId: m.source });
      });
      if (batch.length < BATCH) return;
    }
  }

  async function refundPass(
    outer: Db,
    ws: string,
    s: LoyaltySettings,
    ids: string[] | undefined,
    r: SyncResult,
  ) {
    const categories = s.bonusCategories.map((b) => b.category);
    for (;;) {
      const batch = await repo.untakenRefunds(outer, ws, ids, BATCH);
      if (!batch.length) return;
      await writeTransaction(outer, async (trx) => {
        const cats = await repo.categoryTotals(
          trx,
          ws,
          batch.map((b) => b.order_id),
          categories,
        );
        for (const b of batch) {
          const o = await repo.orderWithRefunds(trx, ws, b.order_id);
          if (!o) continue;
          const inApp = o.refunds.reduce((a, x) => a + x.amount, 0);
          const f = factsOf(
            { total: o.total, importedRefund: Math.max(0, o.refunded - inApp) },
            cats.get(b.order_id),
          );
          const back = refundPoints(
            s,
            f,
            o.refunds.map((x) => x.amount),
          );
          for (const [i, x] of o.refunds.entries())
            r.takenBack += await takeBack(
              trx,
              ws,
              'refunded',
              {
                customerId: b.customer_id,
                kind: 'refund',
                source: x.id,
                reason: 'refund',
                points: back[i] ?? 0,
                at: x.at,
              },
              { orderId: b.order_id },
            );
        }
      });
      if (batch.length < BATCH) return;
    }
  }

  async function signupPass(
    outer: Db,
    ws: string,
    s: LoyaltySettings,
    ids: string[] | undefined,
    r: SyncResult,
  ) {
    if (!s.signupBonus || !s.signupSince) return;
    const list = await repo.withoutSignup(outer, ws, s.signupSince, ids);
    if (!list.length) return;
    await writeTransaction(outer, async (trx) => {
      await repo.ensureAccounts(
        trx,
        ws,
        list.map((c) => c.id),
        now(),
      );
      for (const c of list)
        r.signups +=
          (await credit(trx, ws, {
            customerId: c.id,
            points: s.signupBonus,
            reason: 'signup',
            kind: 'signup',
            source: c.id,
            at: c.created_at,
          })) > 0
            ? 1
            : 0;
    });
  }

  async function expiryPass(
    outer: Db,
    ws: string,
    s: LoyaltySettings,
    ids: string[] | undefined,
    r: SyncResult,
  ) {
    if (!s.expiryMonths) return;
    const before = DateTime.fromJSDate(clock()).minus({ months: s.expiryMonths }).toUTC().toISO() as string;
    for (const d of await repo.dormant(outer, ws, before, ids))
      await writeTransaction(outer, async (trx) => {
        const acc = await repo.account(trx, ws, d.customerId, true);
        const pts = Number(acc?.balance ?? 0);
        const taken = await takeBack(
          trx,
          ws,
          'expired',
          {
            customerId: d.customerId,
            points: pts,
            reason: 'expire',
            kind: 'expire',
            source: `${d.customerId}:${d.last}`,
            at: now(),
          },
          { note: `No points earned or used since ${d.last.slice(0, 10)}` },
        );
        r.expired += taken;
      });
  }

  const windowStart = (s: LoyaltySettings) =>
    DateTime.fromJSDate(clock()).minus({ months: s.tierWindowMonths }).toUTC().toISO() as string;

  async function tierPass(
    outer: Db,
    ws: string,
    s: LoyaltySettings,
    ids: string[] | undefined,
    r: SyncResult,
  ) {
    const since = windowStart(s);
    const list = ids ?? (await repo.tierCandidates(outer, ws, since));
    const { currency } = await workspaces.getWorkspaceCached(ws);
    const rank = (t: string | null) => (t === null ? -1 : s.tiers.findIndex((x) => x.name === t));
    for (let i = 0; i < list.length; i += BATCH) {
      const chunk = list.slice(i, i + BATCH);
      await writeTransaction(outer, async (trx) => {
        const figures = await repo.tierFigures(trx, ws, since, chunk);
        for (const c of chunk) {
          const f = figures.get(c) ?? { visits: 0, spend: 0 };
          const to = tierOf(s, f).tier;
          const acc = await repo.account(trx, ws, c);
          const from = acc?.tier ?? null;
          if (from === to) continue;
          if (!acc) await repo.ensureAccounts(trx, ws, [c], now());
          if (!(await repo.setTier(trx, ws, c, from, to, now()))) continue;
          r.tierMoves++;
          const up = rank(to) > rank(from);
          const why = `${f.visits} visit${f.visits === 1 ? '' : 's'} and ${formatMoney(f.spend, currency)} in ${s.tierWindowMonths} months`;
          await timeline.insertInteraction(trx, ws, {
            customerId: c,
            kind: 'tier',
            body: up
              ? `Moved up to ${to} (${why})`
              : to
                ? `Moved down to ${to} from ${from} (${why})`
                : `No longer ${from} (${why})`,
            authorId: null,
            occurredAt: now(),
            meta: { from, to },
          });
        }
      });
    }
  }

  /**
   * The reconciler: credits every order not yet credited, takes back every refund and return not yet taken back,
   * gives sign-up bonuses, expires dormant points and moves tiers. Idempotent (each movement has a unique source),
   * so it runs after every order (in its transaction, for its customer), after imports and nightly.
   */
  async function syncLoyalty(ws: string, customerIds?: string[], outer: Db = db): Promise<SyncResult> {
    const s = await getSettings(ws, outer);
    const r: SyncResult = { earned: 0, takenBack: 0, signups: 0, expired: 0, tierMoves: 0 };
    await earnPass(outer, ws, s, customerIds, r);
    await refundPass(outer, ws, s, customerIds, r);
    await signupPass(outer, ws, s, customerIds, r);
    await expiryPass(outer, ws, s, customerIds, r);
    await tierPass(outer, ws, s, customerIds, r);
    return r;
  }

  /** Redeem points (sale: tied to the order, exactly once); 409 POINTS_INSUFFICIENT beyond the balance. */
  async function redeem(
    trx: Db,
    ws: string,
    customerId: string,
    points: number,
    source: { kind: string; id: string; orderId?: string; note?: string },
  ) {
    await repo.ensureAccounts(trx, ws, [customerId], now());
    const inserted = await repo.insertEntry(trx, {
      workspace_id: ws,
      customer_id: customerId,
      points,
      debit: 'customer',
      credit: 'redeemed',
      reason: 'redeem',
      source_kind: source.kind,
      source_id: source.id,
      order_id: source.orderId ?? null,
      note: source.note ?? null,
      at: now(),
      created_at: now(),
    });
    if (!inserted) return false;
    if (!(await repo.takeBalance(trx, ws, customerId, points, now()))) {
      const acc = await repo.account(trx, ws, customerId);
      throw conflict('POINTS_INSUFFICIENT', `Only ${Number(acc?.balance ?? 0)} points to redeem`);
    }
    return true;
  }

  return {
    getSettings,
    syncLoyalty,
    redeemForSale: (trx: Db, ws: string, customerId: string, points: number, orderId: string) =>
      redeem(trx, ws, customerId, points, { kind: 'sale', id: orderId, orderId, note: 'At the counter' }),

    async updateSettings(ws: string, input: unknown) {
      const v = loyaltyRulesSchema.parse(input);
      const old = await getSettings(ws);
      const signupSince = v.signupBonus > 0 ? (old.signupBonus > 0 ? old.signupSince : now()) : null;
      const next = { ...v, signupSince };
      await writeTransaction(db, (trx) => repo.putSettings(trx, ws, next, now()));
      return next;
    },

    async redeemPoints(ws: string, customerId: string, input: unknown) {
      const v = redeemPointsSchema.parse(input);
      await customers.existsOrThrow(ws, customerId);
      await writeTransaction(db, (trx) =>
        redeem(trx, ws, customerId, v.points, {
          kind: 'redeem',
          id: v.key ?? newId(),
          ...(v.note && { note: v.note }),
        }),
      );
      return this.getLoyalty(ws, customerId, {});
    },

    async getLoyalty(ws: string, customerId: string, query: unknown) {
      const q = ledgerQuery.parse(query);
      await customers.existsOrThrow(ws, customerId);
      const s = await getSettings(ws);
      const acc = await repo.account(db, ws, customerId);
      const f = (await repo.tierFigures(db, ws, windowStart(s), [customerId])).get(customerId) ?? {
        visits: 0,
        spend: 0,
      };
      const rows = await repo.ledger(
        db,
        ws,
        customerId,
        q.cursor ? decodeTimeCursor(q.cursor) : undefined,
        q.limit,
      );
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        points: Number(acc?.balance ?? 0),
        pointValue: s.pointValue,
        tier: acc?.tier ?? null,
        tierSince: acc?.tier_since ?? null,
        visits: f.visits,
        spend: f.spend,
        nextTier: tierOf(s, f).next,
        entries: page.map(toEntry),
        nextCursor: rows.length > q.limit && last ? encodeTimeCursor(last.at, last.id) : null,
      };
    },

    /** Points and tier of customers (the caller pop-up, lists). */
    async summaryOf(ws: string, customerId: string) {
      const acc = await repo.account(db, ws, customerId);
      return { points: Number(acc?.balance ?? 0), tier: acc?.tier ?? null };
    },
    /** The sum of a customer's entries: equals the balance (tests check it). */
    ledgerSum: (ws: string, customerId: string) => repo.sumOf(db, ws, customerId),

    moveOnMerge: (trx: Db, ws: string, from: { id: string }, into: { id: string }) =>
      repo.moveOnMerge(trx, ws, from.id, into.id, now()),
  };
}
export type LoyaltyService = ReturnType<typeof createLoyaltyService>;
