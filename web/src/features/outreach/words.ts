import { allOf } from '../../lib/api.ts';
import { segmentWords, stageWords } from '../analytics/words.ts';
import type { Audience, Campaign, Exclusion, MessageChannel, MessagePurpose, MessageStatus } from './api.ts';

/** The words for messages, the same on every screen (settings, templates, campaigns, the customer page). */

export const CHANNELS = allOf<MessageChannel>()(['email', 'sms', 'whatsapp']);
export const CHANNEL_WORDS: Record<MessageChannel, string> = {
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
};
/** What a customer needs on record for a channel. */
export const ADDRESS_WORDS: Record<MessageChannel, string> = {
  email: 'an email address',
  sms: 'a mobile number',
  whatsapp: 'a mobile number',
};

export const PURPOSES = allOf<MessagePurpose>()(['service', 'marketing']);
export const PURPOSE_WORDS: Record<MessagePurpose, { label: string; hint: string }> = {
  service: {
    label: 'Service',
    hint: 'About something they bought or asked for: an order ready, a reminder, a reply. No consent needed.',
  },
  marketing: {
    label: 'Marketing',
    hint: 'Offers, news, invitations. Goes only to customers who agreed to receive it.',
  },
};

export const STATUS_WORDS: Record<MessageStatus, { label: string; color: string; meaning: string }> = {
  queued: { label: 'Waiting', color: 'blue', meaning: 'Queued: it goes out shortly.' },
  claimed: { label: 'Sending', color: 'blue', meaning: 'Being sent now.' },
  sending: { label: 'Sending', color: 'blue', meaning: 'Being sent now.' },
  sent: { label: 'Sent', color: 'teal', meaning: 'Handed to the mail or phone network.' },
  delivered: { label: 'Delivered', color: 'green', meaning: 'The network says it arrived.' },
  read: { label: 'Read', color: 'green', meaning: 'The customer opened it.' },
  bounced: { label: 'Bounced', color: 'red', meaning: 'The address does not exist any more.' },
  failed: { label: 'Failed', color: 'red', meaning: 'It could not be sent.' },
  skipped: { label: 'Left out', color: 'orange', meaning: 'Not sent to this customer.' },
  uncertain: {
    label: 'Unsure',
    color: 'yellow',
    meaning: 'It may have gone: the provider did not answer. It is not sent again.',
  },
  cancelled: { label: 'Cancelled', color: 'gray', meaning: 'Stopped before it went.' },
};
/** Statuses still moving: a list showing one refreshes itself. */
export const PENDING: readonly MessageStatus[] = ['queued', 'claimed', 'sending'];

/** Why a customer is left out, in a few words ("41 no consent"). */
export function exclusionWords(e: Exclusion, channel: MessageChannel): string {
  if (e === 'no_address') return channel === 'email' ? 'no email' : 'no mobile number';
  if (e === 'suppressed') return 'unsubscribed or blocked';
  return 'no consent';
}

export const SUPPRESSION_WORDS: Record<string, string> = {
  unsubscribe: 'Unsubscribed',
  hard_bounce: 'Bounced: the address does not exist',
  complaint: 'Complained (marked as spam)',
  stop: 'Replied STOP',
  invalid_address: 'Not a valid address',
  opted_out: 'Opted out',
  manual: 'Added by hand',
};

export const CAMPAIGN_STATUS: Record<Campaign['status'], { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  queuing: { label: 'Preparing', color: 'blue' },
  sending: { label: 'Sending', color: 'blue' },
  done: { label: 'Sent', color: 'teal' },
  cancelled: { label: 'Stopped', color: 'gray' },
};

export const LISTS = {
  at_risk: 'At-risk customers',
  lapsed: 'Lapsed customers',
  rising: 'Rising customers',
} as const;

/** Who an audience is, in a few words. */
export function audienceWords(a: Audience): string {
  switch (a.kind) {
    case 'all':
      return 'Everyone';
    case 'list':
      return LISTS[a.list];
    case 'stage':
      return `Status: ${stageWords(a.stage)?.label ?? a.stage}`;
    case 'segment':
      return `Segment: ${segmentWords(a.segment).label}`;
    case 'tag':
      return `Tagged “${a.tag}”`;
    case 'customers':
      return `${a.ids.length} chosen customer${a.ids.length === 1 ? '' : 's'}`;
  }
}

/** Quiet hours said plainly. */
export function quietWords(start: string, end: string, zone: string): string {
  if (start === end) return 'No quiet hours: messages go out at any hour.';
  return `Messages due between ${start} and ${end} wait until ${end} (${zone} time).`;
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;
