import type { Kysely, Updateable } from 'kysely';
import { DateTime } from 'luxon';
import type { ComplaintTable, Database } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { ruleBroken } from './complaints.errors.ts';
import type { ComplaintRow } from './complaints.repository.ts';
import {
  closeSchema,
  followUpSchema,
  offerSchema,
  reopenSchema,
  resolveSchema,
  respondSchema,
  transferSchema,
  updateComplaintSchema,
} from './complaints.schema.ts';
import { checkOffer, chosenOption, contactAttemptsSince, offersOf, type Step } from './ladder.ts';
import { resolveOwner } from '../access/index.ts';
import { severityRank, type ComplaintSettings } from './settings.ts';
import type { BusinessHours } from '../../platform/time/business-hours.ts';
import { deadlines } from '../../platform/time/sla.ts';

/**
 * The steps of a complaint after intake, one rule set each: given the fresh row and its history (inside the
 * step's transaction), check the rules and say what changes and what goes on the history and timeline.
 */

/** What every step needs to know about the workspace: its settings, time zone and business hours. */
export type SlaContext = { settings: ComplaintSettings; timezone: string; hours: BusinessHours };

export type StepResult = {
  patch: Updateable<ComplaintTable>;
  data: Record<string, unknown>;
  /** The line on the customer's timeline. */
  body: string;
  direction?: 'inbound' | 'outbound';
  /** Further steps recorded in the same transaction (e.g. a reopen after an unhappy follow-up). */
  then?: { kind: string; data: Record<string, unknown>; body: string }[];
};

export type StepRule = (s: {
  ws: string;
  actor: Actor;
  input: unknown;
  row: ComplaintRow;
  steps: Step[];
  ctx: SlaContext;
  now: Date;
  trx: Kysely<Database>;
}) => Promise<StepResult>;

/** Offers made before the last reopen belong to the earlier resolution. */
const sinceReopen = (steps: readonly Step[]): Step[] => {
  const at = steps.filter((s) => s.kind === 'reopen').at(-1)?.at ?? '';
  return steps.filter((s) => s.at >= at);
};

export const followUpAt = (now: Date, ctx: SlaContext) =>
  DateTime.fromJSDate(now, { zone: ctx.timezone })
    .plus({ days: ctx.settings.followUpDays })
    .toUTC()
    .toISO() as string;

/** The row changes of a reopen: a new resolution clock from now, the resolution and follow-up cleared. */
export function reopenPatch(row: ComplaintRow, now: Date, ctx: SlaContext): Updateable<ComplaintTable> {
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

/** Record the problem statement, category, product or order, root cause; re-grade the severity. */
export const update: StepRule = async ({ row, ctx, input }) => {
  const v = updateComplaintSchema.parse(input);
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
      const t = deadlines(received, target.firstResponseMinutes, ctx.settings.dueSoonPercent, ctx.hours);
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
};

/** Pass the complaint to someone else: never without a reason, never before the problem is understood. */
export const transfer: StepRule = async ({ row, trx, input, ws, actor }) => {
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
};

/** A response to the customer, or (reached: false) a documented attempt to reach them. */
export const respond: StepRule = async ({ row, now, input }) => {
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
};

/** Offer a choice of options; record the customer's choice or refusal. */
export const offer: StepRule = async ({ row, steps, now, input }) => {
  const v = offerSchema.parse(input);
  if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED');
  if (row.status === 'resolved') throw ruleBroken('COMPLAINT_NOT_OPEN');
  if (!row.paraphrase) throw ruleBroken('COMPLAINT_NO_PROBLEM_STATEMENT');
  const alternativeTo = checkOffer(offersOf(sinceReopen(steps)), v);
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
};

/** Resolve with the option the customer chose, after an apology; schedules the follow-up check. */
export const resolve: StepRule = async ({ row, steps, ctx, now, input }) => {
  const v = resolveSchema.parse(input);
  if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED');
  if (row.status === 'resolved') throw ruleBroken('COMPLAINT_NOT_OPEN', 'it is already resolved');
  const { offer, option, index } = chosenOption(offersOf(sinceReopen(steps)), v);
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
};

/** Close: only with the customer's confirmation, or after two documented attempts to reach them. */
export const close: StepRule = async ({ row, steps, now, input }) => {
  const v = closeSchema.parse(input);
  if (row.status === 'closed') throw ruleBroken('COMPLAINT_CLOSED', 'it is already closed');
  if (row.status !== 'resolved') throw ruleBroken('COMPLAINT_NOT_RESOLVED');
  const attempts = contactAttemptsSince(steps, row.resolved_at);
  if (!v.customerConfirmed && attempts < 2)
    throw ruleBroken('COMPLAINT_CLOSE_UNCONFIRMED', `${attempts} attempt(s) recorded since it was resolved`);
  const how = v.customerConfirmed ? 'confirmed' : 'unreachable';
  return {
    patch: { status: 'closed', active: 0, closed_at: now.toISOString(), close_how: how },
    data: { how, attempts, note: v.note ?? null },
    body: v.customerConfirmed
      ? `Complaint closed: the customer confirmed it is resolved${v.note ? ` (${v.note})` : ''}`
      : `Complaint closed after ${attempts} attempts to reach the customer${v.note ? ` (${v.note})` : ''}`,
  };
};

/** Reopen a resolved or closed complaint, with a reason: a new resolution clock starts now. */
export const reopen: StepRule = async ({ row, ctx, now, input }) => {
  const v = reopenSchema.parse(input);
  if (row.status !== 'resolved' && row.status !== 'closed') throw ruleBroken('COMPLAINT_NOT_RESOLVED');
  return {
    patch: reopenPatch(row, now, ctx),
    data: { reason: v.reason },
    body: `Complaint reopened: ${v.reason}`,
  };
};

/** The follow-up check after resolution; a customer still unhappy reopens the complaint. */
export const followUp: StepRule = async ({ row, ctx, now, input }) => {
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
};
