import type { Kysely, Updateable } from 'kysely';
import { DateTime } from 'luxon';
import { newId } from '../../platform/db/ids.ts';
import type { ComplaintTable, Database } from '../../platform/db/schema.ts';
import { badInput, notFound } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import type { BusinessHours } from '../../platform/time/business-hours.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { PurchaseSummary, TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { ruleBroken } from './complaints.errors.ts';
import { createComplaintsRepository, type ComplaintRow } from './complaints.repository.ts';
import {
  closeSchema,
  createComplaintSchema,
  followUpSchema,
  offerSchema,
  reopenSchema,
  resolveSchema,
  respondSchema,
  transferSchema,
  updateComplaintSchema,
  type ComplaintDetail,
} from './complaints.schema.ts';
import { checkOffer, chosenOption, contactAttemptsSince, offersOf, type Step } from './ladder.ts';
import { createComplaintQueries } from './queries.ts';
import { nextDue, presentComplaint } from './present.ts';
import { resolveOwner } from './owners.ts';
import {
  businessHoursOf,
  complaintSettingsSchema,
  DEFAULT_SETTINGS,
  severityRank,
  updateComplaintSettingsSchema,
  type ComplaintSettings,
} from './settings.ts';
import { deadlines } from './sla.ts';

/** A customer's value for "value at stake": predicted CLV once analytics provides it, else spend to date. */
export type CustomerValue = {
  amount: number;
  currency: string;
  source: 'spend_to_date' | 'predicted_clv';
  orderCount: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
};

/** Value at stake until predicted CLV exists: what the customer has spent so far. */
export const spendToDate = (p: PurchaseSummary): CustomerValue => ({
  amount: p.totalSpent,
  currency: p.currency,
  source: 'spend_to_date',
  orderCount: p.orderCount,
  firstPurchaseAt: p.firstPurchaseAt,
  lastPurchaseAt: p.lastPurchaseAt,
});

export type ComplaintDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  /** The seam for value at stake (wired in app.ts: spend to date today, predicted CLV later). */
  valueOf: (ws: string, customerId: string) => Promise<CustomerValue>;
  /** The customer an order belongs to, if the order exists (from the orders module). */
  orderCustomer?: (ws: string, orderId: string) => Promise<string | undefined>;
  bus?: EventBus;
  clock?: () => Date;
};

/** What every step needs to know about the workspace: its settings, time zone and business hours. */
export type SlaContext = { settings: ComplaintSettings; timezone: string; hours: BusinessHours };

type StepResult = {
  patch: Updateable<ComplaintTable>;
  data: Record<string, unknown>;
  /** The line on the customer's timeline. */
  body: string;
  direction?: 'inbound' | 'outbound';
  /** Further steps recorded in the same transaction (e.g. a reopen after an unhappy follow-up). */
  then?: { kind: string; data: Record<string, unknown>; body: string }[];
};

const valueColumns = (v: CustomerValue, customerCreatedAt: string) => ({
  value_at_stake: v.amount,
  value_currency: v.currency,
  value_source: v.source,
  order_count: v.orderCount,
  customer_since: v.firstPurchaseAt ?? customerCreatedAt,
  last_purchase_at: v.lastPurchaseAt,
});

