/**
 * Just enough MIME to read what mail servers send back (no dependency, no surprises on malformed input):
 * a delivery status notification (RFC 3464: multipart/report; report-type=delivery-status, with a
 * message/delivery-status part and the original's headers as text/rfc822-headers or message/rfc822) and an
 * abuse feedback report (RFC 5965, ARF: report-type=feedback-report). Anything else is "other".
 */
type Headers = { name: string; value: string }[];
type Part = { headers: Headers; body: string };

export type RecipientStatus = {
  /** Final-Recipient (else Original-Recipient), lower-case. */
  recipient: string | null;
  /** Original-Recipient, when given (the address as first sent, before any forwarding). */
  original: string | null;
  action: string | null;
  /** x.y.z (RFC 3463) */
  status: string | null;
  diagnostic: string | null;
};

export type ParsedReport =
  | {
      kind: 'dsn';
      reportId: string | null;
      recipients: RecipientStatus[];
      /** Message-ID of the returned original, without brackets. */
      originalMessageId: string | null;
    }
  | {
      kind: 'feedback';
      reportId: string | null;
      feedbackType: string | null;
      recipient: string | null;
      originalMessageId: string | null;
    }
  | { kind: 'other'; reportId: string | null };

const MAX_PARTS = 50;
const MAX_DEPTH = 5;

/** Header block → fields (folded lines joined), in order. */
export function parseHeaders(block: string): Headers {
  const out: Headers = [];
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    out.push({ name: line.slice(0, at).trim().toLowerCase(), value: line.slice(at + 1).trim() });
    if (out.length > 500) break;
  }
  return out;
}
const header = (h: Headers, name: string) => h.find((x) => x.name === name)?.value ?? null;

function split(raw: string): Part {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { headers: parseHeaders(raw), body: '' };
  return { headers: parseHeaders(raw.slice(0, m.index)), body: raw.slice(m.index + m[0].length) };
}

/** A parameter of a structured header (`boundary`, `report-type`), quoted or not. */
export function param(value: string | null, name: string): string | null {
  if (!value) return null;
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2] ?? null) : null;
}
const mediaType = (h: Headers) =>
  (header(h, 'content-type') ?? 'text/plain').split(';')[0]?.trim().toLowerCase() ?? 'text/plain';

function decode(p: Part): string {
  const cte = (header(p.headers, 'content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(p.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable')
    return p.body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return p.body;
}

/** Every leaf part of a message, depth first (nested multiparts opened, at most MAX_PARTS). */
function leaves(p: Part, depth = 0, out: Part[] = []): Part[] {
  if (out.length >= MAX_PARTS) return out;
  const type = mediaType(p.headers);
  const boundary = param(header(p.headers, 'content-type'), 'boundary');
  if (type.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const chunks = p.body.split(`--${boundary}`);
    // the preamble is before the first boundary; the epilogue after the closing one (it starts with "--")
    for (const c of chunks.slice(1)) {
      if (c.startsWith('--')) break;
      leaves(split(c.replace(/^[ \t]*\r?\n/, '')), depth + 1, out);
    }
    return out;
  }
  out.push({ headers: p.headers, body: decode(p) });
  return out;
}

const address = (v: string | null) => {
  if (!v) return null;
  const a = /<([^<>\s]+)>/.exec(v)?.[1] ?? (v.includes(';') ? v.slice(v.indexOf(';') + 1) : v).trim();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(a) ? a.toLowerCase() : null;
};
const messageIdOf = (v: string | null) => /<([^<>\s]+)>/.exec(v ?? '')?.[1] ?? null;

function originalHeaders(parts: Part[]): Headers | null {
  const p = parts.find((x) => ['text/rfc822-headers', 'message/rfc822'].includes(mediaType(x.headers)));
  return p ? split(p.body).headers : null;
}

export function parseReport(raw: string): ParsedReport {
  const top = split(raw.length > 5_000_000 ? raw.slice(0, 5_000_000) : raw);
  const reportId = messageIdOf(header(top.headers, 'message-id'));
  const parts = leaves(top);
  const contentType = header(top.headers, 'content-type');
  // the report may be the whole mail or nested (a forwarder wraps it in multipart/mixed): look for its parts
  const dsn = parts.find((p) => mediaType(p.headers) === 'message/delivery-status');
  const arf = parts.find((p) => mediaType(p.headers) === 'message/feedback-report');
  const original = originalHeaders(parts);
  const originalMessageId = original ? messageIdOf(header(original, 'message-id')) : null;
  if (dsn) {
    // groups of fields separated by blank lines: the first is about the message, then one per recipient
    const groups = dsn.body.split(/\r?\n[ \t]*\r?\n/).map(parseHeaders);
    const recipients = groups
      .filter((g) => header(g, 'final-recipient') || header(g, 'original-recipient'))
      .slice(0, 100)
      .map((g) => ({
        recipient: address(header(g, 'final-recipient')) ?? address(header(g, 'original-recipient')),
        original: address(header(g, 'original-recipient')),
        action: header(g, 'action')?.toLowerCase() ?? null,
        status: /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(header(g, 'status') ?? '')?.[1] ?? null,
        diagnostic: (header(g, 'diagnostic-code') ?? '').replace(/^[^;]*;\s*/, '').slice(0, 500) || null,
      }));
    return { kind: 'dsn', reportId, recipients, originalMessageId };
  }
  if (arf || /report-type\s*=\s*"?feedback-report/i.test(contentType ?? '')) {
    const f = arf ? parseHeaders(arf.body) : [];
    return {
      kind: 'feedback',
      reportId,
      feedbackType: header(f, 'feedback-type')?.toLowerCase() ?? null,
      recipient: address(header(f, 'original-rcpt-to')) ?? address(original && header(original, 'to')),
      originalMessageId,
    };
  }
  return { kind: 'other', reportId };
}
