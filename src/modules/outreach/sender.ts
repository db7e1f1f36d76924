import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { quietUntil } from '../../platform/time/quiet.ts';
import { recordAudit } from '../audit/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { ChannelAdapter, ChannelName, Purpose, SendResult } from './channels/channel.ts';
import { compose, outgoing } from './compose.ts';
import { createCommitGroup } from './commit-group.ts';
import type { MessageRow, OutboxRepository } from './outbox.repository.ts';
import { notSendable } from './outreach.errors.ts';
import type { OutreachRepository } from './outreach.repository.ts';
import { hookUrls, type OutreachSettingsService, type SendingSettings } from './settings.ts';

export const MAX_ATTEMPTS = 6;
const BATCH = 20;
/** At most this many messages of one process are with providers at once. */
const PARALLEL = 8;

/** Exponential backoff for a temporary failure: 1, 2, 4 … minutes, at most 6 hours; a provider's Retry-After wins. */
export const backoffMs = (attempts: number, retryAfterMs?: number) =>
  Math.max(retryAfterMs ?? 0, Math.min(6 * 3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1)));

export type AdapterFor = (ws: string, channel: ChannelName, s: SendingSettings) => ChannelAdapter | null;

/** What each workspace may still send this minute, counted once per claimed batch (see `takeFromRate`). */
type RateBudgets = Map<string, Promise<{ left: number }>>;

/**
 * The outbox sender: claims due messages, checks each again (consent, suppression, quiet hours, the
 * workspace's send rate), fills in campaign messages, hands each to its channel and records the outcome — the
 * customer's timeline gets what was said in the same transaction that marks it sent. Runs in every server
 * process; rows are claimed with leases, so two processes never send the same message (see outbox.repository).
 */
