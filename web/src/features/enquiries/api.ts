import { request } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';
import type { SlaState, Timer } from '../complaints/api.ts';

/** The shapes of src/modules/enquiries/enquiries.schema.ts; money in minor units of the workspace currency. */
export const ENQUIRY_KINDS = ['question', 'quote', 'booking'] as const;
export type EnquiryKind = (typeof ENQUIRY_KINDS)[number];
export const ENQUIRY_CHANNELS = [
  'phone',
  'visit',
  'email',
  'message',
  'sms',
  'whatsapp',
  'social',
  'web_form',
  'other',
] as const;
export type EnquiryChannel = (typeof ENQUIRY_CHANNELS)[number];
export type EnquiryOutcome = 'won' | 'lost' | 'no_answer';
export type EnquiryState = 'active' | 'waiting' | 'answered' | 'done' | 'all';

export type Enquiry = {
  id: string;
  customerId: string;
  customerName: string;
  kind: EnquiryKind;
  channel: EnquiryChannel;
  body: string;
  ownerId: string;
  ownerName: string;
  receivedAt: string;
  status: 'waiting' | 'answered' | 'won' | 'lost' | 'no_answer';
  slaState: SlaState;
  firstResponse: Timer;
  outcome: EnquiryOutcome | null;
  outcomeAt: string | null;
  outcomeNote: string | null;
  value: number | null;
  createdAt: string;
  updatedAt: string;
};

export type NewEnquiry = {
  customerId?: string;
  contact?: { name: string; phone: string };
  kind: EnquiryKind;
  channel: EnquiryChannel;
  body: string;
  value?: number;
};

const E = '/api/v1/enquiries';
const one = (id: string, step: string) => `${E}/${encodeURIComponent(id)}${step}`;

export const enquiriesApi = {
  list: (q: { state: EnquiryState; ownerId?: string | undefined }, cursor: string | null) => {
    const u = new URLSearchParams({ state: q.state, limit: '30' });
    if (q.ownerId) u.set('ownerId', q.ownerId);
    if (cursor) u.set('cursor', cursor);
    return request<Page<Enquiry>>('GET', `${E}?${u.toString()}`);
  },
  create: (body: NewEnquiry) => request<Enquiry>('POST', E, body),
  respond: (id: string, body: { note: string; channel?: EnquiryChannel }) =>
    request<Enquiry>('POST', one(id, '/respond'), body),
  outcome: (id: string, body: { outcome: EnquiryOutcome; note?: string; value?: number }) =>
    request<Enquiry>('POST', one(id, '/outcome'), body),
  transfer: (id: string, body: { toUserId: string; reason?: string }) =>
    request<Enquiry>('POST', one(id, '/transfer'), body),
};