export function createComplaintService(deps: ComplaintDeps) {
  const { db, workspaces, customers, timeline, valueOf, orderCustomer, bus } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = createComplaintsRepository(db);

  async function slaContext(ws: string, trx: Kysely<Database> = db): Promise<SlaContext> {
    const [w, stored] = await Promise.all([
      workspaces.getWorkspaceOrThrow(ws, trx),
      repo.getSettings(ws, trx),
    ]);
    const settings = stored
      ? complaintSettingsSchema.parse({ ...DEFAULT_SETTINGS, ...(JSON.parse(stored) as object) })
      : DEFAULT_SETTINGS;
    return { settings, timezone: w.timezone, hours: businessHoursOf(settings, w.timezone) };
  }

  async function getRowOrThrow(ws: string, id: string, trx: Kysely<Database> = db): Promise<ComplaintRow> {
    const r = await repo.get(ws, id, trx);
    if (!r) throw notFound('COMPLAINT_NOT_FOUND', 'Complaint');
    return r;
  }

  async function getComplaintOrThrow(ws: string, id: string): Promise<ComplaintDetail> {
    const [row, ctx] = await Promise.all([getRowOrThrow(ws, id), slaContext(ws)]);
    const steps = await repo.steps(ws, id);
    return {
      ...presentComplaint(row, clock(), ctx.hours),
      offers: offersOf(steps),
      contactAttemptsSinceResolved: contactAttemptsSince(steps, row.resolved_at),
      history: steps,
    };
  }

  async function checkOrder(ws: string, orderId: string | undefined, customerId: string) {
    if (!orderId) return;
    const owner = orderCustomer ? await orderCustomer(ws, orderId) : undefined;
    if (owner !== customerId)
      throw badInput('COMPLAINT_ORDER_NOT_FOUND', "Not one of this customer's orders", '/body/orderId');
  }

  const authorOf = (actor: Actor) => (actor.kind === 'user' ? actor.id : null);

  /** Write one step: the row change, its history entry, the customer's timeline and the audit log, together. */
  async function writeStep(
    trx: Kysely<Database>,
    ws: string,
    row: ComplaintRow,
    actor: Actor,
    kind: string,
    at: string,
    data: Record<string, unknown>,
    body: string,
    direction?: 'inbound' | 'outbound',
  ) {
    await repo.addStep(trx, {
      workspace_id: ws,
      id: newId(),
      complaint_id: row.id,
      kind,
      actor_id: authorOf(actor),
      at,
      data: JSON.stringify(data),
    });
    await timeline.insertInteraction(trx, ws, {
      customerId: row.customer_id,
      kind: 'complaint',
      direction,
      body,
      authorId: authorOf(actor),
      occurredAt: at,
      meta: { complaintId: row.id, step: kind },
    });
    await recordAudit(trx, {
      workspaceId: ws,
      actor: actorRef(actor),
      action: kind,
      entity: 'complaint',
      entityId: row.id,
      data,
    });
  }

  /**
   * Run one step of the workflow on a complaint: `run` checks the rules against the fresh row and its history
   * and says what changes; the value at stake is refreshed at every step.
   */
  async function act(
    ws: string,
    id: string,
    actor: Actor,
    kind: string,
    run: (
      row: ComplaintRow,
      steps: Step[],
      ctx: SlaContext,
      now: Date,
      trx: Kysely<Database>,
    ) => Promise<StepResult>,
  ): Promise<ComplaintDetail> {
    const before = await getRowOrThrow(ws, id);
    const [value, customer, ctx] = await Promise.all([
      valueOf(ws, before.customer_id),
      customers.getCustomerOrThrow(ws, before.customer_id),
      slaContext(ws),
    ]);
    await db.transaction().execute(async (trx) => {
      const row = await getRowOrThrow(ws, id, trx);
      const steps = await repo.steps(ws, id, trx);
      const now = clock();
      const at = now.toISOString();
      const r = await run(row, steps, ctx, now, trx);
      const merged = { ...row, ...r.patch } as ComplaintRow;
      await repo.update(trx, ws, id, {
        ...r.patch,
        ...(row.customer_id === before.customer_id && valueColumns(value, customer.createdAt)),
        next_due_at: nextDue(merged),
        updated_at: at,
      });
      await writeStep(trx, ws, row, actor, kind, at, r.data, r.body, r.direction);
      for (const t of r.then ?? []) await writeStep(trx, ws, row, actor, t.kind, at, t.data, t.body);
    });
    await bus?.publish(ws, 'complaint.updated', { id, step: kind }).catch(() => {});
    return getComplaintOrThrow(ws, id);
  }

  const followUpAt = (now: Date, ctx: SlaContext) =>
    DateTime.fromJSDate(now, { zone: ctx.timezone })
      .plus({ days: ctx.settings.followUpDays })
      .toUTC()
      .toISO() as string;

  /** The row changes of a reopen: a new resolution clock from now, the resolution and follow-up cleared. */
  function reopenPatch(row: ComplaintRow, now: Date, ctx: SlaContext): Updateable<ComplaintTable> {
    const t = deadlines(
      now,
      ctx.settings.targets[row.severity].resolutionMinutes,
      ctx.settings.dueSoonPercent,
      ctx.hours,
    );
    return {
      status: row.first_responded_at ? 'in_progress' : 'open',
      active: 1,
      resolved_at: null,
      closed_at: null,
      close_how: null,
      resolution: null,
      resolution_summary: null,
      apologized: 0,
      resolution_due_at: t.dueAt,
      resolution_warn_at: t.warnAt,
      follow_up_due_at: null,
      follow_up_done_at: null,
      follow_up_outcome: null,
      reopen_count: row.reopen_count + 1,
    };
  }

  const queries = createComplaintQueries({ repo, slaContext, clock });

  return {
    ...queries,
    slaContext,
    getComplaintOrThrow,

    /** The SLA settings of a workspace (defaults until changed), with its time zone. */
    async getSettings(ws: string) {
      const ctx = await slaContext(ws);
      return { ...ctx.settings, timezone: ctx.timezone };
    },

    /** Change SLA settings (partially); deadlines already computed stay as they are. */
    async updateSettings(ws: string, input: unknown, actor: Actor) {
      const patch = updateComplaintSettingsSchema.parse(input);
      const current = await slaContext(ws);
      const next = complaintSettingsSchema.parse({ ...current.settings, ...patch });
      await db.transaction().execute(async (trx) => {
        await repo.saveSettings(trx, ws, JSON.stringify(next), clock().toISOString());
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'update',
          entity: 'complaint_settings',
          entityId: ws,
          data: patch,
        });
      });
      return { ...next, timezone: current.timezone };
    },

    /** Take a complaint: the customer's words, the SLA clocks started in business time, one owner. */
    async createComplaint(ws: string, input: unknown, actor: Actor): Promise<ComplaintDetail> {
      const v = createComplaintSchema.parse(input);
      const now = clock();
      const received = v.receivedAt ? new Date(v.receivedAt) : now;
      if (received.getTime() > now.getTime() + 5 * 60_000)
        throw badInput('COMPLAINT_RECEIVED_IN_FUTURE', 'receivedAt is in the future', '/body/receivedAt');
      const customer = await customers.getCustomerOrThrow(ws, v.customerId);
      await checkOrder(ws, v.orderId, v.customerId);
      const [value, ctx] = await Promise.all([valueOf(ws, v.customerId), slaContext(ws)]);
      const target = ctx.settings.targets[v.severity];
      const fr = deadlines(received, target.firstResponseMinutes, ctx.settings.dueSoonPercent, ctx.hours);
      const res = deadlines(received, target.resolutionMinutes, ctx.settings.dueSoonPercent, ctx.hours);
      const id = newId();
      const at = now.toISOString();
      await db.transaction().execute(async (trx) => {
        const owner = await resolveOwner(trx, ws, v.ownerId, actor);
        const row = {
          workspace_id: ws,
          id,
          customer_id: v.customerId,
          order_id: v.orderId ?? null,
          product: v.product ?? null,
          channel: v.channel,
          category: v.category ?? null,
          severity: v.severity,
          severity_rank: severityRank(v.severity),
          words: v.words,
          paraphrase: v.paraphrase ?? null,
          status: 'open' as const,
          active: 1,
          owner_id: owner.id,
          received_at: received.toISOString(),
          first_response_due_at: fr.dueAt,
          first_response_warn_at: fr.warnAt,
          first_responded_at: null,
          resolution_due_at: res.dueAt,
          resolution_warn_at: res.warnAt,
          resolved_at: null,
          closed_at: null,
          close_how: null,
          next_due_at: fr.dueAt,
          resolution: null,
          resolution_summary: null,
          apologized: 0,
          refunded: 0,
          refund_reason: null,
          root_cause: null,
          follow_up_due_at: null,
          follow_up_done_at: null,
          follow_up_outcome: null,
          reopen_count: 0,
          ...valueColumns(value, customer.createdAt),
          created_at: at,
          updated_at: at,
        };
        await repo.insert(trx, row);
        await writeStep(
          trx,
          ws,
          { ...row, customer_name: customer.name, owner_name: owner.name },
          actor,
          'created',
          row.received_at,
          {
            channel: v.channel,
            severity: v.severity,
            words: v.words,
            paraphrase: v.paraphrase ?? null,
            ownerId: owner.id,
          },
          `Complaint (${v.severity}, by ${v.channel.replace('_', ' ')}): “${v.words}”`,
          'inbound',
        );
      });
      await bus?.publish(ws, 'complaint.created', { id, customerId: v.customerId }).catch(() => {});
      return getComplaintOrThrow(ws, id);
    },

    /** Record the problem statement, category, product or order, root cause; re-grade the severity. */
    async updateComplaint(ws: string, id: string, input: unknown, actor: Actor) {
      const v = updateComplaintSchema.parse(input);
      if (v.orderId) await checkOrder(ws, v.orderId, (await getRowOrThrow(ws, id)).customer_id);
      return act(ws, id, actor, 'updated', async (row, _steps, ctx) => {
        const patch: Updateable<ComplaintTable> = {};
        if (v.paraphrase !== undefined) patch.paraphrase = v.paraphrase;
        if (v.category !== undefined) patch.category = v.category;
        if (v.product !== undefined) patch.product = v.product;
        if (v.orderId !== undefined) patch.order_id = v.orderId;
        if (v.rootCause !== undefined) patch.root_cause = v.rootCause;
        if (v.severity && v.severity !== row.severity) {
          if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED');
          const target = ctx.settings.targets[v.severity];
          const received = new Date(row.received_at);
          patch.severity = v.severity;
          patch.severity_rank = severityRank(v.severity);
          if (!row.first_responded_at) {
            const t = deadlines(
              received,
              target.firstResponseMinutes,
              ctx.settings.dueSoonPercent,
              ctx.hours,
            );
            patch.first_response_due_at = t.dueAt;
            patch.first_response_warn_at = t.warnAt;
          }
          if (!row.resolved_at && row.reopen_count === 0) {
            const t = deadlines(received, target.resolutionMinutes, ctx.settings.dueSoonPercent, ctx.hours);
            patch.resolution_due_at = t.dueAt;
            patch.resolution_warn_at = t.warnAt;
          }
        }
        const what = [
          v.paraphrase !== undefined && `problem statement: “${v.paraphrase}”`,
          patch.severity && `severity ${row.severity} → ${patch.severity}`,
          v.category !== undefined && `category ${v.category}`,
          v.rootCause !== undefined && `root cause: ${v.rootCause}`,
        ].filter(Boolean);
        return { patch, data: v, body: `Complaint updated${what.length ? `: ${what.join('; ')}` : ''}` };
      });
    },

    /** Pass the complaint to someone else: never without a reason, never before the problem is understood. */
    transferComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'transfer', async (row, _steps, _ctx, _now, trx) => {
        const v = transferSchema.parse(input);
        if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED');
        if (!v.reason) throw ruleBroken('COMPLAINT_TRANSFER_NO_REASON');
        if (!row.paraphrase) throw ruleBroken('COMPLAINT_NO_PROBLEM_STATEMENT');
        const to = await resolveOwner(trx, ws, v.toUserId, actor, '/body/toUserId');
        if (to.id === row.owner_id) throw ruleBroken('COMPLAINT_TRANSFER_SAME_OWNER');
        return {
          patch: { owner_id: to.id },
          data: { fromUserId: row.owner_id, toUserId: to.id, reason: v.reason },
          body: `Complaint passed from ${row.owner_name} to ${to.name}: ${v.reason}`,
        };
      }),

    /** A response to the customer, or (reached: false) a documented attempt to reach them. */
    respondToComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'respond', async (row, _steps, _ctx, now) => {
        const v = respondSchema.parse(input);
        if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED');
        const patch: Updateable<ComplaintTable> = {};
        if (v.reached && !row.first_responded_at) patch.first_responded_at = now.toISOString();
        if (v.reached && row.status === 'open') patch.status = 'in_progress';
        const how = v.channel ? ` by ${v.channel.replace('_', ' ')}` : '';
        return {
          patch,
          data: { note: v.note, channel: v.channel ?? null, reached: v.reached },
          body: v.reached
            ? `Complaint: responded${how}: ${v.note}`
            : `Complaint: tried to reach the customer${how}, no answer: ${v.note}`,
          direction: 'outbound',
        };
      }),

    /** Offer a choice of options; record the customer's choice or refusal. */
    offerOnComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'offer', async (row, steps, _ctx, now) => {
        const v = offerSchema.parse(input);
        if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED');
        if (row.status === 'resolved') throw ruleBroken('COMPLAINT_NOT_OPEN');
        if (!row.paraphrase) throw ruleBroken('COMPLAINT_NO_PROBLEM_STATEMENT');
        const alternativeTo = checkOffer(offersOf(steps.filter((s) => s.at >= lastReopen(steps))), v);
        const list = v.options.map((o) => (o.detail ? `${o.kind} (${o.detail})` : o.kind)).join(' / ');
        const answer =
          v.choice !== undefined
            ? `; the customer chose ${v.options[v.choice]?.kind}`
            : v.refused
              ? '; the customer refused'
              : '';
        return {
          patch: {
            ...(!row.first_responded_at && { first_responded_at: now.toISOString() }),
            ...(row.status === 'open' && { status: 'in_progress' as const }),
          },
          data: {
            options: v.options,
            choice: v.choice ?? null,
            refused: v.refused,
            refundReason: v.refundReason ?? null,
            alternativeTo,
            note: v.note ?? null,
          },
          body: `Complaint: offered ${list}${alternativeTo ? ' as alternatives' : ''}${answer}`,
          direction: 'outbound',
        };
      }),

    /** Resolve with the option the customer chose, after an apology; schedules the follow-up check. */
    resolveComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'resolve', async (row, steps, ctx, now) => {
        const v = resolveSchema.parse(input);
        if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED');
        if (row.status === 'resolved') throw ruleBroken('COMPLAINT_NOT_OPEN', 'it is already resolved');
        const { offer, option, index } = chosenOption(
          offersOf(steps.filter((s) => s.at >= lastReopen(steps))),
          v,
        );
        if (!v.apologized) throw ruleBroken('COMPLAINT_RESOLVE_NO_APOLOGY');
        const at = now.toISOString();
        const refund = option.kind === 'refund';
        return {
          patch: {
            status: 'resolved',
            resolved_at: at,
            first_responded_at: row.first_responded_at ?? at,
            resolution: option.kind,
            resolution_summary: v.summary,
            apologized: 1,
            ...(refund && { refunded: 1, refund_reason: offer.refundReason }),
            ...(v.rootCause && { root_cause: v.rootCause }),
            follow_up_due_at: followUpAt(now, ctx),
            follow_up_done_at: null,
            follow_up_outcome: null,
          },
          data: {
            offerId: offer.id,
            choice: index,
            option,
            summary: v.summary,
            apologized: true,
            rootCause: v.rootCause ?? null,
          },
          body: `Complaint resolved with ${option.kind}${option.detail ? ` (${option.detail})` : ''}: ${v.summary}`,
        };
      }),

    /** Close: only with the customer's confirmation, or after two documented attempts to reach them. */
    closeComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'close', async (row, steps, _ctx, now) => {
        const v = closeSchema.parse(input);
        if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED', 'it is already closed');
        if (row.status !== 'resolved') throw ruleBroken('COMPLAINT_NOT_RESOLVED');
        const attempts = contactAttemptsSince(steps, row.resolved_at);
        if (!v.customerConfirmed && attempts < 2)
          throw ruleBroken(
            'COMPLAINT_CLOSE_UNCONFIRMED',
            `${attempts} attempt(s) recorded since it was resolved`,
          );
        const how = v.customerConfirmed ? 'confirmed' : 'unreachable';
        return {
          patch: { status: 'closed', active: 0, closed_at: now.toISOString(), close_how: how },
          data: { how, attempts, note: v.note ?? null },
          body: v.customerConfirmed
            ? `Complaint closed: the customer confirmed it is resolved${v.note ? ` (${v.note})` : ''}`
            : `Complaint closed after ${attempts} attempts to reach the customer${v.note ? ` (${v.note})` : ''}`,
        };
      }),

    /** Reopen a resolved or closed complaint, with a reason: a new resolution clock starts now. */
    reopenComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'reopen', async (row, _steps, ctx, now) => {
        const v = reopenSchema.parse(input);
        if (row.status !== 'resolved' && row.status !== 'closed') throw ruleBroken('COMPLAINT_NOT_RESOLVED');
        return {
          patch: reopenPatch(row, now, ctx),
          data: { reason: v.reason },
          body: `Complaint reopened: ${v.reason}`,
        };
      }),

    /** The follow-up check after resolution; a customer still unhappy reopens the complaint. */
    followUpComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'follow_up', async (row, _steps, ctx, now) => {
        const v = followUpSchema.parse(input);
        if (!row.resolved_at || row.follow_up_done_at) throw ruleBroken('COMPLAINT_FOLLOW_UP_NOT_PENDING');
        const data = { outcome: v.outcome, note: v.note ?? null };
        const body = `Complaint follow-up: ${v.outcome.replace('_', ' ')}${v.note ? ` (${v.note})` : ''}`;
        if (v.outcome !== 'unhappy')
          return {
            patch: { follow_up_done_at: now.toISOString(), follow_up_outcome: v.outcome },
            data,
            body,
          };
        const reason = `Follow-up: the customer is still unhappy${v.note ? ` (${v.note})` : ''}`;
        return {
          patch: { ...reopenPatch(row, now, ctx), follow_up_done_at: null, follow_up_outcome: null },
          data,
          body,
          then: [{ kind: 'reopen', data: { reason }, body: `Complaint reopened: ${reason}` }],
        };
      }),

    /** On a merge: the other record's complaints now belong to this customer. */
    moveOnMerge: (trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) =>
      repo.reassignCustomer(trx, ws, from.id, into.id),

    /** For the caller card: the customer's complaints not yet closed. */
    openItemCounter: async (ws: string, customerId: string): Promise<[string, number]> => [
      'complaints',
      await repo.countActiveOf(ws, customerId),
    ],
  };
}
export type ComplaintService = ReturnType<typeof createComplaintService>;

/** Offers made before the last reopen belong to the earlier resolution. */
const lastReopen = (steps: readonly Step[]): string =>
  steps.filter((s) => s.kind === 'reopen').at(-1)?.at ?? '';
