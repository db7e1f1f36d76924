import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../../../platform/db/ids.ts';
import type { Database } from '../../../platform/db/schema.ts';
import { writeTransaction } from '../../../platform/db/transaction.ts';
import { recordAudit } from '../../audit/index.ts';
import type { TimelineService } from '../../timeline/index.ts';
import type { OutreachRepository } from '../outreach.repository.ts';
import type { PublicService } from '../public.service.ts';
import { parseReport, type RecipientStatus } from './report.ts';

/** What a recipient address of the inbound domain is for. */
export type InboundRecipient =
  { kind: 'bounce'; messageId: string | null } | { kind: 'unsubscribe'; token: string };

/**
 * The local parts the listener accepts: `bounce+<message id>` (the VERP return path of each email), `bounce`
 * and `postmaster` (reports without VERP: the original Message-ID names the message), `abuse` (feedback loops)
 * and `unsubscribe+<token>` (the List-Unsubscribe mailto). Anything else is refused at RCPT time.
 */
export function inboundRecipient(address: string, domain: string): InboundRecipient | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.slice(at + 1).toLowerCase() !== domain) return null;
  const local = address.slice(0, at);
  const verp = /^bounce\+([A-Za-z0-9_-]{1,64})$/i.exec(local);
  if (verp) return { kind: 'bounce', messageId: verp[1] ?? null };
  if (/^(bounce|postmaster|abuse)$/i.test(local)) return { kind: 'bounce', messageId: null };
  const unsub = /^unsubscribe\+([A-Za-z0-9_-]{20,100})$/.exec(local);
  if (unsub?.[1]) return { kind: 'unsubscribe', token: unsub[1] };
  return null;
}

export type InboundOutcome = 'bounced' | 'delayed' | 'complaint' | 'unsubscribed' | 'duplicate' | 'ignored';

/**
 * Acting on returned mail: a permanent failure marks the message bounced, suppresses the address and says so on
 * the customer's timeline; a delay is noted on the message; a spam complaint stops marketing to the address; a
 * mail to the unsubscribe address unsubscribes like the one-click link. Each report counts once (its key is
 * stored with a unique constraint in the transaction that acts on it).
 */