export function createOutboxSender(deps: {
  db: Kysely<Database>;
  outbox: OutboxRepository;
  repo: OutreachRepository;
  settings: OutreachSettingsService;
  workspaces: WorkspaceService;
  timeline: TimelineService;
  adapterFor: AdapterFor;
  publicUrl: () => string;
  /** RAPPORT_INBOUND_DOMAIN (the unsubscribe mailto), when inbound mail is set up. */
  inboundDomain?: string | undefined;
  finishCampaigns: (ws: string, ids: string[]) => Promise<void>;
  pollMs?: number;
  /** How long a claim lasts without renewal (another process takes over after a crash). */
  leaseMs?: number;
  clock?: () => Date;
  onError?: (err: unknown, messageId?: string) => void;
}) {
  const LEASE_MS = deps.leaseMs ?? 60_000;
  const senderId = `sender-${process.pid}-${randomBytes(4).toString('hex')}`;
  const clock = deps.clock ?? (() => new Date());
  const pollMs = deps.pollMs ?? 1000;
  const { db, outbox } = deps;
  let stopped = true;
  /** stop() was called: a drain in progress ends after its batch. */
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  // the workers' writes share commits (one fsync on SQLite for several messages); each still waits for its own
  const write = createCommitGroup(db);
  const settle = (m: MessageRow, set: Parameters<OutboxRepository['settle']>[3]) =>
    write((trx) => outbox.settle(trx, m, senderId, set));
  const later = (ms: number) => new Date(clock().getTime() + ms).toISOString();

  async function lastInboundWhatsApp(ws: string, customerId: string) {
    const r = await db
      .selectFrom('interactions')
      .select(sql<string | null>`max(occurred_at)`.as('at'))
      .where('workspace_id', '=', ws)
      .where('customer_id', '=', customerId)
      .where('kind', '=', 'message')
      .where('direction', '=', 'inbound')
      .where('meta', 'like', '%"channel":"whatsapp"%')
      .executeTakeFirst();
    return r?.at ?? null;
  }

  /**
   * The workspace's send rate: what it handed to providers in the last minute is counted once per claimed batch
   * (not per message: at hundreds a second that count read thousands of rows each time), and each message of the
   * batch takes one from what is left before it goes (given back if the provider does not take it), so messages
   * in flight count too. What other processes send meanwhile counts from their next batch on.
   */
  async function takeFromRate(budgets: RateBudgets, ws: string, perMinute: number, now: Date) {
    let budget = budgets.get(ws);
    if (!budget) {
      budget = outbox
        .sentSince(ws, new Date(now.getTime() - 60_000).toISOString(), perMinute)
        .then((n) => ({ left: perMinute - n }));
      budgets.set(ws, budget);
    }
    const b = await budget;
    if (b.left <= 0) return null;
    b.left--;
    return b;
  }

  /**
   * Send one claimed message. Its outcome is recorded in the background (`recorded` gets the promise): the worker
   * goes on to its next message, whose "sending" step then shares a commit with this one's outcome.
   */
  async function deliver(
    m: MessageRow,
    budgets: RateBudgets,
    recorded: (p: Promise<void>) => void,
  ): Promise<void> {
    const ws = m.workspace_id;
    const [w, s] = await Promise.all([deps.workspaces.getWorkspaceCached(ws), deps.settings.sending(ws)]);
    const now = clock();
    const quietEnd = quietUntil(now, w.timezone, s.quietStart, s.quietEnd);
    if (quietEnd > now)
      return void (await settle(m, { status: 'queued', next_attempt_at: quietEnd.toISOString() }));
    const budget = await takeFromRate(budgets, ws, s.ratePerMinute, now);
    if (!budget) return void (await settle(m, { status: 'queued', next_attempt_at: later(5_000) }));
    // what it took from the rate goes back unless the provider took the message
    if (!(await handOver(m, w, s, now, recorded))) budget.left++;
  }

  /** The rest of `deliver`: true when the provider took the message. */
  async function handOver(
    m: MessageRow,
    w: { name: string },
    s: SendingSettings,
    now: Date,
    recorded: (p: Promise<void>) => void,
  ): Promise<boolean> {
    const ws = m.workspace_id;
    const channel = m.channel as ChannelName;
    const purpose = m.purpose as Purpose;
    const skip = async (set: Parameters<typeof settle>[1]) => {
      await settle(m, set);
      return false;
    };
    // checked again now: consent may have been withdrawn, the address suppressed, the customer erased
    let to = m.to_address;
    let recipient = null as null | {
      customerId: string;
      name: string;
      email: string | null;
      phone: string | null;
      birthday: string | null;
    };
    let suppressed: boolean | undefined;
    if (m.customer_id) {
      // one statement: the customer, their consent and address now, and the suppression of `to`
      const e = await deps.repo.recipient(ws, m.customer_id, channel, purpose, to);
      if (!e)
        return skip({
          status: 'skipped',
          error_code: 'CUSTOMER_GONE',
          error: 'The customer was deleted',
        });
      if (e.excluded === 'no_consent')
        return skip({
          status: 'skipped',
          error_code: 'no_consent',
          error: notSendable('no_consent', channel).message,
        });
      if (to !== null)
        suppressed =
          e.addressSuppression === 'all' || (e.addressSuppression === 'marketing' && purpose === 'marketing');
      to ??= e.to;
      recipient = e;
    }
    if (!to)
      return skip({
        status: 'skipped',
        error_code: 'no_address',
        error: notSendable('no_address', channel).message,
      });
    if (suppressed ?? (await deps.repo.isSuppressed(ws, channel, to, purpose)))
      return skip({
        status: 'skipped',
        error_code: 'suppressed',
        error: notSendable('suppressed', channel).message,
      });
    const adapter = deps.adapterFor(ws, channel, s);
    if (!adapter)
      // not set up (yet): wait, the owner may add the settings; give up after a day
      return skip(
        now.getTime() - Date.parse(m.created_at) > 86_400_000
          ? {
              status: 'failed',
              error_code: 'CHANNEL_NOT_CONFIGURED',
              error: `${channel} was not set up within a day of queuing`,
            }
          : {
              status: 'queued',
              next_attempt_at: later(60_000),
              error_code: 'CHANNEL_NOT_CONFIGURED',
              error: `Waiting: ${channel} is not set up in Settings → Messages`,
            },
      );

    // a campaign message is filled in now, with its own unsubscribe link, in the step that marks it "sending"
    let template: { name: string; language: string; parameters: string[] } | undefined;
    const composed = await write(async (trx) => {
      let subject = m.subject;
      let text = m.body;
      let html: string | null = null;
      let headers: Record<string, string> = {};
      let extra = m.extra;
      if (m.campaign_id) {
        const c = await trx
          .selectFrom('campaigns')
          .select(['subject', 'body', 'whatsapp_template', 'status', 'survey'])
          .where('workspace_id', '=', ws)
          .where('id', '=', m.campaign_id)
          .executeTakeFirst();
        if (!c || c.status === 'cancelled') return 'cancelled' as const;
        const done = await compose(trx, ws, {
          messageId: m.id,
          channel,
          purpose,
          subject: c.subject,
          body: c.body,
          to: to as string,
          recipient: recipient ?? { customerId: null, name: '', email: null, phone: null, birthday: null },
          shopName: w.name,
          replyTo: s.replyTo,
          publicUrl: deps.publicUrl(),
          inboundDomain: deps.inboundDomain ?? null,
          survey: c.survey,
          now: clock(),
        });
        ({ subject, text, html, headers } = done);
        extra = JSON.stringify({ html: done.html, headers: done.headers, links: done.links });
        if (c.whatsapp_template) template = JSON.parse(c.whatsapp_template);
      } else if (m.extra) {
        // a single message was filled in when queued
        const x = JSON.parse(m.extra) as { html: string | null; headers: Record<string, string> };
        html = x.html;
        headers = x.headers;
      }
      if (
        !(await outbox.markSending(trx, m, senderId, { subject, body: text ?? '', to: to as string, extra }))
      )
        return 'lost' as const;
      return { subject, text: text ?? '', html, headers };
    });
    if (composed === 'cancelled') return skip({ status: 'cancelled', error: 'The campaign was cancelled' });
    if (composed === 'lost') return false; // another sender holds it now

    // WhatsApp outside the 24-hour window: only an approved template may go
    let waTemplate: typeof template;
    if (channel === 'whatsapp' && m.customer_id) {
      const last = await lastInboundWhatsApp(ws, m.customer_id);
      if (!last || now.getTime() - Date.parse(last) > 86_400_000) waTemplate = template;
    }
    let result: SendResult;
    try {
      result = await adapter.send(
        outgoing(
          m.id,
          to,
          purpose,
          { subject: composed.subject, text: composed.text, html: composed.html, headers: composed.headers },
          {
            ...(channel === 'email' &&
              s.fromEmail && {
                from: { address: s.fromEmail, name: s.fromName ?? w.name },
                replyTo: s.replyTo,
              }),
            ...(waTemplate && { template: waTemplate }),
            ...(channel === 'sms' && { statusCallbackUrl: hookUrls(deps.publicUrl(), ws).smsStatus }),
          },
        ),
      );
    } catch (err) {
      result = {
        ok: false,
        permanent: false,
        code: 'ADAPTER_ERROR',
        reason: (err as Error).message.slice(0, 300),
      };
    }
    recorded(record(m, to, result, composed));
    return result.ok;
  }

  async function record(
    m: MessageRow,
    to: string,
    r: SendResult,
    c: { subject: string | null; text: string },
  ) {
    const ws = m.workspace_id;
    const channel = m.channel as ChannelName;
    const attempts = Number(m.attempts) + 1;
    await write(async (trx) => {
      if (r.ok) {
        const at = clock().toISOString();
        if (
          !(await outbox.settle(trx, m, senderId, {
            status: 'sent',
            provider_id: r.providerId,
            sent_at: at,
            error_code: null,
            error: null,
          }))
        )
          return;
        await recordAudit(trx, {
          workspaceId: ws,
          actor: 'system:outbox',
          action: 'message.sent',
          entity: 'message',
          entityId: m.id,
          data: { channel, purpose: m.purpose, customerId: m.customer_id, campaignId: m.campaign_id },
        });
        if (m.customer_id)
          await deps.timeline.insertInteraction(trx, ws, {
            customerId: m.customer_id,
            kind: 'message',
            direction: 'outbound',
            body: (c.subject ? `${c.subject}\n\n${c.text}` : c.text).slice(0, 5000),
            authorId: m.created_by.startsWith('user:') ? m.created_by.slice(5) : null,
            occurredAt: at,
            meta: { messageId: m.id, channel, purpose: m.purpose, campaignId: m.campaign_id, to },
          });
        return;
      }
      if (!r.permanent && attempts < MAX_ATTEMPTS) {
        await outbox.settle(trx, m, senderId, {
          status: 'queued',
          next_attempt_at: later(backoffMs(attempts, r.retryAfterMs)),
          error_code: r.code,
          error: `Will try again: ${r.reason}`,
        });
        return;
      }
      const status = r.suppress === 'hard_bounce' || r.suppress === 'invalid_address' ? 'bounced' : 'failed';
      if (
        !(await outbox.settle(trx, m, senderId, {
          status,
          error_code: r.code,
          error: r.permanent ? r.reason : `Gave up after ${attempts} attempts: ${r.reason}`,
        }))
      )
        return;
      await recordAudit(trx, {
        workspaceId: ws,
        actor: 'system:outbox',
        action: `message.${status}`,
        entity: 'message',
        entityId: m.id,
        data: { channel, purpose: m.purpose, customerId: m.customer_id, code: r.code },
      });
      if (r.suppress)
        await deps.repo.suppress(trx, ws, {
          channel,
          address: to,
          scope: 'all',
          reason: r.suppress,
          source: `${channel} send`,
        });
    });
  }

  /**
   * Send everything due, then return. Workers take messages from a queue that is refilled by claiming the next
   * batch while the last messages of the current one are still with providers, so no worker waits at a batch's
   * end; a batch's campaigns are checked for completion once all of its outcomes are recorded.
   */
  async function drain() {
    type Batch = { budgets: RateBudgets; rows: MessageRow[]; left: number; recording: Promise<void>[] };
    const queue: { m: MessageRow; b: Batch }[] = [];
    const finishing: Promise<void>[] = [];
    let exhausted = false;
    let failure: { err: unknown } | undefined;
    let claiming: Promise<void> | undefined;
    const failed = async (m: MessageRow, err: unknown) => {
      deps.onError?.(err, m.id);
      // put it back for a later try; a message never stays claimed because of a bug here
      await settle(m, {
        status: 'queued',
        next_attempt_at: later(60_000),
        error_code: 'INTERNAL',
        error: 'Will try again: an error occurred while sending',
      }).catch(() => {});
    };
    const refill = async () => {
      try {
        await outbox.recover(clock());
        const rows = await outbox.claim(senderId, BATCH, LEASE_MS, clock());
        if (!rows.length) exhausted = true;
        const b: Batch = { budgets: new Map(), rows, left: rows.length, recording: [] };
        for (const m of rows) queue.push({ m, b });
      } catch (err) {
        failure ??= { err };
        exhausted = true;
      }
      // stop() was called: what is claimed goes out, nothing more is claimed
      if (stopping) exhausted = true;
    };
    const finish = async (b: Batch) => {
      await Promise.all(b.recording);
      const campaigns = new Map<string, Set<string>>();
      for (const m of b.rows)
        if (m.campaign_id)
          (
            campaigns.get(m.workspace_id) ?? campaigns.set(m.workspace_id, new Set()).get(m.workspace_id)
          )?.add(m.campaign_id);
      for (const [ws, ids] of campaigns) await deps.finishCampaigns(ws, [...ids]);
    };
    const worker = async () => {
      for (;;) {
        // claim the next batch before this one runs dry
        if (queue.length <= PARALLEL && !exhausted)
          claiming ??= refill().finally(() => (claiming = undefined));
        const item = queue.shift();
        if (!item) {
          if (exhausted) return;
          await claiming;
          continue;
        }
        const { m, b } = item;
        try {
          await deliver(m, b.budgets, (p) => b.recording.push(p.catch((err: unknown) => failed(m, err))));
        } catch (err) {
          await failed(m, err);
        }
        if (--b.left === 0)
          finishing.push(
            finish(b).catch((err: unknown) => {
              failure ??= { err };
            }),
          );
      }
    };
    const beat = setInterval(() => void outbox.renew(senderId, LEASE_MS).catch(() => {}), LEASE_MS / 3);
    try {
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      await Promise.all(finishing);
    } finally {
      clearInterval(beat);
    }
    if (failure) throw failure.err;
  }

  function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => deps.onError?.(err))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          tick();
        }
      });
  }

  return {
    senderId,
    /** Send everything due now, then return (tests, the CLI). */
    drain,
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      const loop = () => {
        tick();
        timer = setTimeout(loop, pollMs);
        timer.unref();
      };
      loop();
    },
    poke: () => tick(),
    async stop() {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
export type OutboxSender = ReturnType<typeof createOutboxSender>;
