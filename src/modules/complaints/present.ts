import { DateTime } from 'luxon';
import type { BusinessHours } from '../../platform/time/business-hours.ts';
import type { ComplaintRow } from './complaints.repository.ts';
import type { Complaint } from './complaints.schema.ts';
import { NO_DEADLINE, overallState, timer } from '../../platform/time/sla.ts';

/** The earliest pending deadline of a complaint: first response, resolution, then the follow-up check. */
export function nextDue(r: {
  first_responded_at: string | null;
  first_response_due_at: string;
  resolved_at: string | null;
  resolution_due_at: string;
  follow_up_due_at: string | null;
  follow_up_done_at: string | null;
}): string {
  const pending = [
    r.first_responded_at ? null : r.first_response_due_at,
    r.resolved_at ? null : r.resolution_due_at,
    r.resolved_at && !r.follow_up_done_at ? r.follow_up_due_at : null,
  ].filter((x): x is string => !!x);
  return pending.sort()[0] ?? NO_DEADLINE;
}

/** A stored complaint as the API shows it, with its live SLA timers at `now`. */
export function presentComplaint(r: ComplaintRow, now: Date, hours: BusinessHours): Complaint {
  const firstResponse = timer(
    { dueAt: r.first_response_due_at, warnAt: r.first_response_warn_at, doneAt: r.first_responded_at },
    now,
    hours,
  );
  const resolution = timer(
    { dueAt: r.resolution_due_at, warnAt: r.resolution_warn_at, doneAt: r.resolved_at },
    now,
    hours,
  );
  const since = r.customer_since;
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    orderId: r.order_id,
    product: r.product,
    channel: r.channel as Complaint['channel'],
    category: r.category,
    severity: r.severity,
    words: r.words,
    paraphrase: r.paraphrase,
    status: r.status,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    receivedAt: r.received_at,
    slaState: overallState([firstResponse.state, resolution.state]),
    sla: { firstResponse, resolution },
    valueAtStake: Number(r.value_at_stake),
    currency: r.value_currency,
    value: {
      source: r.value_source as Complaint['value']['source'],
      customerSince: since,
      tenureDays: since
        ? Math.max(0, Math.floor(DateTime.fromJSDate(now).diff(DateTime.fromISO(since), 'days').days))
        : null,
      orderCount: r.order_count,
      lastPurchaseAt: r.last_purchase_at,
    },
    resolution: r.resolution,
    resolutionSummary: r.resolution_summary,
    apologized: r.apologized === 1,
    refunded: r.refunded === 1,
    refundReason: r.refund_reason,
    rootCause: r.root_cause,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    closedHow: r.close_how,
    followUp: {
      dueAt: r.follow_up_due_at,
      doneAt: r.follow_up_done_at,
      outcome: r.follow_up_outcome,
      due: !!r.follow_up_due_at && !r.follow_up_done_at && r.follow_up_due_at <= now.toISOString(),
    },
    reopenCount: r.reopen_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
