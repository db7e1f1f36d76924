const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "just now". */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const secs = (new Date(iso).getTime() - now) / 1000;
  if (Math.abs(secs) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(secs) >= size) return rtf.format(Math.round(secs / size), unit);
  }
  return rtf.format(Math.round(secs / 60), 'minute');
}

/** A full date and time in the workspace's zone. */
export function dateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
      new Date(iso),
    );
  } catch {
    return new Date(iso).toLocaleString();
  }
}

/** A calendar date ('YYYY-MM-DD' or '--MM-DD') for people, never shifted by a time zone. */
export function calendarDate(v: string | null | undefined): string {
  if (!v) return '';
  const m = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return v;
  const [, y, mm, dd] = m;
  const d = new Date(Date.UTC(y === '-' ? 2000 : Number(y), Number(mm) - 1, Number(dd)));
  const opts: Intl.DateTimeFormatOptions =
    y === '-' ? { month: 'long', day: 'numeric', timeZone: 'UTC' } : { dateStyle: 'long', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(undefined, opts).format(d);
}

export function money(minor: number, currency: string): string {
  try {
    const f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

export const KIND_LABELS: Record<string, string> = {
  call: 'Call',
  visit: 'Visit',
  message: 'Message',
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  note: 'Note',
  meeting: 'Meeting',
  order: 'Order',
  purchase: 'Purchase',
  refund: 'Refund',
  merge: 'Merge',
};
export const kindLabel = (k: string) =>
  KIND_LABELS[k] ?? k.charAt(0).toUpperCase() + k.slice(1).replace(/[_.]/g, ' ');

export const CHANNEL_LABELS: Record<string, string> = {
  phone: 'Phone call',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  email: 'Email',
  in_person: 'In person',
  post: 'Post',
};

export const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
