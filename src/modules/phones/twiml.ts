/**
 * TwiML answers for Twilio Voice (https://www.twilio.com/docs/voice/twiml): forward the caller to the shop's
 * phone with `<Dial>`, or, with no number to forward to, `<Say>` a message and `<Hangup/>`.
 */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const doc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

export function voiceAnswer(o: { forwardTo: string | null; shopName: string; dialAction: string }): string {
  if (o.forwardTo)
    return doc(`<Dial action="${esc(o.dialAction).replace(/"/g, '&quot;')}">${esc(o.forwardTo)}</Dial>`);
  return doc(
    `<Say>Thank you for calling ${esc(o.shopName)}. Nobody can come to the phone right now; we will call you back.</Say><Hangup/>`,
  );
}
export const hangup = () => doc('<Hangup/>');
export const emptyAnswer = () => doc('');

/** Twilio's call outcome → ours: a call nobody at the shop picked up is missed. */
export function twilioOutcome(
  p: Record<string, string>,
  forwarding: boolean,
): { outcome: 'answered' | 'missed'; durationS: number | null } | undefined {
  const seconds = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : null);
  // the <Dial action> callback says whether the shop's phone answered
  if (p.DialCallStatus)
    return p.DialCallStatus === 'completed'
      ? { outcome: 'answered', durationS: seconds(p.DialCallDuration) }
      : { outcome: 'missed', durationS: 0 };
  switch (p.CallStatus) {
    case 'completed':
      // with nobody to forward to, the caller heard the message: still a call nobody took
      return { outcome: forwarding ? 'answered' : 'missed', durationS: seconds(p.CallDuration) };
    case 'no-answer':
    case 'busy':
    case 'failed':
    case 'canceled':
      return { outcome: 'missed', durationS: seconds(p.CallDuration) ?? 0 };
    default:
      return undefined; // ringing, in-progress: nothing ended
  }
}
