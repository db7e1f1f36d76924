import type { Kysely, Selectable } from 'kysely';
import { DateTime } from 'luxon';
import type { DialectName } from '../../platform/db/connect.ts';
import { newId } from '../../platform/db/ids.ts';
import type { CustomerPredictionTable, Database, PredictionRunTable } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import type { CustomerService } from '../customers/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import {
  createAnalyticsRepository,
  LIST_LENGTH,
  type PredictionList,
  type PredictionValues,
} from './analytics.repository.ts';
import {
  analyticsSettingsSchema,
  listQuery,
  membersQuery,
  type CustomerPrediction,
  type PredictionRun,
} from './analytics.schema.ts';
import type { Insights } from './insights.ts';
import { dayToDate, purchaseDaysBuilder, type PurchaseDays } from './purchases.ts';
import { computeRefit, type RefitResult } from './refit.ts';

export const REFIT_JOB = 'analytics.refit';
export const DEFAULT_DISCOUNT_RATE = 0.01;
/** Orders changing schedule a refit this long after (one per workspace and minute): a burst costs one refit. */
const DEBOUNCE_MS = 60_000;

export type AnalyticsDeps = {
  db: Kysely<Database>;
  dialect: DialectName;
  workspaces: WorkspaceService;
  customers: CustomerService;
  queue: JobQueue;
  /** "Now" (injectable for tests). */
  clock?: () => Date;
  /** Called when an unawaited background step fails (e.g. scheduling a refit after an order). */
  onError?: (err: unknown) => void;
  /** More of the nightly refit (the co-purchase table); its failure is reported, the predictions stand. */
  afterRefit?: (ws: string) => Promise<{ timings: Record<string, number> }>;
};

export type RefitOutcome = {
  runId: string;
  status: PredictionRunTable['status'];
  customers: number;
  timings: Record<string, number>;
};

const nn = (v: number) => (Number.isFinite(v) ? v : null);
const round = (v: number) => (Number.isFinite(v) ? Math.round(v) : null);
const parse = <T>(s: string): T => JSON.parse(s) as T;

