/**
 * The domain events: every change that matters, named `entity.verb`. They are not a table of their own: the
 * audit log is written in the same transaction as every change it records, so it is the outbox, and an event is
 * an audit row seen through this catalogue (entity + action → event name). Audit rows not named here (settings,
 * API keys, users…) are not events.
 */
export const WEBHOOK_EVENTS = [
  'customer.created',
  'customer.updated',
  'customer.merged',
  'customer.deleted',
  'customer.erased',
  'customer.consent_granted',
  'customer.consent_withdrawn',
  'order.created',
  'order.refunded',
  'order.returned',
  'call.received',
  'call.made',
  'call.missed',
  'complaint.opened',
  'complaint.responded',
  'complaint.transferred',
  'complaint.offered',
  'complaint.resolved',
  'complaint.closed',
  'complaint.reopened',
  'enquiry.created',
  'enquiry.answered',
  'message.queued',
  'message.sent',
  'message.bounced',
  'message.failed',
  'promise.created',
  'promise.kept',
  'promise.broken',
  'promise.cancelled',
  'campaign.created',
  'campaign.sent',
  'campaign.cancelled',
  'survey.answered',
  'nps.answered',
  'review.recorded',
  'event.created',
  'event.updated',
  'event.cancelled',
  'event.checked_in',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The test message an owner sends from Settings; never an audit row, never filtered out. */
export const TEST_EVENT = 'webhook.test';

type Row = { entity: string; action: string; data: unknown };

const BY_ACTION: Record<string, Record<string, WebhookEvent>> = {
  customer: {
    create: 'customer.created',
    update: 'customer.updated',
    merge: 'customer.merged',
    delete: 'customer.deleted',
    erase: 'customer.erased',
    'consent.granted': 'customer.consent_granted',
    'consent.withdrawn': 'customer.consent_withdrawn',
  },
  order: { create: 'order.created', refund: 'order.refunded', return: 'order.returned' },
  call: { missed: 'call.missed' },
  complaint: {
    created: 'complaint.opened',
    respond: 'complaint.responded',
    transfer: 'complaint.transferred',
    offer: 'complaint.offered',
    resolve: 'complaint.resolved',
    close: 'complaint.closed',
    reopen: 'complaint.reopened',
  },
  enquiry: { create: 'enquiry.created', respond: 'enquiry.answered' },
  message: {
    'message.queued': 'message.queued',
    'message.sent': 'message.sent',
    'message.bounced': 'message.bounced',
    'message.failed': 'message.failed',
  },
  promise: {
    create: 'promise.created',
    keep: 'promise.kept',
    break: 'promise.broken',
    cancel: 'promise.cancelled',
  },
  campaign: {
    'campaign.created': 'campaign.created',
    'campaign.sent': 'campaign.sent',
    'campaign.cancelled': 'campaign.cancelled',
  },
  survey_answer: { 'survey.answered': 'survey.answered', 'nps.answered': 'nps.answered' },
  review: { 'review.recorded': 'review.recorded' },
  event: {
    'event.created': 'event.created',
    'event.updated': 'event.updated',
    'event.cancelled': 'event.cancelled',
    'event.checkin': 'event.checked_in',
  },
};

/** The event an audit row is, or null when it is none. */
export function eventOf(row: Row): WebhookEvent | null {
  if (row.entity === 'call' && row.action === 'create') {
    const d = row.data as { direction?: string } | null;
    return d?.direction === 'outbound' ? 'call.made' : 'call.received';
  }
  return BY_ACTION[row.entity]?.[row.action] ?? null;
}