export function createInboundService(deps: {
  db: Kysely<Database>;
  repo: OutreachRepository;
  timeline: TimelineService;
  pages: PublicService;
  /** The host of the Message-IDs Rapport writes (<id@host>). */
  messageIdDomain: () => string;
}) {
  const { db } = deps;

  async function findMessage(trx: Kysely<Database>, id: string | null) {
    if (!id) return undefined;
    return trx
      .selectFrom('messages')
      .select(['workspace_id', 'id', 'customer_id', 'to_address', 'status', 'channel'])
      .where('id', '=', id)
      .where('channel', '=', 'email')
      .executeTakeFirst();
  }
  /** The Rapport message id in a returned Message-ID `<id@publicHost>`, if it is one of ours. */
  const ours = (messageId: string | null) => {
    if (!messageId) return null;
    const at = messageId.lastIndexOf('@');
    return at > 0 && messageId.slice(at + 1).toLowerCase() === deps.messageIdDomain().toLowerCase()
      ? messageId.slice(0, at)
      : null;
  };

  /** Store the report's key; false when it was acted on before. */
  async function once(
    trx: Kysely<Database>,
    ws: string,
    key: string,
    r: {
      kind: 'bounce' | 'delay' | 'complaint';
      messageId: string;
      address: string | null;
      status: string | null;
      diagnostic: string | null;
    },
  ) {
    const res = await trx
      .insertInto('inbound_reports')
      .values({
        workspace_id: ws,
        report_key: key,
        kind: r.kind,
        message_id: r.messageId,
        address: r.address,
        status: r.status,
        diagnostic: r.diagnostic,
        received_at: nowIso(),
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'report_key']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async function recipientFailed(
    trx: Kysely<Database>,
    m: NonNullable<Awaited<ReturnType<typeof findMessage>>>,
    rs: RecipientStatus,
    key: string,
  ): Promise<InboundOutcome> {
    const ws = m.workspace_id;
    const permanent = rs.status?.startsWith('5') ?? rs.action === 'failed';
    const delayed = !permanent && (rs.action === 'delayed' || rs.status?.startsWith('4') === true);
    if (!permanent && !delayed) return 'ignored'; // delivered, relayed, expanded: nothing to do
    const diagnostic = (rs.diagnostic ?? rs.status ?? 'no reason given').replace(/\s+/g, ' ').slice(0, 300);
    const address = rs.recipient ?? m.to_address;
    if (
      !(await once(trx, ws, key, {
        kind: permanent ? 'bounce' : 'delay',
        messageId: m.id,
        address,
        status: rs.status,
        diagnostic,
      }))
    )
      return 'duplicate';
    if (delayed) {
      await trx
        .updateTable('messages')
        .set({ error_code: rs.status ?? 'delayed', error: `Delayed by the receiving server: ${diagnostic}` })
        .where('workspace_id', '=', ws)
        .where('id', '=', m.id)
        .where('status', 'in', ['sent', 'delivered'])
        .execute();
      return 'delayed';
    }
    await trx
      .updateTable('messages')
      .set({
        status: 'bounced',
        error_code: rs.status ?? '5.0.0',
        error: `Reported later by the receiving server: ${diagnostic}`,
      })
      .where('workspace_id', '=', ws)
      .where('id', '=', m.id)
      .where('status', 'in', ['sent', 'delivered', 'read', 'uncertain'])
      .execute();
    if (m.to_address)
      await deps.repo.suppress(trx, ws, {
        channel: 'email',
        address: m.to_address,
        scope: 'all',
        reason: 'hard_bounce',
        source: 'bounce report',
      });
    if (m.customer_id)
      await deps.timeline.insertInteraction(trx, ws, {
        customerId: m.customer_id,
        kind: 'message',
        body: `Email to ${m.to_address ?? 'the customer'} bounced (reported later by the receiving server: ${diagnostic}). No more email goes to this address.`,
        authorId: null,
        occurredAt: nowIso(),
        meta: { messageId: m.id, channel: 'email', bounce: { status: rs.status, diagnostic } },
      });
    await recordAudit(trx, {
      workspaceId: ws,
      actor: 'system',
      action: 'message.bounced',
      entity: 'message',
      entityId: m.id,
      data: { status: rs.status, diagnostic },
    });
    return 'bounced';
  }

  return {
    /** Act on one received mail for its accepted recipients. */
    async receive(rcpts: InboundRecipient[], raw: string): Promise<InboundOutcome[]> {
      const out: InboundOutcome[] = [];
      for (const r of rcpts)
        if (r.kind === 'unsubscribe')
          out.push((await deps.pages.unsubscribe(r.token, 'mailto')) ? 'unsubscribed' : 'ignored');
      const bounceRcpts = rcpts.filter((r) => r.kind === 'bounce');
      if (!bounceRcpts.length) return out;
      const report = parseReport(raw);
      if (report.kind === 'other') return [...out, 'ignored'];
      const reportKey = report.reportId ?? createHash('sha256').update(raw).digest('hex');
      const id =
        bounceRcpts.map((r) => (r.kind === 'bounce' ? r.messageId : null)).find(Boolean) ??
        ours(report.originalMessageId);
      out.push(
        ...(await writeTransaction(db, async (trx) => {
          const m = await findMessage(trx, id ?? null);
          if (!m) return ['ignored' as const];
          if (report.kind === 'feedback') {
            const address = m.to_address ?? report.recipient;
            if (!address) return ['ignored' as const];
            const fresh = await once(trx, m.workspace_id, `arf:${reportKey}`, {
              kind: 'complaint',
              messageId: m.id,
              address,
              status: report.feedbackType,
              diagnostic: null,
            });
            if (!fresh) return ['duplicate' as const];
            await deps.repo.suppress(trx, m.workspace_id, {
              channel: 'email',
              address,
              scope: 'marketing',
              reason: 'complaint',
              source: 'spam complaint (feedback report)',
            });
            if (m.customer_id)
              await deps.timeline.insertInteraction(trx, m.workspace_id, {
                customerId: m.customer_id,
                kind: 'consent',
                body: `Marked an email as spam: no more marketing email goes to ${address}`,
                authorId: null,
                occurredAt: nowIso(),
                meta: {
                  channel: 'email',
                  purpose: 'marketing',
                  granted: false,
                  via: 'spam complaint',
                  messageId: m.id,
                },
              });
            await recordAudit(trx, {
              workspaceId: m.workspace_id,
              actor: 'customer',
              action: 'consent.withdrawn',
              entity: m.customer_id ? 'customer' : 'suppression',
              entityId: m.customer_id ?? `email:${address}`,
              data: { channel: 'email', purpose: 'marketing', source: 'spam complaint' },
            });
            return ['complaint' as const];
          }
          const results: InboundOutcome[] = [];
          // only a report about the address the message went to counts (a report naming someone else is not ours)
          const to = m.to_address?.toLowerCase();
          for (const rs of report.recipients.filter((x) => to && (x.recipient === to || x.original === to)))
            results.push(await recipientFailed(trx, m, rs, `dsn:${reportKey}:${rs.recipient ?? ''}`));
          return results.length ? results : ['ignored' as const];
        })),
      );
      return out;
    },
  };
}
export type InboundService = ReturnType<typeof createInboundService>;
