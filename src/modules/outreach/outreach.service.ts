import type { Kysely, Selectable } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database, MessageTemplateTable } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { AppError, badInput } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { quietUntil } from '../../platform/time/quiet.ts';
import { recordAudit } from '../audit/index.ts';
import { normalizePhone, type CustomerService } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { ChannelName, DeliveryReport, InboundMessage, Purpose } from './channels/channel.ts';
import { isStartWord, isStopWord } from './channels/channel.ts';
import { compose, type Recipient } from './compose.ts';
import { createOutboxRepository, newMessageRow, type MessageRow } from './outbox.repository.ts';
import { channelNotConfigured, messageNotFound, notSendable, templateNotFound } from './outreach.errors.ts';
import { createOutreachRepository, suppressionKey } from './outreach.repository.ts';
import {
  addSuppressionSchema,
  consentInputSchema,
  createTemplateSchema,
  listMessagesQuery,
  listSuppressionsQuery,
  previewSchema,
  sendMessageSchema,
  testMessageSchema,
  updateTemplateSchema,
  type Consent,
  type Message,
  type Template,
} from './outreach.schema.ts';
import { checkTemplate } from './render.ts';
import type { OutreachSettingsService } from './settings.ts';

const CHANNELS: ChannelName[] = ['email', 'sms', 'whatsapp'];
const PURPOSES: Purpose[] = ['marketing', 'service'];

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  customerId: r.customer_id,
  campaignId: r.campaign_id,
  channel: r.channel as ChannelName,
  purpose: r.purpose as Purpose,
  to: r.to_address,
  subject: r.subject,
  body: r.body,
  status: r.status,
  reason: r.error,
  attempts: Number(r.attempts),
  nextAttemptAt: r.status === 'queued' ? r.next_attempt_at : null,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  deliveredAt: r.delivered_at,
  clickedAt: r.clicked_at,
});

