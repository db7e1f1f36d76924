import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { ChannelName, OutgoingMessage, Purpose } from './channels/channel.ts';
import { firstNameOf, htmlOf, renderText, textFooter, type MergeContext } from './render.ts';

export const TOKEN_DAYS = 365;
/** A survey link works for a month, once. */
export const SURVEY_DAYS = 30;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new public link token (32 random bytes), stored only as its hash. */
export async function createToken(
  trx: Kysely<Database>,
  ws: string,
  t: {
    purpose: string;
    customerId: string | null;
    messageId: string | null;
    channel: ChannelName;
    address: string | null;
  },
  days = TOKEN_DAYS,
  now: Date = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await trx
    .insertInto('public_tokens')
    .values({
      token_hash: hashToken(token),
      workspace_id: ws,
      purpose: t.purpose,
      customer_id: t.customerId,
      message_id: t.messageId,
      channel: t.channel,
      address: t.address,
      expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
      used_at: null,
      created_at: nowIso(),
    })
    .execute();
  return token;
}

export type Recipient = {
  customerId: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  birthday: string | null;
};

export type Composed = {
  subject: string | null;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  /** The links of the HTML part, in order: /p/c/<token>/<n> redirects to the n-th and records the click. */
  links: string[];
};

/**
 * Fill a message in for one recipient: merge fields, the public links (a fresh token per message), and for a
 * marketing email the footer and the RFC 8058 one-click List-Unsubscribe headers (an https link and a mailto:
 * Rapport's own unsubscribe+<token> address when inbound mail is set up, else the shop's Reply-To). Runs inside the transaction that records the message, so its token exists once it is sent.
 */
export async function compose(
  /** The transaction that records the message (its link token is stored there), or 'preview': a link that goes nowhere. */
  trx: Kysely<Database> | 'preview',
  ws: string,
  m: {
    messageId: string;
    channel: ChannelName;
    purpose: Purpose;
    subject: string | null;
    body: string;
    to: string;
    recipient: Recipient;
    shopName: string;
    replyTo: string | null;
    publicUrl: string;
    /** RAPPORT_INBOUND_DOMAIN: the List-Unsubscribe mailto goes to unsubscribe+<token>@ it (Rapport acts on it). */
    inboundDomain?: string | null | undefined;
    /** The clock's now (token expiry). */
    now?: Date;
    /** 'defection': a single-use link to the "why did you stop?" survey ({{ survey_url }}; added when the text lacks it). */
    survey?: string | null;
  },
): Promise<Composed> {
  const token =
    trx === 'preview'
      ? 'preview'
      : await createToken(
          trx,
          ws,
          {
            purpose: 'message',
            customerId: m.recipient.customerId,
            messageId: m.messageId,
            channel: m.channel,
            address: m.to,
          },
          TOKEN_DAYS,
          m.now,
        );
  const unsubscribeUrl = `${m.publicUrl}/p/u/${token}`;
  let surveyUrl = '';
  if (m.survey) {
    const surveyToken =
      trx === 'preview'
        ? 'preview'
        : await createToken(
            trx,
            ws,
            {
              purpose: `survey:${m.survey}`,
              customerId: m.recipient.customerId,
              messageId: m.messageId,
              channel: m.channel,
              address: m.to,
            },
            SURVEY_DAYS,
            m.now,
          );
    surveyUrl = `${m.publicUrl}/p/s/${surveyToken}`;
  }
  const preferencesUrl = `${m.publicUrl}/p/prefs/${token}`;
  const ctx: MergeContext = {
    customer: {
      name: m.recipient.name,
      first_name: firstNameOf(m.recipient.name),
      email: m.recipient.email,
      phone: m.recipient.phone,
      birthday: m.recipient.birthday,
    },
    shop: { name: m.shopName },
    unsubscribe_url: unsubscribeUrl,
    preferences_url: preferencesUrl,
    survey_url: surveyUrl,
  };
  const subject =
    m.channel === 'email' && m.subject
      ? (await renderText(m.subject, ctx)).replace(/\s+/g, ' ').trim()
      : null;
  let text = (await renderText(m.body, ctx)).trim();
  if (surveyUrl && !text.includes(surveyUrl)) text += `\n\nTell us in one minute: ${surveyUrl}`;
  const marketing = m.purpose === 'marketing';
  if (m.channel !== 'email') {
    // an SMS or WhatsApp marketing message says how to stop (carrier rules)
    if (marketing && !/\bstop\b/i.test(text))
      text += m.channel === 'sms' ? '\nReply STOP to opt out.' : `\nStop: ${unsubscribeUrl}`;
    return { subject: null, text, html: null, headers: {}, links: [] };
  }
  const headers: Record<string, string> = {};
  const main = text;
  if (marketing) {
    const mailto = m.inboundDomain
      ? `, <mailto:unsubscribe+${token}@${m.inboundDomain}?subject=unsubscribe>`
      : m.replyTo
        ? `, <mailto:${m.replyTo}?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`
        : '';
    headers['List-Unsubscribe'] = `<${unsubscribeUrl}>${mailto}`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    if (!text.includes(unsubscribeUrl)) text += textFooter(m.shopName, unsubscribeUrl);
  }
  const links: string[] = [];
  const track = (url: string) => {
    if (trx === 'preview' || url === unsubscribeUrl || url === preferencesUrl) return url;
    const at = links.indexOf(url);
    return `${m.publicUrl}/p/c/${token}/${at >= 0 ? at : links.push(url) - 1}`;
  };
  const html = htmlOf({
    track,
    text: main,
    shopName: m.shopName,
    unsubscribeUrl: marketing ? unsubscribeUrl : null,
    preferencesUrl: marketing ? preferencesUrl : null,
  });
  return { subject, text, html, headers, links };
}

export const outgoing = (
  id: string,
  to: string,
  purpose: Purpose,
  c: Omit<Composed, 'links'>,
  extra: Pick<OutgoingMessage, 'from' | 'replyTo' | 'template' | 'statusCallbackUrl'> = {},
): OutgoingMessage => ({
  id,
  to,
  purpose,
  subject: c.subject,
  text: c.text,
  ...(c.html && { html: c.html }),
  headers: c.headers,
  ...extra,
});
