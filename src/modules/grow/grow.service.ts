import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { newId } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { formatMoney } from '../../platform/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { Evaluation } from '../../stats/suggest-eval.ts';
import { margins, paretoCurve, walletGaps, type MarginLine } from './figures.ts';
import { createGrowRepository } from './grow.repository.ts';
import { settingsInput, walletGapsQuery } from './grow.schema.ts';
import { assemble, computeSuggestionRun, logBuilder } from './suggestions.ts';

/** Profitability and share of wallet look at the last year. */
export const WINDOW_DAYS = 365;
export const MIN_PEERS = 5;
const DEFAULTS = { defaultMargin: 0.3, complaintMinutes: 30, hourlyRate: 0 };

const tenureBand = (months: number) =>
  months < 3 ? 'under 3 months' : months < 12 ? '3–12 months' : months < 36 ? '1–3 years' : '3 years or more';

/** Grow (G1–G3): what to offer each customer, share of wallet, who is profitable. */
export function createGrowService(deps: { db: Kysely<Database>; clock?: () => Date }) {
  const repo = createGrowRepository(deps.db);
  const clock = deps.clock ?? (() => new Date());

  async function zoneNow(ws: string) {
    const w = await repo.timezone(ws);
    const now = clock();
    const offsetMs = DateTime.fromJSDate(now).setZone(w.timezone).offset * 60_000;
    const today = Math.floor((now.getTime() + offsetMs) / 86_400_000);
    return {
      ...w,
      now,
      offsetMs,
      today,
      since: new Date(now.getTime() - WINDOW_DAYS * 86_400_000).toISOString(),
    };
  }
  async function settings(ws: string) {
    const s = await repo.settings(ws);
    return s
      ? {
          defaultMargin: s.default_margin,
          complaintMinutes: s.complaint_minutes,
          hourlyRate: Number(s.hourly_rate),
        }
      : DEFAULTS;
  }
  async function ensureCustomer(ws: string, id: string) {
    if (!(await repo.customerExists(ws, id))) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
  }

  return {
    /** The co-purchase part of the nightly refit: fit, evaluate on a time split, store the item table. */
    async refit(ws: string) {
      const t0 = performance.now();
      const z = await zoneNow(ws);
      const b = logBuilder(z.offsetMs);
      const lines = await repo.eachPurchasedLine(ws, (c, at, name) => b.add(c, at, name));
      const readMs = Math.round(performance.now() - t0);
      const r = computeSuggestionRun(b.build(), z.today);
      const t1 = performance.now();
      const at = z.now.toISOString();
      await repo.storeRun(
        {
          workspace_id: ws,
          id: newId(),
          as_of: at,
          evaluation: JSON.stringify(r.evaluation),
          popular: JSON.stringify(r.popular),
          items: r.items,
          timings: '{}',
          created_at: at,
        },
        r.rows,
      );
      return {
        items: r.items,
        lines,
        timings: { readMs, ...r.timings, storeMs: Math.round(performance.now() - t1) },
      };
    },

    /** The newest run's time-split evaluation, and why suggestions are hidden (null: shown). */
    async evaluation(ws: string) {
      const run = await repo.latestRun(ws);
      if (!run) return { run: null, hidden: 'No refit has computed suggestions yet.', evaluated: null };
      const e = JSON.parse(run.evaluation) as Evaluation;
      const evaluated = {
        hitRate5: e.hitRate5,
        baselineHitRate5: e.baselineHitRate5,
        beatsBaseline: e.beatsBaseline,
        customers: e.customers,
        pValue: e.pValue,
        cutDate: DateTime.fromMillis(e.cut * 86_400_000, { zone: 'utc' }).toISODate() as string,
        testDays: e.testDays,
        seed: e.seed,
        asOf: run.as_of,
      };
      const hidden = e.beatsBaseline
        ? null
        : e.customers === 0
          ? 'Too few customers bought again after the test cut to tell whether suggestions work here.'
          : 'Hidden: on your own orders, suggestions from what customers buy together did not find next purchases better than simply the most popular items.';
      return { run, hidden, evaluated };
    },

    async suggestions(ws: string, customerId: string) {
      await ensureCustomer(ws, customerId);
      const { run, hidden, evaluated } = await this.evaluation(ws);
      const z = await zoneNow(ws);
      const lines = await repo.customerLines(ws, customerId);
      if (!run) return { customerId, oftenBuys: [] as string[], suggestions: [], hidden, evaluated };
      const keys = [...new Set(lines.map((l) => l.name.trim().replace(/\s+/g, ' ').toLowerCase()))];
      const rows = await repo.neighbourRows(ws, run.id, keys);
      const a = assemble(
        lines,
        z.offsetMs,
        z.today,
        rows,
        JSON.parse(run.popular) as [string, string, number][],
      );
      return {
        customerId,
        oftenBuys: a.oftenBuys,
        suggestions: hidden ? [] : a.suggestions,
        hidden,
        evaluated,
      };
    },

    async walletGaps(ws: string, q: z.infer<typeof walletGapsQuery>) {
      if (q.customerId) await ensureCustomer(ws, q.customerId);
      const z = await zoneNow(ws);
      const segs = await repo.segments(ws);
      const base = { currency: z.currency, windowDays: WINDOW_DAYS, minPeers: MIN_PEERS };
      if (!segs) return { ...base, hidden: 'No refit has given customers their segments yet.', gaps: [] };
      const products = await repo.products(ws);
      const lines = await repo.linesSince(ws, z.since);
      const todayDate = DateTime.fromMillis(z.today * 86_400_000, { zone: 'utc' });
      const info = new Map<string, { segment: string; tenure: string }>();
      const customers = segs.map((s) => {
        const months = todayDate.diff(
          DateTime.fromISO(s.first_purchase_on, { zone: 'utc' }),
          'months',
        ).months;
        info.set(s.customer_id, { segment: s.segment, tenure: tenureBand(months) });
        return {
          id: s.customer_id,
          group: `${s.segment}|${tenureBand(months)}`,
          months: Math.min(12, Math.max(1, months)),
        };
      });
      const spend = lines.map((l) => ({
        customer: l.customer,
        category: l.category ?? products.get(l.key)?.category ?? '',
        amount: l.total,
      }));
      let gaps = walletGaps(
        customers,
        spend.filter((s) => s.category !== ''),
        MIN_PEERS,
      );
      if (q.customerId) gaps = gaps.filter((g) => g.customerId === q.customerId);
      gaps = gaps.slice(0, q.limit);
      const names = await repo.customerNames(
        ws,
        gaps.map((g) => g.customerId),
      );
      const m = (v: number) => formatMoney(v, z.currency);
      return {
        ...base,
        hidden: null,
        gaps: gaps.map((g) => {
          const i = info.get(g.customerId) as { segment: string; tenure: string };
          const name = names.get(g.customerId) ?? '';
          const buys = g.buys.length
            ? `buys ${g.buys.length === 1 ? 'only ' : ''}${g.buys.slice(0, 3).join(', ')}`
            : 'buys nothing with a category';
          return {
            customerId: g.customerId,
            name,
            segment: i.segment,
            tenure: i.tenure,
            peers: g.peers,
            buys: g.buys,
            category: g.category,
            ownMonthly: g.ownMonthly,
            peerMonthly: g.peerMonthly,
            gapMonthly: g.gapMonthly,
            sentence: `${name} ${buys}; customers like them spend ${m(g.peerMonthly)} a month on ${g.category}${g.ownMonthly ? ` (${name} ${m(g.ownMonthly)})` : ''}.`,
          };
        }),
      };
    },

    async profitability(ws: string, customerId?: string) {
      if (customerId) await ensureCustomer(ws, customerId);
      const z = await zoneNow(ws);
      const s = await settings(ws);
      const products = await repo.products(ws);
      const lines: MarginLine[] = (await repo.linesSince(ws, z.since)).map((l) => {
        const unit = l.unitCost ?? products.get(l.key)?.cost ?? null;
        const gross = Math.round(l.quantity * l.unitPrice);
        return {
          customer: l.customer,
          gross,
          discount: l.discount,
          total: l.total,
          cost: unit === null ? null : Math.round(l.quantity * unit),
        };
      });
      const list = margins(
        lines,
        await repo.ordersSince(ws, z.since),
        await repo.complaintsSince(ws, z.since),
        s,
      );
      const pareto = paretoCurve(list.map((m) => m.profit));
      const pick = [
        ...list.slice(0, 10),
        ...list.slice(-10),
        ...list.filter((m) => m.customerId === customerId),
      ];
      const names = await repo.customerNames(ws, [...new Set(pick.map((m) => m.customerId))]);
      const named = (m: (typeof list)[number]) => ({ ...m, name: names.get(m.customerId) ?? '' });
      const mine = customerId ? list.find((m) => m.customerId === customerId) : undefined;
      return {
        currency: z.currency,
        windowDays: WINDOW_DAYS,
        settings: { ...s, currency: z.currency },
        customers: list.length,
        totalProfit: list.reduce((a, m) => a + m.profit, 0),
        lines: list.reduce((a, m) => a + m.lines, 0),
        linesWithoutCost: list.reduce((a, m) => a + m.linesWithoutCost, 0),
        topShare: pareto ? (pareto.find((p) => p.customerShare === 0.2) ?? null) : null,
        pareto,
        most: list.slice(0, 10).map(named),
        least: list.slice(-10).reverse().map(named),
        lossMakers: list.filter((m) => m.profit < 0).length,
        customer: customerId ? (mine ? named(mine) : null) : null,
        notCounted: [
          'Deliveries: Rapport does not record delivery costs yet.',
          'Vouchers: there are no vouchers in Rapport yet.',
          'Tax and shipping charged are passed on, not counted as revenue.',
        ],
      };
    },

    async getSettings(ws: string) {
      const z = await zoneNow(ws);
      return { ...(await settings(ws)), currency: z.currency };
    },

    async setSettings(ws: string, input: unknown, actor: Actor) {
      const v = settingsInput.parse(input);
      const cur = await settings(ws);
      const next = { ...cur, ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) };
      await writeTransaction(deps.db, async (trx) => {
        await createGrowRepository(trx).saveSettings({
          workspace_id: ws,
          default_margin: next.defaultMargin,
          complaint_minutes: next.complaintMinutes,
          hourly_rate: next.hourlyRate,
          updated_by: actorRef(actor),
          updated_at: clock().toISOString(),
        });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'grow.settings',
          entity: 'workspace',
          entityId: ws,
          data: v,
        });
      });
      return this.getSettings(ws);
    },
  };
}
export type GrowService = ReturnType<typeof createGrowService>;
