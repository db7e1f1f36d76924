import type { Kysely } from 'kysely';
import type { SecretBox } from '../../platform/crypto/secrets.ts';
import type { Database } from '../../platform/db/schema.ts';
import { nowIso } from '../../platform/db/ids.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { recordAudit } from '../audit/index.ts';
import { updateOutreachSettingsSchema, type OutreachSettings } from './outreach.schema.ts';

export type SmsConfig = { provider: 'twilio'; accountSid: string; authToken: string; from: string };
export type WhatsAppConfig = {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
};

/** A workspace's sending settings with its credentials opened (server side only: never answered, never logged). */
export type SendingSettings = {
  fromEmail: string | null;
  fromName: string | null;
  replyTo: string | null;
  quietStart: string;
  quietEnd: string;
  ratePerMinute: number;
  sms: SmsConfig | null;
  whatsapp: WhatsAppConfig | null;
};

export const DEFAULT_QUIET = { start: '20:00', end: '08:00' };
export const DEFAULT_RATE_PER_MINUTE = 300;
const CACHE_MS = 5_000;

/** Where the public pages and provider webhooks of a workspace live. */
export const hookUrls = (publicUrl: string, ws: string) => ({
  smsStatus: `${publicUrl}/hooks/twilio/${ws}/status`,
  smsInbound: `${publicUrl}/hooks/twilio/${ws}/inbound`,
  whatsapp: `${publicUrl}/hooks/whatsapp/${ws}`,
});

/** Whether Rapport reads returned mail itself, and where bounces and unsubscribe emails go. */
const inboundOf = (i: { domain: string | undefined; listen: string | undefined } | undefined) => ({
  enabled: !!(i?.domain && i.listen),
  domain: i?.domain ?? null,
  listen: i?.listen ?? null,
  bounceAddress: i?.domain ? `bounce@${i.domain}` : null,
  returnPath: i?.domain ? `bounce+<message id>@${i.domain}` : null,
});

export function createOutreachSettings(deps: {
  db: Kysely<Database>;
  box: SecretBox;
  publicUrl: () => string;
  smtpConfigured: boolean;
  /** The inbound mail listener's domain and listen address (RAPPORT_INBOUND_DOMAIN, RAPPORT_INBOUND_SMTP). */
  inbound?: { domain: string | undefined; listen: string | undefined };
}) {
  const { db, box } = deps;
  const cache = new Map<string, { at: number; value: SendingSettings }>();

  async function load(ws: string, trx: Kysely<Database> = db): Promise<SendingSettings> {
    const r = await trx
      .selectFrom('outreach_settings')
      .selectAll()
      .where('workspace_id', '=', ws)
      .executeTakeFirst();
    return {
      fromEmail: r?.from_email ?? null,
      fromName: r?.from_name ?? null,
      replyTo: r?.reply_to ?? null,
      quietStart: r?.quiet_start ?? DEFAULT_QUIET.start,
      quietEnd: r?.quiet_end ?? DEFAULT_QUIET.end,
      ratePerMinute: r ? Number(r.rate_per_minute) : DEFAULT_RATE_PER_MINUTE,
      sms: r?.sms_config ? (JSON.parse(box.open(r.sms_config)) as SmsConfig) : null,
      whatsapp: r?.whatsapp_config ? (JSON.parse(box.open(r.whatsapp_config)) as WhatsAppConfig) : null,
    };
  }

  function present(ws: string, s: SendingSettings): OutreachSettings {
    const base = deps.publicUrl();
    const urls = hookUrls(base, ws);
    return {
      fromEmail: s.fromEmail,
      fromName: s.fromName,
      replyTo: s.replyTo,
      quietHours: { start: s.quietStart, end: s.quietEnd },
      ratePerMinute: s.ratePerMinute,
      email: {
        configured: deps.smtpConfigured && s.fromEmail !== null,
        smtp: deps.smtpConfigured,
        inbound: inboundOf(deps.inbound),
      },
      sms: s.sms
        ? {
            provider: s.sms.provider,
            accountSid: s.sms.accountSid,
            from: s.sms.from,
            statusCallbackUrl: urls.smsStatus,
            inboundUrl: urls.smsInbound,
          }
        : null,
      whatsapp: s.whatsapp ? { phoneNumberId: s.whatsapp.phoneNumberId, webhookUrl: urls.whatsapp } : null,
      publicUrl: base,
    };
  }

  return {
    /** Settings for sending, remembered a few seconds (the outbox asks per message). */
    async sending(ws: string): Promise<SendingSettings> {
      const hit = cache.get(ws);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
      const value = await load(ws);
      cache.set(ws, { at: Date.now(), value });
      return value;
    },
    /** Can this workspace send on this channel at all (email: a mail server and a From; SMS, WhatsApp: credentials)? */
    async ready(ws: string, channel: 'email' | 'sms' | 'whatsapp'): Promise<boolean> {
      const s = await this.sending(ws);
      return channel === 'email'
        ? deps.smtpConfigured && s.fromEmail !== null
        : channel === 'sms'
          ? s.sms !== null
          : s.whatsapp !== null;
    },
    async getSettings(ws: string): Promise<OutreachSettings> {
      return present(ws, await load(ws));
    },
    async updateSettings(ws: string, input: unknown, actor: string): Promise<OutreachSettings> {
      const v = updateOutreachSettingsSchema.parse(input);
      const next = await writeTransaction(db, async (trx) => {
        const cur = await load(ws, trx);
        const s: SendingSettings = {
          fromEmail: v.fromEmail !== undefined ? v.fromEmail : cur.fromEmail,
          fromName: v.fromName !== undefined ? v.fromName || null : cur.fromName,
          replyTo: v.replyTo !== undefined ? v.replyTo : cur.replyTo,
          quietStart: v.quietHours?.start ?? cur.quietStart,
          quietEnd: v.quietHours?.end ?? cur.quietEnd,
          ratePerMinute: v.ratePerMinute ?? cur.ratePerMinute,
          sms: v.sms !== undefined ? v.sms : cur.sms,
          whatsapp: v.whatsapp !== undefined ? v.whatsapp : cur.whatsapp,
        };
        const row = {
          from_email: s.fromEmail,
          from_name: s.fromName,
          reply_to: s.replyTo,
          quiet_start: s.quietStart,
          quiet_end: s.quietEnd,
          rate_per_minute: s.ratePerMinute,
          sms_provider: s.sms?.provider ?? null,
          sms_config: s.sms ? box.seal(JSON.stringify(s.sms)) : null,
          whatsapp_config: s.whatsapp ? box.seal(JSON.stringify(s.whatsapp)) : null,
          updated_at: nowIso(),
        };
        await trx
          .insertInto('outreach_settings')
          .values({ workspace_id: ws, ...row })
          .onConflict((oc) => oc.column('workspace_id').doUpdateSet(row))
          .execute();
        // the audit names what changed, never a credential
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'outreach.settings',
          entity: 'workspace',
          entityId: ws,
          data: {
            changed: Object.keys(v),
            ...(v.sms !== undefined && {
              sms: v.sms ? { accountSid: v.sms.accountSid, from: v.sms.from } : null,
            }),
            ...(v.whatsapp !== undefined && {
              whatsapp: v.whatsapp ? { phoneNumberId: v.whatsapp.phoneNumberId } : null,
            }),
          },
        });
        return s;
      });
      cache.delete(ws);
      return present(ws, next);
    },
  };
}
export type OutreachSettingsService = ReturnType<typeof createOutreachSettings>;
