/**
 * One interface for every way Rapport reaches a customer. An adapter turns one rendered message into one
 * provider request and tells the outbox what happened: accepted (with the provider's id), a temporary failure
 * (retry later, maybe after `retryAfterMs`), or a permanent one (never retried; `suppress` when the address
 * itself is dead: a hard bounce, an invalid or unreachable number, a recipient who opted out at the provider).
 *
 * Adapters hold no state of their own and never log credentials: the caller passes the workspace's decrypted
 * credentials for each send.
 */
export type ChannelName = 'email' | 'sms' | 'whatsapp';
export type Purpose = 'marketing' | 'service';

export type OutgoingMessage = {
  /** Rapport's message id: stable across retries (the email Message-ID and provider idempotency are built on it). */
  id: string;
  /** Email address, or an E.164 phone number for SMS and WhatsApp. */
  to: string;
  purpose: Purpose;
  subject: string | null;
  /** Plain text as rendered (links already absolute). */
  text: string;
  /** Email only: the HTML version. */
  html?: string;
  /** Email only: the sender (the workspace's From) and where replies go (the shop). */
  from?: { address: string; name: string | null };
  replyTo?: string | null;
  /** Email only: extra headers (List-Unsubscribe, …). */
  headers?: Record<string, string>;
  /** WhatsApp only: the approved template to use outside the 24-hour customer-service window. */
  template?: { name: string; language: string; parameters: string[] };
  /** Where the provider should post delivery-status callbacks for this message (SMS). */
  statusCallbackUrl?: string;
};

export type SendResult =
  | { ok: true; providerId: string; status: 'sent' | 'queued' }
  | {
      ok: false;
      permanent: boolean;
      /** The provider's own error code or SMTP reply code, as text. */
      code: string;
      reason: string;
      /** Seconds or ms the provider asked us to wait (429 Retry-After), in ms. */
      retryAfterMs?: number;
      /** The address is dead or opted out: add it to the suppression list. */
      suppress?: 'hard_bounce' | 'invalid_address' | 'opted_out' | 'complaint';
    };

export interface ChannelAdapter {
  readonly channel: ChannelName;
  send(message: OutgoingMessage): Promise<SendResult>;
  close?(): Promise<void>;
}

/** A delivery-status report from a provider's webhook, already verified and mapped. */
export type DeliveryReport = {
  providerId: string;
  status: 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';
  errorCode?: string;
  reason?: string;
  suppress?: 'hard_bounce' | 'invalid_address' | 'opted_out' | 'complaint';
};

/** A message a customer sent us (an SMS reply, a WhatsApp message), already verified. */
export type InboundMessage = {
  channel: ChannelName;
  /** E.164 */
  from: string;
  text: string;
  providerId: string;
  at: string;
};

/** Replies that mean "stop sending me messages" (carrier rules for SMS; case- and space-insensitive). */
export const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
export const isStopWord = (text: string) =>
  STOP_WORDS.includes(text.trim().toUpperCase().replace(/\s+/g, ''));
/** Replies that undo a STOP. */
export const isStartWord = (text: string) => ['START', 'UNSTOP', 'YES'].includes(text.trim().toUpperCase());
