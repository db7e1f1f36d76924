import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { recordAudit } from '../audit/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { ChannelName } from './channels/channel.ts';
import { hashToken } from './compose.ts';
import type { OutreachRepository } from './outreach.repository.ts';

export type TokenView = {
  workspaceId: string;
  shopName: string;
  customerId: string | null;
  channel: ChannelName;
  /** The address masked for the page (a•••@example.com, •••• 4567). */
  masked: string;
  /** Marketing consent per channel the customer can be reached on. */
  choices: { channel: ChannelName; label: string; granted: boolean }[];
};

const LABEL: Record<ChannelName, string> = {
  email: 'News and offers by email',
  sms: 'News and offers by text message',
  whatsapp: 'News and offers on WhatsApp',
};

/** A public link's token → its row, when it exists, has not expired and is of this purpose. */
export async function findPublicToken(db: Kysely<Database>, token: string, purpose: string, now: Date) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const t = await db
    .selectFrom('public_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!t || t.purpose !== purpose || t.expires_at < now.toISOString()) return undefined;
  return t;
}

export const maskAddress = (a: string) =>
  a.includes('@') ? `${a.slice(0, 1)}•••@${a.split('@')[1] ?? ''}` : `•••• ${a.slice(-4)}`;

/**
 * What a public link (unsubscribe, preferences) may do. The token is the only credential: it names one
 * workspace, one customer and one address, and nothing else is reachable through it.
 */
