import type { PhoneCallTable } from '../../platform/db/schema.ts';
import type { PhoneCall, PhoneSettings } from './phones.schema.ts';

/** Where a workspace's phone-system URLs live (the PBX ones carry its secret). */
export const phoneUrls = (base: string, ws: string, secret: string): PhoneSettings['urls'] => ({
  twilioVoice: `${base}/hooks/twilio/${ws}/voice`,
  twilioStatus: `${base}/hooks/twilio/${ws}/voice-status`,
  asteriskLookup: `${base}/hooks/pbx/${ws}/${secret}/lookup?number=`,
  asteriskEvents: `${base}/hooks/pbx/${ws}/${secret}/events`,
  threecxTemplate: `${base}/api/v1/phone/3cx/template`,
});

export type CallRow = PhoneCallTable & { customer_name: string | null };
export const present = (r: CallRow): PhoneCall => ({
  id: r.id,
  source: r.source,
  from: r.from_number,
  to: r.to_number,
  direction: r.direction,
  status: r.status,
  durationSeconds: r.duration_s === null ? null : Number(r.duration_s),
  startedAt: r.started_at,
  endedAt: r.ended_at,
  customerId: r.customer_id,
  customerName: r.customer_name,
  interactionId: r.interaction_id,
  followUp: r.follow_up,
});
