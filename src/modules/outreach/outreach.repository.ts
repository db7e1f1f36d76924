import type { Kysely, Selectable } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database, MessageTemplateTable, SuppressionTable } from '../../platform/db/schema.ts';
import type { ChannelName, Purpose } from './channels/channel.ts';

export type Exclusion = 'no_consent' | 'no_address' | 'suppressed';
/** Whether a message of this channel and purpose may go to a customer, and where. */
export type Eligibility = {
  customerId: string;
  name: string;
  birthday: string | null;
  email: string | null;
  phone: string | null;
  to: string | null;
  excluded: Exclusion | null;
};

const CHUNK = 500;
const chunks = <T>(xs: T[]) =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/** An address as the suppression list keys it: lower-case email, or E.164. */
export const suppressionKey = (channel: ChannelName, address: string) =>
  channel === 'email' ? address.trim().toLowerCase() : address.trim();

/** All SQL of outreach's own tables but the outbox (consents, suppressions, templates, campaigns, tokens). */
export function createOutreachRepository(db: Kysely<Database>) {
  return {
    /**
     * Eligibility of many customers at once (a campaign of 100,000 reads a few statements per 500): the first
     * email, or the first valid phone in E.164; marketing needs consent (email: the customer's marketing
     * consent; SMS and WhatsApp: a consent row for that channel), service goes unless the customer withdrew it
     * for that channel; nothing goes to a suppressed address (a marketing-only suppression stops marketing).
     */
    async eligibility(
      ws: string,
      ids: string[],
      channel: ChannelName,
      purpose: Purpose,
      trx: Kysely<Database> = db,
    ): Promise<Eligibility[]> {
      const out: Eligibility[] = [];
      for (const part of chunks([...new Set(ids)])) {
        if (!part.length) continue;
        const [customers, emails, phones, consents] = await Promise.all([
          trx
            .selectFrom('customers')
            .select(['id', 'name', 'birthday', 'consent_marketing'])
            .where('workspace_id', '=', ws)
            .where('id', 'in', part)
            .execute(),
          trx
            .selectFrom('customer_emails')
            .select(['customer_id', 'normalized', 'position'])
            .where('workspace_id', '=', ws)
            .where('customer_id', 'in', part)
            .orderBy('position')
            .execute(),
          trx
            .selectFrom('customer_phones')
            .select(['customer_id', 'e164', 'position'])
            .where('workspace_id', '=', ws)
            .where('customer_id', 'in', part)
            .where('valid', '=', 1)
            .where('e164', 'is not', null)
            .orderBy('position')
            .execute(),
          trx
            .selectFrom('consents')
            .select(['customer_id', 'granted'])
            .where('workspace_id', '=', ws)
            .where('customer_id', 'in', part)
            .where('channel', '=', channel)
            .where('purpose', '=', purpose)
            .execute(),
        ]);
        const emailOf = new Map<string, string>();
        for (const e of emails) if (!emailOf.has(e.customer_id)) emailOf.set(e.customer_id, e.normalized);
        const phoneOf = new Map<string, string>();
        for (const p of phones) if (!phoneOf.has(p.customer_id) && p.e164) phoneOf.set(p.customer_id, p.e164);
        const consentOf = new Map(consents.map((c) => [c.customer_id, Number(c.granted) === 1]));
        const rows = customers.map((c) => {
          const email = emailOf.get(c.id) ?? null;
          const phone = phoneOf.get(c.id) ?? null;
          const to = channel === 'email' ? email : phone;
          const consent =
            purpose === 'service'
              ? consentOf.get(c.id) !== false
              : channel === 'email'
                ? Number(c.consent_marketing) === 1
                : consentOf.get(c.id) === true;
          return { customerId: c.id, name: c.name, birthday: c.birthday, email, phone, to, consent };
        });
        const addresses = rows.map((r) => r.to).filter((a): a is string => a !== null);
        const suppressed = new Map<string, SuppressionTable['scope']>();
        if (addresses.length)
          for (const s of await trx
            .selectFrom('suppressions')
            .select(['address', 'scope'])
            .where('workspace_id', '=', ws)
            .where('channel', '=', channel)
            .where('address', 'in', addresses)
            .execute())
            suppressed.set(s.address, s.scope);
        for (const r of rows) {
          const scope = r.to ? suppressed.get(r.to) : undefined;
          const excluded: Exclusion | null = !r.to
            ? 'no_address'
            : scope === 'all' || (scope === 'marketing' && purpose === 'marketing')
              ? 'suppressed'
              : !r.consent
                ? 'no_consent'
                : null;
          out.push({
            customerId: r.customerId,
            name: r.name,
            birthday: r.birthday,
            email: r.email,
            phone: r.phone,
            to: r.to,
            excluded,
          });
        }
      }
      return out;
    },

    async isSuppressed(
      ws: string,
      channel: ChannelName,
      address: string,
      purpose: Purpose,
      trx: Kysely<Database> = db,
    ) {
      const s = await trx
        .selectFrom('suppressions')
        .select('scope')
        .where('workspace_id', '=', ws)
        .where('channel', '=', channel)
        .where('address', '=', suppressionKey(channel, address))
        .executeTakeFirst();
      return s !== undefined && (s.scope === 'all' || purpose === 'marketing');
    },

    /** Add (or widen to `all`) a suppression; true when something changed. */
    async suppress(
      trx: Kysely<Database>,
      ws: string,
      s: {
        channel: ChannelName;
        address: string;
        scope: 'marketing' | 'all';
        reason: string;
        source: string | null;
      },
    ): Promise<boolean> {
      const address = suppressionKey(s.channel, s.address);
      const existing = await trx
        .selectFrom('suppressions')
        .select('scope')
        .where('workspace_id', '=', ws)
        .where('channel', '=', s.channel)
        .where('address', '=', address)
        .executeTakeFirst();
      if (existing && (existing.scope === 'all' || s.scope === 'marketing')) return false;
      await trx
        .insertInto('suppressions')
        .values({
          workspace_id: ws,
          channel: s.channel,
          address,
          scope: s.scope,
          reason: s.reason,
          source: s.source,
          created_at: nowIso(),
        })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'channel', 'address'])
            .doUpdateSet({ scope: s.scope, reason: s.reason, source: s.source }),
        )
        .execute();
      return true;
    },
    async unsuppress(trx: Kysely<Database>, ws: string, channel: ChannelName, address: string) {
      const r = await trx
        .deleteFrom('suppressions')
        .where('workspace_id', '=', ws)
        .where('channel', '=', channel)
        .where('address', '=', suppressionKey(channel, address))
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async listSuppressions(ws: string, limit: number, after: { at: string; address: string } | null) {
      let q = db.selectFrom('suppressions').selectAll().where('workspace_id', '=', ws);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '<', after.at),
            eb.and([eb('created_at', '=', after.at), eb('address', '>', after.address)]),
          ]),
        );
      return q.orderBy('created_at', 'desc').orderBy('address').limit(limit).execute();
    },

    // --- consents ---
    async consents(ws: string, customerId: string, trx: Kysely<Database> = db) {
      return trx
        .selectFrom('consents')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .execute();
    },
    async setConsent(
      trx: Kysely<Database>,
      ws: string,
      c: {
        customerId: string;
        channel: ChannelName;
        purpose: Purpose;
        granted: boolean;
        source: string;
        textShown: string | null;
        proof: string | null;
        actor: string;
        at: string;
      },
    ) {
      const row = {
        workspace_id: ws,
        customer_id: c.customerId,
        channel: c.channel,
        purpose: c.purpose,
        granted: c.granted ? 1 : 0,
        source: c.source,
        text_shown: c.textShown,
        proof: c.proof,
        at: c.at,
        actor: c.actor,
      };
      await trx
        .insertInto('consents')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'customer_id', 'channel', 'purpose']).doUpdateSet({
            granted: row.granted,
            source: row.source,
            text_shown: row.text_shown,
            proof: row.proof,
            at: row.at,
            actor: row.actor,
          }),
        )
        .execute();
      // email marketing consent lives on the customer (its `consent` field), kept in step
      if (c.channel === 'email' && c.purpose === 'marketing')
        await trx
          .updateTable('customers')
          .set({
            consent_marketing: row.granted,
            consent_source: c.source,
            consent_at: c.at,
            updated_at: c.at,
          })
          .where('workspace_id', '=', ws)
          .where('id', '=', c.customerId)
          .execute();
    },

    // --- templates ---
    async templates(ws: string, includeArchived: boolean) {
      let q = db.selectFrom('message_templates').selectAll().where('workspace_id', '=', ws);
      if (!includeArchived) q = q.where('archived_at', 'is', null);
      return q.orderBy('name').limit(500).execute();
    },
    async template(ws: string, id: string, trx: Kysely<Database> = db) {
      return trx
        .selectFrom('message_templates')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
    },
    async insertTemplate(trx: Kysely<Database>, row: Selectable<MessageTemplateTable>) {
      await trx.insertInto('message_templates').values(row).execute();
    },
    async updateTemplate(
      trx: Kysely<Database>,
      ws: string,
      id: string,
      set: Partial<Selectable<MessageTemplateTable>>,
    ) {
      await trx
        .updateTable('message_templates')
        .set(set)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },
  };
}
export type OutreachRepository = ReturnType<typeof createOutreachRepository>;