function toRun(r: Selectable<PredictionRunTable>): PredictionRun {
  return {
    id: r.id,
    status: r.status,
    trigger: r.trigger,
    model: r.model,
    asOf: r.as_of,
    currency: r.currency,
    customers: Number(r.customers),
    parameters: parse(r.parameters),
    logLikelihood: r.log_likelihood === null ? null : Number(r.log_likelihood),
    diagnostics: parse(r.diagnostics),
    timings: parse(r.timings),
    reason: r.reason,
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

/** Row k of what a refit writes (one per scored customer), in PREDICTION_COLUMNS order. */
function predictionRow(ws: string, runId: string, r: RefitResult) {
  const sc = r.scores;
  const ids = r.purchases.customerIds;
  const dates = new Map<number, string>(); // a few hundred distinct days for a million rows
  const date = (day: number) => {
    let s = dates.get(day);
    if (s === undefined) dates.set(day, (s = dayToDate(day)));
    return s;
  };
  return (k: number): PredictionValues => {
    const clv = round(sc.clv[k] as number);
    const next = sc.nextDay[k] as number;
    return [
      ws,
      ids[k] as string,
      runId,
      sc.purchases[k] as number,
      Math.round(sc.totalSpent[k] as number),
      date(sc.firstDay[k] as number),
      date(sc.lastDay[k] as number),
      nn(sc.pAlive[k] as number),
      nn(sc.expected30[k] as number),
      nn(sc.expected90[k] as number),
      nn(sc.expected365[k] as number),
      nn(sc.pBuy30[k] as number),
      nn(sc.pBuy90[k] as number),
      Number.isFinite(next) ? date(next) : null,
      round(sc.expectedSpend[k] as number),
      clv,
      Math.round(sc.valueAtStake[k] as number),
      sc.r[k] as number,
      sc.f[k] as number,
      sc.m[k] as number,
      sc.segment[k] as string,
      sc.stage[k] as string,
      sc.trend[k] as string,
      sc.trendSlope[k] as number,
      sc.overdueDays[k] as number,
      sc.explanation[k] as string,
    ];
  };
}

/** Row order that sorts customer ids ascending (code-unit order, as the databases compare ids). */
function byCustomerId(ids: string[]): Int32Array {
  // an Array's sort (TimSort) takes runs already in order for free: customers mostly appear in id order;
  // a typed array's sort with a comparator is twice as slow
  const order = Array.from(ids, (_, i) => i).sort((a, b) => {
    const x = ids[a] as string;
    const y = ids[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return Int32Array.from(order);
}

/**
 * The first `LIST_LENGTH` customers passing `keep`, by `value` descending then customer id — exactly the order
 * `order by value desc, customer_id` gives over the stored values.
 */
function topCustomers(ids: string[], keep: (k: number) => boolean, value: (k: number) => number): string[] {
  const pick: number[] = [];
  for (let k = 0; k < ids.length; k++) if (keep(k)) pick.push(k);
  let candidates = pick;
  if (pick.length > LIST_LENGTH) {
    // only customers at or above the LIST_LENGTH-th largest value can make the list (ties included)
    const values = Float64Array.from(pick, value).sort();
    const threshold = values[values.length - LIST_LENGTH] as number;
    candidates = pick.filter((k) => value(k) >= threshold);
  }
  candidates.sort((a, b) => {
    const d = value(b) - value(a);
    if (d !== 0) return d;
    const x = ids[a] as string;
    const y = ids[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return candidates.slice(0, LIST_LENGTH).map((k) => ids[k] as string);
}

/** A run's lists, from the values its prediction rows store (value at stake rounded, trend slope as is). */
function predictionLists(r: RefitResult): {
  lists: Record<PredictionList, string[]>;
  totals: Record<PredictionList, number>;
} {
  const sc = r.scores;
  const ids = r.purchases.customerIds;
  const stake = (k: number) => Math.round(sc.valueAtStake[k] as number);
  const rule: Record<PredictionList, (k: number) => boolean> = {
    at_risk: (k) => sc.stage[k] === 'at risk',
    lapsed: (k) => sc.stage[k] === 'lapsed',
    // Growing spend, and still buying: someone overdue or gone is not "rising", whatever their past trend.
    rising: (k) => sc.trend[k] === 'rising' && sc.stage[k] !== 'at risk' && sc.stage[k] !== 'lapsed',
  };
  const totals = { at_risk: 0, lapsed: 0, rising: 0 };
  for (let k = 0; k < ids.length; k++)
    for (const l of ['at_risk', 'lapsed', 'rising'] as const) if (rule[l](k)) totals[l]++;
  return {
    lists: {
      at_risk: topCustomers(ids, rule.at_risk, stake),
      lapsed: topCustomers(ids, rule.lapsed, stake),
      rising: topCustomers(ids, rule.rising, (k) => sc.trendSlope[k] as number),
    },
    totals,
  };
}

export function createAnalyticsService({
  db,
  dialect,
  workspaces,
  customers,
  queue,
  clock = () => new Date(),
  onError = () => {},
  afterRefit,
}: AnalyticsDeps) {
  const repo = createAnalyticsRepository(db, dialect);
  /** The minute bucket each workspace last scheduled a refit for: an import's thousand batches enqueue once. */
  const scheduled = new Map<string, number>();

  /**
   * A workspace's purchase days up to `today`: local calendar days in the workspace's time zone, net amounts,
   * built in one pass as the orders arrive grouped by customer (no map of customer ids).
   */
  async function readPurchases(
    ws: string,
    currency: string,
    offsetMs: number,
    today: number,
  ): Promise<{ purchases: PurchaseDays; orders: number; otherCurrency: number }> {
    const days = purchaseDaysBuilder(today);
    let orders = 0;
    const { otherCurrency } = await repo.eachPurchase(
      ws,
      currency,
      offsetMs / 1000,
      (customerId, day, net) => {
        days.add(customerId, day, Number(net));
        orders++;
      },
    );
    return { purchases: days.finish(), orders, otherCurrency };
  }

  async function latestFinished(ws: string) {
    const run = await repo.latestRun(ws, true);
    const currency = run?.currency ?? (await workspaces.getWorkspaceOrThrow(ws)).currency;
    const ref = {
      runId: run?.id ?? null,
      asOf: run?.as_of ?? null,
      status: (run?.status ?? null) as 'done' | 'insufficient_data' | null,
      currency,
    };
    return { run, ref, insights: run ? parse<Insights>(run.insights) : undefined };
  }

  const listItem = (p: Selectable<CustomerPredictionTable> & { name: string }) => ({
    customerId: p.customer_id,
    name: p.name,
    lifecycleStage: p.lifecycle_stage,
    segment: p.segment,
    trend: p.trend,
    trendSlope: Number(p.trend_slope),
    pAlive: p.p_alive === null ? null : Number(p.p_alive),
    clv12m: p.clv_12m === null ? null : Number(p.clv_12m),
    valueAtStake: Number(p.value_at_stake),
    totalSpent: Number(p.total_spent),
    lastPurchaseOn: p.last_purchase_on,
    overdueDays: Number(p.overdue_days),
    expectedPurchases365: p.expected_365 === null ? null : Number(p.expected_365),
    explanation: p.explanation,
  });

  async function list(ws: string, query: unknown, which: PredictionList) {
    const { limit, cursor } = listQuery.parse(query ?? {});
    const { ref, insights } = await latestFinished(ws);
    const rows = await repo.listPredictions(ws, which, limit + 1, cursor ? Number(cursor.slice(1)) : 0);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      ...ref,
      items: page.map(listItem),
      total: insights?.lists?.[which] ?? null,
      nextCursor: rows.length > limit && last ? `p${Number(last.position)}` : null,
    };
  }

  return {
    /**
     * Refit a workspace: read its purchases, fit Pareto/NBD (P(alive), forecasts), BG/NBD (comparison) and
     * Gamma-Gamma (spend), score every customer, store. Heavy: the server runs it in a worker thread.
     */
    async runRefit(
      ws: string,
      o: { trigger: string; onProgress?: (step: string) => void | Promise<void> },
    ): Promise<RefitOutcome> {
      const t0 = performance.now();
      const now = clock();
      const w = await workspaces.getWorkspaceOrThrow(ws);
      // local days: the zone's offset now (a DST shift moves orders within an hour of midnight by a day)
      const offsetMs = DateTime.fromJSDate(now).setZone(w.timezone).offset * 60_000;
      const today = Math.floor((now.getTime() + offsetMs) / 86_400_000);
      const discountRate = (await repo.discountRate(ws)) ?? DEFAULT_DISCOUNT_RATE;
      const runId = newId();
      await repo.insertRun({
        workspace_id: ws,
        id: runId,
        status: 'running',
        trigger: o.trigger,
        model: 'paretonbd',
        as_of: now.toISOString(),
        currency: w.currency,
        parameters: '{}',
        log_likelihood: null,
        diagnostics: '{}',
        insights: '{}',
        customers: 0,
        timings: '{}',
        reason: null,
        error: null,
        created_at: now.toISOString(),
        finished_at: null,
      });
      let visible = false;
      try {
        await o.onProgress?.('reading orders');
        const { purchases, orders, otherCurrency } = await readPurchases(ws, w.currency, offsetMs, today);
        const readMs = Math.round(performance.now() - t0);
        await o.onProgress?.('fitting');
        const r = computeRefit(purchases, { today, discountRate });
        await o.onProgress?.('storing');
        const t1 = performance.now();
        const count = r.purchases.customerIds.length;
        // in customer id order: the run's rows are appended to the (workspace, run, customer) key
        await repo.insertPredictions(
          count,
          predictionRow(ws, runId, r),
          byCustomerId(r.purchases.customerIds),
        );
        const { lists, totals } = predictionLists(r);
        await repo.insertLists(ws, runId, lists);
        const storeMs = Math.round(performance.now() - t1);
        const timings = { readMs, ...r.timings, storeMs, visibleMs: Math.round(performance.now() - t0) };
        // the run becomes the one readers see, all rows at once
        await repo.updateRun(ws, runId, {
          status: r.status,
          parameters: JSON.stringify(r.parameters),
          log_likelihood: r.logLikelihood,
          diagnostics: JSON.stringify({
            ...r.diagnostics,
            ordersRead: orders,
            otherCurrencyOrders: otherCurrency,
          }),
          insights: JSON.stringify({ ...r.insights, lists: totals } satisfies Insights),
          customers: count,
          timings: JSON.stringify(timings),
          reason: r.reason,
          finished_at: clock().toISOString(),
        });
        visible = true;
        await o.onProgress?.('cleaning up');
        const t2 = performance.now();
        // the previous run's rows are no longer read; a failure here leaves them for the next refit
        const cleanupMs = await repo
          .deleteRuns(ws, runId, 'older')
          .then(() => Math.round(performance.now() - t2))
          .catch((err: unknown) => (onError(err), null));
        let suggestionsMs: number | null = null;
        if (afterRefit) {
          await o.onProgress?.('suggestions');
          const t3 = performance.now();
          suggestionsMs = await afterRefit(ws)
            .then(() => Math.round(performance.now() - t3))
            .catch((err: unknown) => (onError(err), null));
        }
        const all = {
          ...timings,
          ...(cleanupMs !== null && { cleanupMs }),
          ...(typeof suggestionsMs === 'number' && { suggestionsMs }),
          totalMs: Math.round(performance.now() - t0),
        };
        await repo.updateRun(ws, runId, { timings: JSON.stringify(all) });
        return { runId, status: r.status, customers: count, timings: all };
      } catch (err) {
        if (visible) throw err;
        await repo.deleteRuns(ws, runId, 'only').catch(() => {});
        await repo
          .updateRun(ws, runId, {
            status: 'failed',
            error: (err instanceof Error ? err.message : String(err)).slice(0, 2000),
            finished_at: clock().toISOString(),
          })
          .catch(() => {});
        throw err;
      }
    },

    /** Orders changed: refit in a minute (one job per workspace and minute, whatever the number of changes). */
    ordersChanged(ws: string): void {
      const now = clock().getTime();
      const bucket = Math.floor(now / DEBOUNCE_MS);
      if (scheduled.get(ws) === bucket) return;
      scheduled.set(ws, bucket);
      queue
        .enqueue({
          workspaceId: ws,
          kind: REFIT_JOB,
          payload: { trigger: 'orders' },
          idempotencyKey: `orders:${bucket}`,
          runAt: new Date(now + DEBOUNCE_MS).toISOString(),
        })
        .catch(onError);
    },

    /** Ask for a refit now (admin). Asking twice within a minute returns the same job. */
    async requestRefit(ws: string) {
      const now = clock().getTime();
      const job = await queue.enqueue({
        workspaceId: ws,
        kind: REFIT_JOB,
        payload: { trigger: 'manual' },
        idempotencyKey: `manual:${Math.floor(now / DEBOUNCE_MS)}`,
        runAt: new Date(now).toISOString(),
      });
      return { jobId: job.id, status: job.status, runAt: job.runAt };
    },

    /** Nightly: queue a refit for every workspace with orders whose last run is older than a day. */
    async enqueueDue(): Promise<number> {
      const now = clock();
      const due = await repo.workspacesDue(new Date(now.getTime() - 86_400_000).toISOString());
      for (const ws of due)
        await queue.enqueue({
          workspaceId: ws,
          kind: REFIT_JOB,
          payload: { trigger: 'nightly' },
          idempotencyKey: `nightly:${now.toISOString().slice(0, 10)}`,
        });
      return due.length;
    },

    async getCustomerPrediction(ws: string, customerId: string): Promise<CustomerPrediction> {
      await customers.existsOrThrow(ws, customerId);
      const [p, { run, ref }] = await Promise.all([repo.prediction(ws, customerId), latestFinished(ws)]);
      const empty: CustomerPrediction = {
        customerId,
        status: run ? 'no_purchases' : 'no_run',
        reason: run
          ? 'No purchases recorded for this customer at the last refit'
          : 'Predictions have not been computed yet for this workspace',
        runId: ref.runId,
        asOf: ref.asOf,
        model: run?.model ?? null,
        currency: ref.currency,
        purchases: null,
        totalSpent: null,
        firstPurchaseOn: null,
        lastPurchaseOn: null,
        pAlive: null,
        expectedPurchases: null,
        pBuyWithin: null,
        expectedNextPurchaseOn: null,
        expectedSpend: null,
        clv12m: null,
        valueAtStake: null,
        rfm: null,
        lifecycleStage: null,
        trend: null,
        overdueDays: null,
        explanation: null,
      };
      if (!p || !run) return empty;
      const num = (v: number | string | null) => (v === null ? null : Number(v));
      const modelled = p.p_alive !== null;
      return {
        ...empty,
        status: modelled ? 'ready' : 'descriptive_only',
        reason: modelled ? null : (run.reason ?? 'Too little data in this workspace for forecasts'),
        purchases: Number(p.purchases),
        totalSpent: Number(p.total_spent),
        firstPurchaseOn: p.first_purchase_on,
        lastPurchaseOn: p.last_purchase_on,
        pAlive: num(p.p_alive),
        expectedPurchases: modelled
          ? { days30: Number(p.expected_30), days90: Number(p.expected_90), days365: Number(p.expected_365) }
          : null,
        pBuyWithin: modelled ? { days30: Number(p.p_buy_30), days90: Number(p.p_buy_90) } : null,
        expectedNextPurchaseOn: p.expected_next_purchase_on,
        expectedSpend: num(p.expected_spend),
        clv12m: num(p.clv_12m),
        valueAtStake: Number(p.value_at_stake),
        rfm: { r: Number(p.rfm_r), f: Number(p.rfm_f), m: Number(p.rfm_m), segment: p.segment },
        lifecycleStage: p.lifecycle_stage as CustomerPrediction['lifecycleStage'],
        trend: p.trend as CustomerPrediction['trend'],
        overdueDays: Number(p.overdue_days),
        explanation: p.explanation,
      };
    },

    async getLatestRunOrThrow(ws: string): Promise<PredictionRun> {
      const run = await repo.latestRun(ws, false);
      if (!run) throw notFound('PREDICTION_RUN_NOT_FOUND', 'Prediction run');
      return toRun(run);
    },

    async segments(ws: string) {
      const { ref, insights } = await latestFinished(ws);
      return { ...ref, segments: insights?.segments ?? [], grid: insights?.grid ?? [] };
    },
    async lifecycle(ws: string) {
      const { ref, insights } = await latestFinished(ws);
      return {
        ...ref,
        stages: insights?.lifecycle.stages ?? [],
        funnel: insights?.lifecycle.funnel ?? [],
        winBack: insights?.winBack ?? [],
      };
    },
    async cohorts(ws: string) {
      const { ref, insights } = await latestFinished(ws);
      return { ...ref, cohorts: insights?.cohorts ?? [] };
    },
    async revenue(ws: string) {
      const { ref, insights } = await latestFinished(ws);
      // runs stored before the partial-month fields: every month but the last was complete
      const months = (insights?.revenue ?? []).map((m, i, all) => ({
        ...m,
        partial: m.partial ?? i === all.length - 1,
        daysCovered: m.daysCovered ?? 0,
        daysInMonth: m.daysInMonth ?? 0,
      }));
      return { ...ref, months, sameDaysLastMonth: insights?.sameDaysLastMonth ?? null };
    },
    /** The customers of one segment or stage (clicking a bar), most at stake first, page by page. */
    async members(ws: string, query: unknown) {
      const q = membersQuery.parse(query ?? {});
      const { ref } = await latestFinished(ws);
      const by = q.stage
        ? { column: 'lifecycle_stage' as const, value: q.stage }
        : { column: 'segment' as const, value: q.segment as string };
      const [stake, id] = q.cursor ? q.cursor.split('~') : [];
      const after = stake !== undefined && id !== undefined ? { stake: Number(stake), id } : null;
      const rows = await repo.members(ws, by, q.limit + 1, after);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        ...ref,
        items: page.map(listItem),
        total: null,
        nextCursor:
          rows.length > q.limit && last ? `${Number(last.value_at_stake)}~${last.customer_id}` : null,
      };
    },
    rising: (ws: string, query: unknown) => list(ws, query, 'rising'),
    /** The most valuable customers (top share by 12-month CLV) not contacted since `before` (D4). */
    valuableNotContacted: (ws: string, share: number, before: string) =>
      repo.valuableNotContacted(ws, share, before),
    /** Highest predicted 12-month value first (the most valued list), and the value of given customers. */
    topByValue: (ws: string, n: number) => repo.topByValue(ws, n),
    predictedValueOf: (ws: string, ids: string[]) => repo.valueOf(ws, ids),
    /** Value at stake and segment of these customers (the newest run). */
    stakes: (ws: string, ids: string[]) => repo.stakes(ws, ids),
    /** Customer ids of a list, stage or segment of the newest run (a campaign's audience). */
    audienceIds: (
      ws: string,
      by: { list: 'at_risk' | 'lapsed' | 'rising' } | { stage: string } | { segment: string },
    ) => repo.audienceIds(ws, by),
    atRisk: (ws: string, query: unknown) => list(ws, query, 'at_risk'),
    lapsed: (ws: string, query: unknown) => list(ws, query, 'lapsed'),

    async getSettings(ws: string) {
      return { monthlyDiscountRate: (await repo.discountRate(ws)) ?? DEFAULT_DISCOUNT_RATE };
    },
    async updateSettings(ws: string, input: unknown) {
      const v = analyticsSettingsSchema.parse(input);
      await repo.setDiscountRate(ws, v.monthlyDiscountRate, clock().toISOString());
      return v;
    },
  };
}
export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
