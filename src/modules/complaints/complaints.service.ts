import type { Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, notFound } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { PurchaseSummary, TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { createComplaintsRepository, type ComplaintRow } from './complaints.repository.ts';
import { createComplaintSchema, updateComplaintSchema, type ComplaintDetail } from './complaints.schema.ts';
import { contactAttemptsSince, offersOf } from './ladder.ts';
import { createComplaintQueries } from './queries.ts';
import { nextDue, presentComplaint } from './present.ts';
import { resolveOwner } from '../access/index.ts';
import * as rules from './steps.ts';
import type { SlaContext, StepRule } from './steps.ts';
import {
  businessHoursOf,
  complaintSettingsSchema,
  DEFAULT_SETTINGS,
  severityRank,
  updateComplaintSettingsSchema,
} from './settings.ts';
import { deadlines } from '../../platform/time/sla.ts';
import { previewSettings, settingsPreviewSchema } from './preview.ts';

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
   * Run one step of the workflow on a complaint: its rule (steps.ts) checks against the fresh row and history
   * and says what changes; the value at stake is refreshed at every step.
   */
  async function act(
    ws: string,
    id: string,
    actor: Actor,
    kind: string,
    input: unknown,
    rule: StepRule,
  ): Promise<ComplaintDetail> {
    const before = await getRowOrThrow(ws, id);
    const [value, customer, ctx] = await Promise.all([
      valueOf(ws, before.customer_id),
      customers.getCustomerOrThrow(ws, before.customer_id),
      slaContext(ws),
    ]);
    await writeTransaction(db, async (trx) => {
      // locked: a parallel step waits here, then checks its rule against this step's result
      const row = await repo.lock(trx, ws, id);
      if (!row) throw notFound('COMPLAINT_NOT_FOUND', 'Complaint');
      const steps = await repo.steps(ws, id, trx);
      const now = clock();
      const at = now.toISOString();
      const r = await rule({ ws, actor, input, row, steps, ctx, now, trx });
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

    /** The deadlines an example complaint would get under the saved settings, or under unsaved changes. */
    async previewSettings(ws: string, input: unknown) {
      const v = settingsPreviewSchema.parse(input);
      const ctx = await slaContext(ws);
      return previewSettings(ctx.settings, ctx.timezone, v);
    },

    /** Change SLA settings (partially); deadlines already computed stay as they are. */
    async updateSettings(ws: string, input: unknown, actor: Actor) {
      const patch = updateComplaintSettingsSchema.parse(input);
      const current = await slaContext(ws);
      const next = complaintSettingsSchema.parse({ ...current.settings, ...patch });
      await writeTransaction(db, async (trx) => {
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
      await writeTransaction(db, async (trx) => {
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
      return act(ws, id, actor, 'updated', input, rules.update);
    },

    /** Pass the complaint to someone else: never without a reason, never before the problem is understood. */
    transferComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'transfer', input, rules.transfer),

    /** A response to the customer, or (reached: false) a documented attempt to reach them. */
    respondToComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'respond', input, rules.respond),

    /** Offer a choice of options; record the customer's choice or refusal. */
    offerOnComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'offer', input, rules.offer),

    /** Resolve with the option the customer chose, after an apology; schedules the follow-up check. */
    resolveComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'resolve', input, rules.resolve),

    /** Close: only with the customer's confirmation, or after two documented attempts to reach them. */
    closeComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'close', input, rules.close),

    /** Reopen a resolved or closed complaint, with a reason: a new resolution clock starts now. */
    reopenComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'reopen', input, rules.reopen),

    /** The follow-up check after resolution; a customer still unhappy reopens the complaint. */
    followUpComplaint: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'follow_up', input, rules.followUp),

    /** On a merge: the other record's complaints now belong to this customer. */
    moveOnMerge: (trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) =>
      repo.reassignCustomer(trx, ws, from.id, into.id),
  };
}
export type ComplaintService = ReturnType<typeof createComplaintService>;