const toTemplate = (r: Selectable<MessageTemplateTable>): Template => ({
  id: r.id,
  name: r.name,
  channel: r.channel as ChannelName,
  purpose: r.purpose as Purpose,
  subject: r.subject,
  body: r.body,
  whatsappTemplate: r.whatsapp_template ? JSON.parse(r.whatsapp_template) : null,
  archived: r.archived_at !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A message's content must fit its channel: an email has a subject. */
export function checkContent(
  c: { channel: ChannelName; subject?: string | null | undefined; body: string },
  at = '',
) {
  if (c.channel === 'email' && !c.subject?.trim())
    throw badInput('SUBJECT_REQUIRED', 'An email needs a subject', `${at}/subject`);
  if (c.subject) checkTemplate(c.subject, `${at}/subject`);
  checkTemplate(c.body, `${at}/body`);
}

export type OutreachDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  settings: OutreachSettingsService;
  publicUrl: () => string;
  /** RAPPORT_INBOUND_DOMAIN (the unsubscribe mailto), when inbound mail is set up. */
  inboundDomain?: string | undefined;
  /** The signed-in user's own email (a test send goes there). */
  userEmail: (ws: string, userId: string) => Promise<string | null>;
  /** Wake the outbox sender (a message is due now). */
  poke?: () => void;
  clock?: () => Date;
};

export function createOutreachService(deps: OutreachDeps) {
  const { db, customers, timeline } = deps;
  const repo = createOutreachRepository(db);
  const outbox = createOutboxRepository(db);
  const clock = deps.clock ?? (() => new Date());

  /** When a message queued now may go: now, or when the workspace's quiet hours end. */
  async function dueAt(ws: string): Promise<string> {
    const [w, s] = await Promise.all([deps.workspaces.getWorkspaceCached(ws), deps.settings.sending(ws)]);
    return quietUntil(clock(), w.timezone, s.quietStart, s.quietEnd).toISOString();
  }

  const recipientOf = (e: {
    customerId: string;
    name: string;
    email: string | null;
    phone: string | null;
    birthday: string | null;
  }): Recipient => e;

  async function consentTimeline(
    trx: Kysely<Database>,
    ws: string,
    customerId: string,
    body: string,
    actor: Actor | null,
    meta: object,
  ) {
    await timeline.insertInteraction(trx, ws, {
      customerId,
      kind: 'consent',
      body,
      authorId: actor?.kind === 'user' ? actor.id : null,
      occurredAt: nowIso(),
      meta,
    });
  }

  return {
    repo,
    outbox,
    dueAt,

    /**
     * Two customers merged: messages, link tokens and survey answers follow; a consent the kept customer has no
     * record of for that channel and purpose is carried over (the kept customer's own record wins).
     */
    async moveOnMerge(trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) {
      for (const t of ['messages', 'public_tokens', 'survey_answers'] as const)
        await trx
          .updateTable(t)
          .set({ customer_id: into.id })
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', from.id)
          .execute();
      const theirs = await repo.consents(ws, from.id, trx);
      const mine = await repo.consents(ws, into.id, trx);
      for (const c of theirs)
        if (!mine.some((m) => m.channel === c.channel && m.purpose === c.purpose))
          await trx
            .insertInto('consents')
            .values({ ...c, customer_id: into.id })
            .execute();
      await trx
        .deleteFrom('consents')
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from.id)
        .execute();
    },

    // --- consent ---
    async getConsents(ws: string, customerId: string): Promise<Consent[]> {
      const c = await customers.getCustomerOrThrow(ws, customerId);
      const rows = await repo.consents(ws, customerId);
      return CHANNELS.flatMap((channel) =>
        PURPOSES.map((purpose) => {
          const r = rows.find((x) => x.channel === channel && x.purpose === purpose);
          if (channel === 'email' && purpose === 'marketing')
            return {
              channel,
              purpose,
              granted: c.consent.marketing,
              source: c.consent.source,
              textShown: r?.text_shown ?? null,
              proof: r?.proof ?? null,
              at: c.consent.at,
            };
          // service messages need no consent: granted unless the customer said no
          return {
            channel,
            purpose,
            granted: r ? Number(r.granted) === 1 : purpose === 'service',
            source: r?.source ?? null,
            textShown: r?.text_shown ?? null,
            proof: r?.proof ?? null,
            at: r?.at ?? null,
          };
        }),
      );
    },
    async setConsent(ws: string, customerId: string, input: unknown, actor: Actor): Promise<Consent[]> {
      const v = consentInputSchema.parse(input);
      await writeTransaction(db, async (trx) => {
        await customers.existsOrThrow(ws, customerId, trx);
        const at = nowIso();
        await repo.setConsent(trx, ws, {
          customerId,
          channel: v.channel,
          purpose: v.purpose,
          granted: v.granted,
          source: v.source,
          textShown: v.textShown ?? null,
          proof: v.proof ?? null,
          actor: actorRef(actor),
          at,
        });
        const what = `${v.purpose} ${v.channel === 'email' ? 'emails' : v.channel === 'sms' ? 'text messages' : 'WhatsApp messages'}`;
        await consentTimeline(
          trx,
          ws,
          customerId,
          `${v.granted ? 'Agreed to' : 'Said no to'} ${what} (${v.source})`,
          actor,
          {
            channel: v.channel,
            purpose: v.purpose,
            granted: v.granted,
          },
        );
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: v.granted ? 'consent.granted' : 'consent.withdrawn',
          entity: 'customer',
          entityId: customerId,
          data: v,
        });
      });
      return this.getConsents(ws, customerId);
    },

    // --- suppression ---
    async listSuppressions(ws: string, query: unknown) {
      const q = listSuppressionsQuery.parse(query ?? {});
      const [at, address] = q.cursor ? q.cursor.split('~') : [];
      const rows = await repo.listSuppressions(ws, q.limit + 1, at && address ? { at, address } : null);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          channel: r.channel as ChannelName,
          address: r.address,
          scope: r.scope,
          reason: r.reason as 'manual',
          source: r.source,
          createdAt: r.created_at,
        })),
        nextCursor: rows.length > q.limit && last ? `${last.created_at}~${last.address}` : null,
      };
    },
    async addSuppression(ws: string, input: unknown, actor: Actor) {
      const v = addSuppressionSchema.parse(input);
      const address = await addressOf(ws, v.channel, v.address);
      await writeTransaction(db, async (trx) => {
        const changed = await repo.suppress(trx, ws, {
          channel: v.channel,
          address,
          scope: 'all',
          reason: v.reason,
          source: actorRef(actor),
        });
        if (changed)
          await recordAudit(trx, {
            workspaceId: ws,
            actor: actorRef(actor),
            action: 'suppression.added',
            entity: 'suppression',
            entityId: `${v.channel}:${address}`,
            data: { reason: v.reason },
          });
      });
      return {
        channel: v.channel,
        address,
        scope: 'all' as const,
        reason: v.reason,
        source: actorRef(actor),
        createdAt: nowIso(),
      };
    },
    async removeSuppression(ws: string, channel: ChannelName, raw: string, actor: Actor) {
      const address = await addressOf(ws, channel, raw);
      await writeTransaction(db, async (trx) => {
        if (!(await repo.unsuppress(trx, ws, channel, address)))
          throw new AppError('SUPPRESSION_NOT_FOUND', 'This address is not on the suppression list', 404);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'suppression.removed',
          entity: 'suppression',
          entityId: `${channel}:${address}`,
        });
      });
    },

    // --- templates ---
    async listTemplates(ws: string, includeArchived = false) {
      return { items: (await repo.templates(ws, includeArchived)).map(toTemplate), nextCursor: null };
    },
    async createTemplate(ws: string, input: unknown, actor: Actor): Promise<Template> {
      const v = createTemplateSchema.parse(input);
      checkContent(v);
      const at = nowIso();
      const row: Selectable<MessageTemplateTable> = {
        workspace_id: ws,
        id: newId(),
        name: v.name,
        channel: v.channel,
        purpose: v.purpose,
        subject: v.channel === 'email' ? (v.subject ?? null) : null,
        body: v.body,
        whatsapp_template: v.whatsappTemplate ? JSON.stringify(v.whatsappTemplate) : null,
        archived_at: null,
        created_at: at,
        updated_at: at,
      };
      await writeTransaction(db, async (trx) => {
        await repo.insertTemplate(trx, row);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'template.created',
          entity: 'template',
          entityId: row.id,
        });
      });
      return toTemplate(row);
    },
    async updateTemplate(ws: string, id: string, input: unknown, actor: Actor): Promise<Template> {
      const v = updateTemplateSchema.parse(input);
      return writeTransaction(db, async (trx) => {
        const cur = await repo.template(ws, id, trx);
        if (!cur) throw templateNotFound();
        const channel = (v.channel ?? cur.channel) as ChannelName;
        const next = {
          name: v.name ?? cur.name,
          channel,
          purpose: v.purpose ?? cur.purpose,
          subject: channel === 'email' ? (v.subject !== undefined ? v.subject : cur.subject) : null,
          body: v.body ?? cur.body,
          whatsapp_template:
            v.whatsappTemplate !== undefined
              ? v.whatsappTemplate
                ? JSON.stringify(v.whatsappTemplate)
                : null
              : cur.whatsapp_template,
          archived_at:
            v.archived === undefined ? cur.archived_at : v.archived ? (cur.archived_at ?? nowIso()) : null,
          updated_at: nowIso(),
        };
        checkContent({ channel, subject: next.subject, body: next.body });
        await repo.updateTemplate(trx, ws, id, next);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'template.updated',
          entity: 'template',
          entityId: id,
          data: Object.keys(v),
        });
        return toTemplate({ ...cur, ...next });
      });
    },
    getTemplate: async (ws: string, id: string) => {
      const r = await repo.template(ws, id);
      if (!r) throw templateNotFound();
      return toTemplate(r);
    },

    /** A message filled in for one customer, without sending it (nothing is stored). */
    async preview(ws: string, input: unknown) {
      const v = previewSchema.parse(input);
      checkContent(v);
      const [e] = await repo.eligibility(ws, [v.customerId], v.channel, v.purpose);
      if (!e) throw badInput('CUSTOMER_NOT_FOUND', 'Customer not found', '/customerId');
      const w = await deps.workspaces.getWorkspaceCached(ws);
      const s = await deps.settings.sending(ws);
      const c = await compose('preview', ws, {
        messageId: 'preview',
        channel: v.channel,
        purpose: v.purpose,
        subject: v.subject ?? null,
        body: v.body,
        to: e.to ?? '',
        recipient: recipientOf(e),
        shopName: w.name,
        replyTo: s.replyTo,
        publicUrl: deps.publicUrl(),
        inboundDomain: deps.inboundDomain ?? null,
      });
      return {
        to: e.to,
        subject: c.subject,
        text: c.text,
        html: c.html,
        sendable: e.excluded === null,
        reason: e.excluded ? notSendable(e.excluded, v.channel).message : null,
      };
    },

    // --- one message ---
    /**
     * Queue a message to one customer (202): checked now (an address, consent for marketing, not suppressed),
     * filled in now (what will be said is answered and on the message), sent by the outbox — at once, or when
     * quiet hours end — and checked again just before it goes. With `key`, the same key queues one message.
     */
    async sendToCustomer(
      ws: string,
      customerId: string,
      input: unknown,
      actor: Actor,
    ): Promise<{ message: Message; created: boolean }> {
      const v = sendMessageSchema.parse(input);
      checkContent(v);
      return this.queueMessage(ws, customerId, v, {
        dedupeKey: v.key ? `k:${v.key}` : undefined,
        createdBy: actorRef(actor),
      });
    },

    /**
     * Queue one message to one customer (the API's sends, and Rapport's own: NPS surveys, review requests):
     * checked (address, consent, suppression), filled in now, due now or when quiet hours end. A `dedupeKey`
     * already used answers the stored message (created: false). Throws 409 when it cannot go to this customer.
     */
    async queueMessage(
      ws: string,
      customerId: string,
      v: {
        channel: ChannelName;
        purpose: Purpose;
        subject?: string | null | undefined;
        body: string;
        survey?: 'defection' | 'nps';
      },
      o: { dedupeKey?: string | undefined; createdBy: string },
    ): Promise<{ message: Message; created: boolean }> {
      const dedupeKey = o.dedupeKey;
      if (dedupeKey) {
        const existing = await outbox.byDedupeKey(ws, dedupeKey);
        if (existing) return { message: toMessage(existing), created: false };
      }
      await customers.existsOrThrow(ws, customerId);
      const [e] = await repo.eligibility(ws, [customerId], v.channel, v.purpose);
      if (!e) throw messageNotFound();
      if (e.excluded) throw notSendable(e.excluded, v.channel);
      if (!(await deps.settings.ready(ws, v.channel))) throw channelNotConfigured(v.channel);
      const w = await deps.workspaces.getWorkspaceCached(ws);
      const s = await deps.settings.sending(ws);
      const next = await dueAt(ws);
      const r = await writeTransaction(
        db,
        async (trx) => {
          if (dedupeKey) {
            const existing = await outbox.byDedupeKey(ws, dedupeKey, trx);
            if (existing) return { row: existing, created: false };
          }
          const row = newMessageRow(ws, {
            ...(dedupeKey && { dedupeKey }),
            customerId,
            channel: v.channel,
            purpose: v.purpose,
            to: e.to,
            nextAttemptAt: next,
            createdBy: o.createdBy,
          });
          const c = await compose(trx, ws, {
            messageId: row.id,
            channel: v.channel,
            purpose: v.purpose,
            subject: v.subject ?? null,
            body: v.body,
            to: e.to as string,
            recipient: recipientOf(e),
            shopName: w.name,
            replyTo: s.replyTo,
            publicUrl: deps.publicUrl(),
            inboundDomain: deps.inboundDomain ?? null,
            now: clock(),
            ...(v.survey && { survey: v.survey }),
          });
          row.subject = c.subject;
          row.body = c.text;
          row.extra = JSON.stringify({ html: c.html, headers: c.headers, links: c.links });
          await outbox.insertOne(trx, row);
          await recordAudit(trx, {
            workspaceId: ws,
            actor: o.createdBy,
            action: 'message.queued',
            entity: 'message',
            entityId: row.id,
            data: { customerId, channel: v.channel, purpose: v.purpose },
          });
          return { row, created: true };
        },
        { rerunOnUniqueViolation: true },
      );
      if (r.created) deps.poke?.();
      return { message: toMessage(r.row), created: r.created };
    },

    /** A test send to yourself: the message as a customer would get it, to your own address. */
    async sendTest(ws: string, input: unknown, actor: Actor): Promise<Message> {
      const v = testMessageSchema.parse(input);
      checkContent(v);
      let to = v.to;
      if (!to && actor.kind === 'user') to = (await deps.userEmail(ws, actor.id)) ?? undefined;
      if (!to) throw badInput('TEST_RECIPIENT_REQUIRED', 'Say where the test goes ("to")', '/to');
      if (!(await deps.settings.ready(ws, v.channel))) throw channelNotConfigured(v.channel);
      to = await addressOf(ws, v.channel, to);
      const recipient: Recipient = v.customerId
        ? recipientOf(
            (await repo.eligibility(ws, [v.customerId], v.channel, v.purpose))[0] ?? {
              customerId: v.customerId,
              name: 'Customer',
              email: null,
              phone: null,
              birthday: null,
            },
          )
        : {
            customerId: null,
            name: 'Ada Example',
            email: v.channel === 'email' ? to : null,
            phone: v.channel === 'email' ? null : to,
            birthday: null,
          };
      const w = await deps.workspaces.getWorkspaceCached(ws);
      const s = await deps.settings.sending(ws);
      const row = await writeTransaction(db, async (trx) => {
        const row = newMessageRow(ws, {
          customerId: null,
          channel: v.channel,
          purpose: v.purpose,
          to,
          nextAttemptAt: nowIso(),
          createdBy: actorRef(actor),
        });
        const c = await compose(trx, ws, {
          messageId: row.id,
          channel: v.channel,
          purpose: v.purpose,
          subject: v.subject ? `[Test] ${v.subject}` : null,
          body: v.body,
          to: to as string,
          recipient: { ...recipient, customerId: null },
          shopName: w.name,
          replyTo: s.replyTo,
          publicUrl: deps.publicUrl(),
          inboundDomain: deps.inboundDomain ?? null,
        });
        row.subject = c.subject;
        row.body = c.text;
        row.extra = JSON.stringify({ html: c.html, headers: c.headers, links: c.links });
        await outbox.insertMany(trx, [row]);
        return row;
      });
      deps.poke?.();
      return toMessage(row);
    },

    /**
     * An email to a staff member (a reminder, not a customer message): sent only when email is set up (SMTP and a
     * sender address), once per `dedupeKey`. Answers false when email is not set up.
     */
    async queueStaffEmail(
      ws: string,
      userId: string,
      v: { subject: string; body: string; dedupeKey: string },
    ): Promise<boolean> {
      if (!(await deps.settings.ready(ws, 'email'))) return false;
      const to = await deps.userEmail(ws, userId);
      if (!to) return false;
      const w = await deps.workspaces.getWorkspaceCached(ws);
      const s = await deps.settings.sending(ws);
      const r = await writeTransaction(
        db,
        async (trx) => {
          if (await outbox.byDedupeKey(ws, v.dedupeKey, trx)) return false;
          const row = newMessageRow(ws, {
            dedupeKey: v.dedupeKey,
            customerId: null,
            channel: 'email',
            purpose: 'service',
            to,
            nextAttemptAt: nowIso(),
            createdBy: 'system',
          });
          const c = await compose(trx, ws, {
            messageId: row.id,
            channel: 'email',
            purpose: 'service',
            subject: v.subject,
            body: v.body,
            to,
            recipient: { customerId: null, name: 'Staff', email: to, phone: null, birthday: null },
            shopName: w.name,
            replyTo: s.replyTo,
            publicUrl: deps.publicUrl(),
            inboundDomain: deps.inboundDomain ?? null,
          });
          row.subject = c.subject;
          row.body = c.text;
          row.extra = JSON.stringify({ html: c.html, headers: c.headers, links: c.links });
          await outbox.insertOne(trx, row);
          return true;
        },
        { rerunOnUniqueViolation: true },
      );
      if (r) deps.poke?.();
      return true;
    },

    async history(ws: string, customerId: string, query: unknown) {
      const q = listMessagesQuery.parse(query ?? {});
      await customers.existsOrThrow(ws, customerId);
      const [at, id] = q.cursor ? q.cursor.split('~') : [];
      const rows = await outbox.history(ws, customerId, q.limit + 1, at && id ? { at, id } : null);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toMessage),
        nextCursor: rows.length > q.limit && last ? `${last.created_at}~${last.id}` : null,
      };
    },
    async getMessage(ws: string, id: string): Promise<Message> {
      const r = await outbox.get(ws, id);
      if (!r) throw messageNotFound();
      return toMessage(r);
    },

    // --- what providers tell us ---
    /** A verified delivery report: the message moves forward; a dead address is suppressed. */
    async recordReport(ws: string, channel: ChannelName, report: DeliveryReport) {
      const m = await outbox.byProviderId(ws, channel, report.providerId);
      if (!m) return false;
      const rank: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3 };
      if (report.status === 'failed' || report.status === 'undelivered') {
        if (!['failed', 'bounced'].includes(m.status))
          await outbox.report(ws, m.id, {
            status:
              report.suppress === 'hard_bounce' || report.suppress === 'invalid_address'
                ? 'bounced'
                : 'failed',
            error_code: report.errorCode ?? null,
            error: report.reason ?? `The provider reported it ${report.status}`,
          });
      } else if (
        (rank[report.status] ?? 0) > (rank[m.status] ?? -1) &&
        ['sent', 'delivered'].includes(m.status)
      )
        await outbox.report(ws, m.id, {
          status: report.status === 'read' ? 'read' : report.status === 'delivered' ? 'delivered' : 'sent',
          ...(report.status === 'delivered' && { delivered_at: nowIso() }),
        });
      if (report.suppress && m.to_address)
        await writeTransaction(db, (trx) =>
          repo.suppress(trx, ws, {
            channel,
            address: m.to_address as string,
            scope: 'all',
            reason: report.suppress as string,
            source: `${channel} provider`,
          }),
        );
      return true;
    },
    /** A verified message from a customer: on their timeline; STOP suppresses the number, START lifts it. */
    async recordInbound(ws: string, m: InboundMessage) {
      const { id: customerId } = await customers.findIdByPhone(ws, m.from);
      await writeTransaction(db, async (trx) => {
        if (isStopWord(m.text))
          await repo.suppress(trx, ws, {
            channel: m.channel,
            address: m.from,
            scope: 'all',
            reason: 'stop',
            source: `${m.channel} reply`,
          });
        else if (isStartWord(m.text)) {
          const s = await trx
            .selectFrom('suppressions')
            .select('reason')
            .where('workspace_id', '=', ws)
            .where('channel', '=', m.channel)
            .where('address', '=', m.from)
            .executeTakeFirst();
          if (s?.reason === 'stop') await repo.unsuppress(trx, ws, m.channel, m.from);
        }
        if (customerId)
          await timeline.insertInteraction(trx, ws, {
            customerId,
            kind: 'message',
            direction: 'inbound',
            body: m.text.slice(0, 5000),
            phone: m.from,
            phoneE164: m.from,
            authorId: null,
            occurredAt: m.at,
            meta: { channel: m.channel, providerId: m.providerId },
          });
      });
      return { customerId: customerId ?? null };
    },
  };

  /** An address as typed → its key on the channel (email lower case; a phone in E.164 with the workspace region). */
  async function addressOf(ws: string, channel: ChannelName, raw: string): Promise<string> {
    if (channel === 'email') {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw.trim()))
        throw badInput('VALIDATION_FAILED', 'Not an email address', '/address');
      return suppressionKey('email', raw);
    }
    const region = (await deps.workspaces.getWorkspaceCached(ws)).region;
    const p = normalizePhone(raw, region as never);
    if (!p.e164 || !p.valid)
      throw badInput('VALIDATION_FAILED', 'Not a phone number that can receive messages', '/address');
    return p.e164;
  }
}

export type OutreachService = ReturnType<typeof createOutreachService>;
