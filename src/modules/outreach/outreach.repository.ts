import { sql, type Kysely, type Selectable } from 'kysely';
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

/** What a message may go out as: the customer's own address, consent and the suppression of that address. */
function judge(
  c: { id: string; name: string; birthday: string | null; consent_marketing: number | string },
  email: string | null,
  phone: string | null,
  /** The customer's consent row for this channel and purpose: granted or withdrawn, or none. */
  consentRow: boolean | undefined,
  /** The suppression of the customer's address on this channel, if any. */
  scope: SuppressionTable['scope'] | undefined,
  channel: ChannelName,
  purpose: Purpose,
): Eligibility {
  const to = channel === 'email' ? email : phone;
  const consent =
    purpose === 'service'
      ? consentRow !== false
      : channel === 'email'
        ? Number(c.consent_marketing) === 1
        : consentRow === true;
  const excluded: Exclusion | null = !to
    ? 'no_address'
    : scope === 'all' || (scope === 'marketing' && purpose === 'marketing')
      ? 'suppressed'
      : !consent
        ? 'no_consent'
        : null;
  return { customerId: c.id, name: c.name, birthday: c.birthday, email, phone, to, excluded };
}

/** A customer's first email, and first valid phone in E.164 (subqueries of a query over `customers c`). */
const FIRST_EMAIL = sql<string | null>`(select e.normalized from customer_emails e
  where e.workspace_id = c.workspace_id and e.customer_id = c.id order by e.position limit 1)`;
const FIRST_PHONE = sql<string | null>`(select p.e164 from customer_phones p
  where p.workspace_id = c.workspace_id and p.customer_id = c.id and p.valid = 1 and p.e164 is not null
  order by p.position limit 1)`;

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
        const addresses = customers
          .map((c) => (channel === 'email' ? emailOf.get(c.id) : phoneOf.get(c.id)))
          .filter((a): a is string => a !== undefined);
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
        for (const c of customers) {
          const email = emailOf.get(c.id) ?? null;
          const phone = phoneOf.get(c.id) ?? null;
          const to = channel === 'email' ? email : phone;
          out.push(
            judge(
              c,
              email,
              phone,
              consentOf.get(c.id),
              to ? suppressed.get(to) : undefined,
              channel,
              purpose,
            ),
          );
        }
      }
      return out;
    },

    /**
     * One customer's eligibility, judged as `eligibility` judges it, in one statement (the sender checks each
     * message again just before it goes), and the suppression of `address` — where the message is going, which
     * may differ from the customer's current address — when given. Undefined when the customer is gone.
     */
    async recipient(
      ws: string,
      customerId: string,
      channel: ChannelName,
      purpose: Purpose,
      address: string | null,
      trx: Kysely<Database> = db,
    ): Promise<(Eligibility & { addressSuppression: SuppressionTable['scope'] | null }) | undefined> {
      // plain SQL: Kysely's building of this query cost more than the database's work for it
      const own = channel === 'email' ? FIRST_EMAIL : FIRST_PHONE;
      const addressScope =
        address === null
          ? sql`null`
          : sql`(select s.scope from suppressions s
                 where s.workspace_id = c.workspace_id and s.channel = ${channel}
                   and s.address = ${suppressionKey(channel, address)})`;
      const { rows } = await sql<{
        id: string;
        name: string;
        birthday: string | null;
        consent_marketing: number;
        email: string | null;
        phone: string | null;
        granted: number | null;
        scope: SuppressionTable['scope'] | null;
        address_scope: SuppressionTable['scope'] | null;
      }>`select c.id, c.name, c.birthday, c.consent_marketing,
          ${FIRST_EMAIL} as email, ${FIRST_PHONE} as phone,
          (select k.granted from consents k
           where k.workspace_id = c.workspace_id and k.customer_id = c.id
             and k.channel = ${channel} and k.purpose = ${purpose}) as granted,
          (select s.scope from suppressions s
           where s.workspace_id = c.workspace_id and s.channel = ${channel} and s.address = ${own}) as scope,
          ${addressScope} as address_scope
        from customers c where c.workspace_id = ${ws} and c.id = ${customerId}`.execute(trx);
      const r = rows[0];
      if (!r) return undefined;
      const e = judge(
        r,
        r.email ?? null,
        r.phone ?? null,
        r.granted === null || r.granted === undefined ? undefined : Number(r.granted) === 1,
        r.scope ?? undefined,
        channel,
        purpose,
      );
      return { ...e, addressSuppression: r.address_scope ?? null };
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
