import type { PromiseRow } from './promises.repository.ts';
import type { PromiseOut } from './promises.schema.ts';

/** A promise as the API shows it; overdue is judged at `now`. */
export function presentPromise(r: PromiseRow, now: Date): PromiseOut {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    what: r.what,
    dueAt: r.due_at,
    allDay: r.all_day === 1,
    dueDate: r.due_date,
    source: r.source_kind ? { kind: r.source_kind, id: r.source_id } : null,
    status: r.status,
    overdue: r.status === 'open' && Date.parse(r.due_at) < now.getTime(),
    keptAt: r.kept_at,
    keptOnTime: r.status === 'kept' ? r.kept_late === 0 : null,
    brokenAt: r.broken_at,
    cancelledAt: r.cancelled_at,
    reschedules: r.reschedules,
    lateNoticeMessageId: r.late_notice_message_id,
    remindedAt: r.reminded_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
