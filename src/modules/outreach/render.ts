import { Liquid } from 'liquidjs';
import { badInput } from '../../platform/errors.ts';

/**
 * Merge fields in Liquid (liquidjs): `{{ customer.first_name | default: "there" }}`. Liquid runs no code of the
 * template's author: only variables, filters and simple tags. Includes and layouts read from an empty
 * in-memory set (never the file system), and parse/render limits stop a template that would run away.
 */
const engine = new Liquid({
  templates: {},
  ownPropertyOnly: true,
  strictFilters: true,
  parseLimit: 100_000,
  renderLimit: 500,
  memoryLimit: 10_000_000,
});

export type MergeContext = {
  customer: {
    name: string;
    first_name: string;
    email: string | null;
    phone: string | null;
    birthday: string | null;
  };
  shop: { name: string };
  unsubscribe_url: string;
  preferences_url: string;
  /** A campaign with a survey: its single-use link; else empty. */
  survey_url: string;
};

/** The merge fields a template may use, with what each holds (shown beside the template editor). */
export const MERGE_FIELDS: Record<string, string> = {
  'customer.name': 'Full name',
  'customer.first_name': 'First name (the first word of the name)',
  'customer.email': 'First email address',
  'customer.phone': 'First phone number',
  'customer.birthday': 'Birthday (YYYY-MM-DD or --MM-DD)',
  'shop.name': 'Your business name',
  unsubscribe_url: 'Link to stop marketing messages (added to every marketing email anyway)',
  preferences_url: 'Link where the customer chooses what to receive',
  survey_url: 'A campaign with the "why did you stop?" survey: the customer\'s own one-time link',
};

export const firstNameOf = (name: string) => name.trim().split(/\s+/)[0] ?? '';

/** Check a template parses (at save time), so a broken one is refused with its error, not at send time. */
export function checkTemplate(source: string, pointer: string) {
  try {
    engine.parse(source);
  } catch (err) {
    throw badInput(
      'TEMPLATE_INVALID',
      `The template cannot be read: ${(err as Error).message.split('\n')[0]}`,
      pointer,
    );
  }
}

/** Parsed templates by source, so a campaign's body is parsed once, not once per message (a few hundred kept). */
const parsed = new Map<string, ReturnType<typeof engine.parse>>();
const PARSED_KEPT = 200;
function parseCached(source: string) {
  let t = parsed.get(source);
  if (!t) {
    t = engine.parse(source);
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(source, t);
  }
  return t;
}

export async function renderText(source: string, ctx: MergeContext): Promise<string> {
  try {
    return String(await engine.render(parseCached(source), ctx));
  } catch (err) {
    throw badInput(
      'TEMPLATE_INVALID',
      `The template cannot be filled in: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Plain text → escaped HTML with its links clickable. */
function linkify(s: string, track?: (url: string) => string) {
  return escapeHtml(s).replace(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g, (url) => {
    const href = track ? escapeHtml(track(url.replace(/&amp;/g, '&'))) : url;
    return `<a href="${href}" style="color:#1864ab">${url}</a>`;
  });
}

/**
 * The HTML part of an email: the text's paragraphs in a simple responsive frame (one column, at most 600 px,
 * readable on a phone), and for marketing the unsubscribe footer.
 */
export function htmlOf(opts: {
  text: string;
  shopName: string;
  unsubscribeUrl: string | null;
  preferencesUrl: string | null;
  /** The address a link's click goes through (click tracking); the text shown stays the link itself. */
  track?: (url: string) => string;
}) {
  const paragraphs = opts.text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 16px">${linkify(p, opts.track).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const footer = opts.unsubscribeUrl
    ? `<p style="margin:24px 0 0;font-size:13px;color:#555">${escapeHtml(opts.shopName)} · <a href="${opts.unsubscribeUrl}" style="color:#555">Unsubscribe</a>${
        opts.preferencesUrl
          ? ` · <a href="${opts.preferencesUrl}" style="color:#555">Choose what you receive</a>`
          : ''
      }</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(opts.shopName)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f4">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;background:#ffffff;font:16px/1.5 -apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#1a1a1a">
${paragraphs}
${footer}
</div></body></html>`;
}

/** The plain-text footer of a marketing email. */
export const textFooter = (shopName: string, unsubscribeUrl: string) =>
  `\n\n--\n${shopName}\nTo stop these emails: ${unsubscribeUrl}`;