export function createPublicService(deps: {
  db: Kysely<Database>;
  repo: OutreachRepository;
  workspaces: WorkspaceService;
  timeline: TimelineService;
  clock?: () => Date;
}) {
  const { db, repo } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function resolve(token: string, trx: Kysely<Database> = db) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const t = await trx
      .selectFrom('public_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!t || t.expires_at < clock().toISOString() || !t.channel || !t.address) return undefined;
    return { ...t, channel: t.channel as ChannelName, address: t.address };
  }

  async function marketingChoices(
    ws: string,
    customerId: string | null,
    channel: ChannelName,
    address: string,
    trx: Kysely<Database> = db,
  ) {
    if (!customerId)
      return [
        {
          channel,
          label: LABEL[channel],
          granted: !(await repo.isSuppressed(ws, channel, address, 'marketing', trx)),
        },
      ];
    const channels: ChannelName[] = ['email', 'sms', 'whatsapp'];
    const out: TokenView['choices'] = [];
    for (const ch of channels) {
      const [e] = await repo.eligibility(ws, [customerId], ch, 'marketing', trx);
      if (!e?.to) continue;
      out.push({ channel: ch, label: LABEL[ch], granted: e.excluded === null });
    }
    return out;
  }

  async function setMarketing(
    trx: Kysely<Database>,
    t: NonNullable<Awaited<ReturnType<typeof resolve>>>,
    channel: ChannelName,
    granted: boolean,
    source: string,
  ) {
    const ws = t.workspace_id;
    let address = t.address;
    if (channel !== t.channel && t.customer_id) {
      const [e] = await repo.eligibility(ws, [t.customer_id as string], channel, 'marketing', trx);
      if (!e?.to) return false;
      address = e.to;
    }
    const before = t.customer_id
      ? (await repo.eligibility(ws, [t.customer_id], channel, 'marketing', trx))[0]?.excluded === null
      : null;
    if (granted) {
      // coming back: an unsubscribe is lifted; a bounce, a STOP or a complaint is not (only the shop can)
      const s = await trx
        .selectFrom('suppressions')
        .select(['reason', 'scope'])
        .where('workspace_id', '=', ws)
        .where('channel', '=', channel)
        .where('address', '=', address)
        .executeTakeFirst();
      if (s?.reason === 'unsubscribe') await repo.unsuppress(trx, ws, channel, address);
    } else
      await repo.suppress(trx, ws, { channel, address, scope: 'marketing', reason: 'unsubscribe', source });
    if (t.customer_id) {
      await repo.setConsent(trx, ws, {
        customerId: t.customer_id,
        channel,
        purpose: 'marketing',
        granted,
        source,
        textShown: granted ? LABEL[channel] : null,
        proof: `public link of message ${t.message_id ?? '-'}`,
        actor: 'customer',
        at: nowIso(),
      });
      if (before !== granted)
        await deps.timeline.insertInteraction(trx, ws, {
          customerId: t.customer_id,
          kind: 'consent',
          body: `${granted ? 'Agreed to' : 'Unsubscribed from'} marketing ${channel === 'email' ? 'emails' : channel === 'sms' ? 'text messages' : 'WhatsApp messages'} (${source})`,
          authorId: null,
          occurredAt: nowIso(),
          meta: { channel, purpose: 'marketing', granted, via: source },
        });
    }
    await recordAudit(trx, {
      workspaceId: ws,
      actor: 'customer',
      action: granted ? 'consent.granted' : 'consent.withdrawn',
      entity: t.customer_id ? 'customer' : 'suppression',
      entityId: t.customer_id ?? `${channel}:${address}`,
      data: { channel, purpose: 'marketing', source },
    });
    return true;
  }

  return {
    async view(token: string): Promise<TokenView | undefined> {
      const t = await resolve(token);
      if (!t) return undefined;
      const w = await deps.workspaces.getWorkspaceCached(t.workspace_id);
      return {
        workspaceId: t.workspace_id,
        shopName: w.name,
        customerId: t.customer_id,
        channel: t.channel,
        masked: maskAddress(t.address),
        choices: await marketingChoices(t.workspace_id, t.customer_id, t.channel, t.address),
      };
    },
    /** A tracked link: the n-th link of the token's message, its first click recorded on the message. */
    async click(token: string, n: number): Promise<string | undefined> {
      const t = await resolve(token);
      if (!t?.message_id) return undefined;
      const m = await db
        .selectFrom('messages')
        .select(['extra', 'clicked_at'])
        .where('workspace_id', '=', t.workspace_id)
        .where('id', '=', t.message_id)
        .executeTakeFirst();
      const url = m?.extra ? (JSON.parse(m.extra) as { links?: string[] }).links?.[n] : undefined;
      if (!url) return undefined;
      if (!m?.clicked_at)
        await db
          .updateTable('messages')
          .set({ clicked_at: clock().toISOString() })
          .where('workspace_id', '=', t.workspace_id)
          .where('id', '=', t.message_id)
          .where('clicked_at', 'is', null)
          .execute();
      return url;
    },
    /** One click (RFC 8058) or the page's button: no more marketing to this address. Doing it twice is harmless. */
    async unsubscribe(token: string, via: 'one-click' | 'page' | 'mailto'): Promise<boolean> {
      return writeTransaction(db, async (trx) => {
        const t = await resolve(token, trx);
        if (!t) return false;
        await setMarketing(
          trx,
          t,
          t.channel,
          false,
          via === 'one-click'
            ? 'one-click unsubscribe'
            : via === 'mailto'
              ? 'unsubscribe email'
              : 'unsubscribe page',
        );
        await trx
          .updateTable('public_tokens')
          .set({ used_at: nowIso() })
          .where('token_hash', '=', t.token_hash)
          .execute();
        return true;
      });
    },
    async savePreferences(token: string, wanted: Set<ChannelName>): Promise<boolean> {
      return writeTransaction(db, async (trx) => {
        const t = await resolve(token, trx);
        if (!t) return false;
        for (const c of await marketingChoices(t.workspace_id, t.customer_id, t.channel, t.address, trx))
          if (c.granted !== wanted.has(c.channel))
            await setMarketing(trx, t, c.channel, wanted.has(c.channel), 'preferences page');
        return true;
      });
    },
  };
}
export type PublicService = ReturnType<typeof createPublicService>;
