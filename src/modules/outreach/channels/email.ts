import nodemailer from 'nodemailer';
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel.ts';

/** SMTP reply codes that mean the mailbox itself is dead (RFC 5321/3463): suppress the address. */
const DEAD_MAILBOX = [550, 551, 553];

type SmtpError = Error & { code?: string; responseCode?: number; permanent?: boolean; response?: string };

/**
 * Email over SMTP (nodemailer, one pooled connection per server). `smtpUrl` is `smtp://user:pass@host:587`
 * (STARTTLS when the server offers it) or `smtps://…` (TLS from the start). Each message carries its own
 * `Message-ID` built from Rapport's message id (so a retry is recognisably the same message), `Date`, the
 * workspace's From and Reply-To, a plain-text part and an HTML part. With an inbound domain the envelope sender
 * (Return-Path) is the message's own VERP bounce address.
 */
export function createSmtpEmail(opts: {
  smtpUrl: string;
  messageIdDomain: string;
  /** RAPPORT_INBOUND_DOMAIN: the envelope sender becomes bounce+<message id>@ it (VERP), so a bounce names the message. */
  returnPathDomain?: string | undefined;
}): ChannelAdapter {
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    pool: true,
    maxConnections: 2,
    // a test server on loopback has a self-signed certificate at most; elsewhere certificates are checked
    tls: {
      rejectUnauthorized: !/^smtps?:\/\/([^@/]*@)?(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(opts.smtpUrl),
    },
  });
  return {
    channel: 'email',
    async send(m: OutgoingMessage): Promise<SendResult> {
      if (!m.from) return { ok: false, permanent: true, code: 'NO_SENDER', reason: 'No From address is set' };
      try {
        const info = await transport.sendMail({
          from: m.from.name ? { name: m.from.name, address: m.from.address } : m.from.address,
          to: m.to,
          ...(m.replyTo && { replyTo: m.replyTo }),
          subject: m.subject ?? '',
          text: m.text,
          ...(m.html && { html: m.html }),
          messageId: `<${m.id}@${opts.messageIdDomain}>`,
          date: new Date(),
          headers: m.headers ?? {},
          ...(opts.returnPathDomain && {
            envelope: { from: `bounce+${m.id}@${opts.returnPathDomain}`, to: [m.to] },
          }),
        });
        return { ok: true, providerId: info.messageId, status: 'sent' };
      } catch (err) {
        return smtpFailure(err as SmtpError);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** An SMTP failure as the outbox sees it: 5xx permanent (a dead mailbox is suppressed), the rest retried. */
export function smtpFailure(err: SmtpError): SendResult {
  const code = err.responseCode;
  const reason = (err.response ?? err.message).replace(/\s+/g, ' ').slice(0, 300);
  if (code && code >= 500)
    return {
      ok: false,
      permanent: true,
      code: String(code),
      reason,
      ...(DEAD_MAILBOX.includes(code) && err.code === 'EENVELOPE' && { suppress: 'hard_bounce' as const }),
    };
  // 4xx (greylisting, mailbox full, rate limits), connection and TLS errors: try again later
  return { ok: false, permanent: false, code: code ? String(code) : (err.code ?? 'SMTP_ERROR'), reason };
}
