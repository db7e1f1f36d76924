import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { decodeTimeCursor, encodeTimeCursor } from '../../platform/db/cursor.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import type { DialectName } from '../../platform/db/connect.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import {
  createCardRepository,
  fromJson,
  type CardContext,
  type CardPart,
  type CardRow,
} from './card.repository.ts';
import { createTimelineRepository } from './timeline.repository.ts';
import {
  callSchema,
  createInteractionSchema,
  timelineQuery,
  INTERACTION_KINDS,
  updateInteractionSchema,
  type CallerCard,
  type CallEvent,
  type Interaction,
  type PredictionBrief,
  type PurchaseSummary,
} from './timeline.schema.ts';

/** Touches staff log by hand can be corrected and deleted; orders, refunds, complaint steps are changed where they belong. */
const EDITABLE = new Set<string>(INTERACTION_KINDS);

export type TimelineDeps = {
  db: Kysely<Database>;
  dialect: DialectName;
  workspaces: WorkspaceService;
  customers: CustomerService;
  bus: EventBus;
  /** Other modules' counts of a customer's open items for the card, e.g. `{ complaints: … }`. */
  openItems?: Record<string, CardPart<number>>;
  /** The customer's purchases for the card (from the orders module, wired by the composition root). */
  purchases?: CardPart<PurchaseSummary>;
  /** The customer's prediction for the card (from the analytics module, wired by the composition root). */
  prediction?: CardPart<PredictionBrief | null>;
};

export function createTimelineService({
  db,
  dialect,
  workspaces,
  customers,
  bus,
  openItems = {},
  purchases,
  prediction,
}: TimelineDeps) {
  const repo = createTimelineRepository(db);
  // The card's parts read in its one query, by key: `open_<kind>`, `purchases` and `prediction`.
  const parts: Record<string, CardPart<unknown>> = Object.fromEntries([
    ...Object.entries(openItems).map(([kind, part]) => [`open_${kind}`, part] as const),
    ...(purchases ? [['purchases', purchases] as const] : []),
    ...(prediction ? [['prediction', prediction] as const] : []),
  ]);
  const cards = createCardRepository(db, dialect, parts);

  async function cardContext(ws: string): Promise<CardContext> {
    return { ws, currency: (await workspaces.getWorkspaceCached(ws)).currency };
  }

  function toCard(ctx: CardContext, r: CardRow): CallerCard {
    const partOf = (key: string) => {
      const cols: Record<string, unknown> = {};
      const prefix = `${key}__`;
      for (const k in r) if (k.startsWith(prefix)) cols[k.slice(prefix.length)] = r[k];
      return (parts[key] as CardPart<unknown>).read(cols, ctx);
    };
    const phones = fromJson<
      { id: string; raw: string; e164: string | null; label: string | null; valid: number | boolean }[]
    >(r.phones);
    const last = fromJson<{
      kind: string;
      occurred_at: string;
      body: string | null;
      n: number | string;
    } | null>(r.last);
    return {
      id: r.id,
      name: r.name,
      kind: r.kind as CallerCard['kind'],
      tags: fromJson<{ tag: string }[]>(r.tags).map((t) => t.tag),
      phones: phones.map((p) => ({
        id: p.id,
        number: p.raw,
        e164: p.e164,
        label: p.label,
        valid: p.valid === 1 || p.valid === true,
      })),
      business:
        r.business_id && r.business_name !== null
          ? { id: r.business_id, name: r.business_name, jobTitle: r.business_job_title }
          : null,
      needs: r.needs,
      lastInteraction: last ? { kind: last.kind, at: last.occurred_at, body: last.body } : null,
      openItems: Object.fromEntries(
        Object.keys(openItems).map((kind) => [kind, partOf(`open_${kind}`) as number]),
      ),
      interactionCount: last ? Number(last.n) : 0,
      purchases: purchases ? (partOf('purchases') as PurchaseSummary) : null,
      ...(prediction && { prediction: partOf('prediction') as PredictionBrief | null }),
    };
  }

  /** The caller card, in one query. */
  async function getCallerCard(ws: string, customerId: string): Promise<CallerCard> {
    const ctx = await cardContext(ws);
    const r = await cards.byId(ctx, customerId);
    if (!r) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
    return toCard(ctx, r);
  }

  async function insertInteraction(
    trx: Kysely<Database>,
    ws: string,
    i: {
      customerId: string | null;
      kind: string;
      direction?: 'inbound' | 'outbound' | undefined;
      body?: string | undefined;
      phone?: string | null;
      phoneE164?: string | null;
      authorId: string | null;
      occurredAt: string;
      meta?: unknown;
    },
  ): Promise<string> {
    const id = newId();
    await repo.insert(trx, {
      workspace_id: ws,
      id,
      customer_id: i.customerId,
      kind: i.kind,
      direction: i.direction ?? null,
      body: i.body ?? null,
      phone: i.phone ?? null,
      phone_e164: i.phoneE164 ?? null,
      author_id: i.authorId,
      occurred_at: i.occurredAt,
      created_at: nowIso(),
      meta: i.meta === undefined ? null : JSON.stringify(i.meta),
    });
    if (i.customerId) await customers.touchLastInteraction(trx, ws, i.customerId, i.occurredAt);
    return id;
  }

  /** Many timeline items at once (imports), each customer's last-interaction time kept up to date. */
  async function insertInteractions(
    trx: Kysely<Database>,
    ws: string,
    items: {
      customerId: string;
      kind: string;
      body?: string;
      authorId: string | null;
      occurredAt: string;
      meta?: unknown;
    }[],
  ) {
    const at = nowIso();
    await repo.insertMany(
      trx,
      items.map((i) => ({
        workspace_id: ws,
        id: newId(),
        customer_id: i.customerId,
        kind: i.kind,
        direction: null,
        body: i.body ?? null,
        phone: null,
        phone_e164: null,
        author_id: i.authorId,
        occurred_at: i.occurredAt,
        created_at: at,
        meta: i.meta === undefined ? null : JSON.stringify(i.meta),
      })),
    );
    const latest = new Map<string, string>();
    for (const i of items)
      if ((latest.get(i.customerId) ?? '') < i.occurredAt) latest.set(i.customerId, i.occurredAt);
    await customers.touchLastInteractions(
      trx,
      ws,
      [...latest].map(([id, at]) => ({ id, at })),
    );
  }

  /** A timeline entry staff may correct or delete, locked until the unit of work ends; else 404 / 409. */
  async function lockEditable(trx: Kysely<Database>, ws: string, id: string, elsewhere: string) {
    await repo.lock(ws, id, trx);
    const cur = await repo.find(ws, id, trx);
    if (!cur) throw notFound('INTERACTION_NOT_FOUND', 'Timeline entry');
    if (!EDITABLE.has(cur.kind))
      throw conflict('INTERACTION_NOT_EDITABLE', `A ${cur.kind} entry is ${elsewhere}, not on the timeline`);
    return cur;
  }

  /** The customer's last contact, read again from their timeline (after an entry moved or went). */
  async function refreshLastContact(trx: Kysely<Database>, ws: string, customerId: string) {
    await customers.setLastInteraction(trx, ws, customerId, (await repo.span(ws, customerId, trx)).last);
  }

  return {
    getCallerCard,
    insertInteraction,
    insertInteractions,

    /** On a merge: the other record's timeline joins this one, with a note of the merge. */
    async moveOnMerge(
      trx: Kysely<Database>,
      ws: string,
      from: { id: string; name: string },
      into: { id: string; name: string },
    ) {
      await repo.reassignCustomer(trx, ws, from.id, into.id);
      await insertInteraction(trx, ws, {
        customerId: into.id,
        kind: 'merge',
        body: `Merged with the duplicate record "${from.name}"`,
        authorId: null,
        occurredAt: nowIso(),
        meta: { mergedId: from.id },
      });
    },

    /** Log a touch (call, visit, message, note, …) on a customer's timeline. */
    async addInteraction(ws: string, customerId: string, input: unknown, actor: Actor): Promise<Interaction> {
      const v = createInteractionSchema.parse(input);
      await customers.existsOrThrow(ws, customerId);
      if (!v.body)
        throw badInput(
          'INTERACTION_EMPTY',
          `Say what was said or done: an empty ${v.kind} tells nobody anything`,
          '/body/body',
        );
      const authorId = v.authorId ?? (actor.kind === 'user' ? actor.id : null);
      if (v.authorId && !(await repo.userExists(ws, v.authorId)))
        throw badInput('AUTHOR_NOT_FOUND', 'authorId is not a user of this workspace', '/body/authorId');
      const id = await writeTransaction(db, async (trx) => {
        const id = await insertInteraction(trx, ws, {
          customerId,
          kind: v.kind,
          direction: v.direction,
          body: v.body,
          authorId,
          occurredAt: v.occurredAt ? new Date(v.occurredAt).toISOString() : nowIso(),
        });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'create',
          entity: 'interaction',
          entityId: id,
          data: { customerId, kind: v.kind },
        });
        return id;
      });
      const created = (await repo.find(ws, id)) as Interaction;
      await bus.publish(ws, 'interaction.created', created).catch(() => {});
      return created;
    },

    /**
     * Correct a logged touch (what was said, when, its kind). Only touches staff log by hand (call, visit,
     * note, …): an order or a complaint step is changed in its own place. Audited with the text before.
     */
    async updateInteraction(ws: string, id: string, input: unknown, actor: Actor): Promise<Interaction> {
      const v = updateInteractionSchema.parse(input);
      await writeTransaction(db, async (trx) => {
        const cur = await lockEditable(
          trx,
          ws,
          id,
          'changed where it comes from (the order or the complaint)',
        );
        const occurredAt = v.occurredAt ? new Date(v.occurredAt).toISOString() : undefined;
        await repo.update(trx, ws, id, {
          ...(v.kind !== undefined && { kind: v.kind }),
          ...(v.direction !== undefined && { direction: v.direction }),
          ...(v.body !== undefined && { body: v.body }),
          ...(occurredAt !== undefined && { occurred_at: occurredAt }),
        });
        if (occurredAt && cur.customerId) await refreshLastContact(trx, ws, cur.customerId);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'update',
          entity: 'interaction',
          entityId: id,
          data: {
            customerId: cur.customerId,
            before: { kind: cur.kind, direction: cur.direction, body: cur.body, occurredAt: cur.occurredAt },
            after: v,
          },
        });
      });
      return (await repo.find(ws, id)) as Interaction;
    },

    /** Delete a logged touch (audited with what it said); the customer's last contact is read again. */
    async deleteInteraction(ws: string, id: string, actor: Actor): Promise<void> {
      await writeTransaction(db, async (trx) => {
        const cur = await lockEditable(
          trx,
          ws,
          id,
          'removed where it comes from (refund the order, close the complaint)',
        );
        if (!(await repo.delete(trx, ws, id))) throw notFound('INTERACTION_NOT_FOUND', 'Timeline entry');
        if (cur.customerId) await refreshLastContact(trx, ws, cur.customerId);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'delete',
          entity: 'interaction',
          entityId: id,
          data: {
            customerId: cur.customerId,
            kind: cur.kind,
            direction: cur.direction,
            body: cur.body,
            occurredAt: cur.occurredAt,
          },
        });
      });
    },

    /**
     * Put a call from an unknown number on the timeline of a customer (the one just created from the caller
     * pop-up's "Create customer"). Only a call nobody was recognised for qualifies; a second claim is refused.
     */
    async claimCall(
      ws: string,
      interactionId: string,
      customerId: string,
      actor: Actor,
    ): Promise<Interaction> {
      await writeTransaction(db, async (trx) => {
        await repo.lock(ws, interactionId, trx);
        const cur = await repo.find(ws, interactionId, trx);
        if (!cur || cur.kind !== 'call') throw notFound('CALL_NOT_FOUND', 'Call');
        await customers.existsOrThrow(ws, customerId, trx);
        if (cur.customerId !== null || !(await repo.claim(trx, ws, interactionId, customerId)))
          throw conflict('CALL_ALREADY_CLAIMED', 'That call is already on a customer’s timeline');
        await customers.touchLastInteraction(trx, ws, customerId, cur.occurredAt);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'claim',
          entity: 'call',
          entityId: interactionId,
          data: { customerId },
        });
      });
      return (await repo.find(ws, interactionId)) as Interaction;
    },

    /** When the customer was first in touch (null: never). */
    firstContactAt: async (ws: string, customerId: string) => (await repo.span(ws, customerId)).first,

    /** A customer's timeline, newest first. */
    async getTimeline(ws: string, customerId: string, query: unknown) {
      const q = timelineQuery.parse(query);
      await customers.existsOrThrow(ws, customerId);
      const rows = await repo.page(
        ws,
        customerId,
        q.limit + 1,
        q.cursor ? decodeTimeCursor(q.cursor) : undefined,
      );
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > q.limit && last ? encodeTimeCursor(last.occurredAt, last.id) : null,
      };
    },

    /** Every interaction of the workspace, a page at a time, oldest first (exports). */
    async *allInteractions(ws: string, pageSize = 1000): AsyncIterable<Interaction[]> {
      let after: { at: string; id: string } | undefined;
      for (;;) {
        const rows = await repo.pageAll(ws, pageSize, after);
        if (!rows.length) return;
        yield rows;
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) return;
        after = { at: last.occurredAt, id: last.id };
      }
    },

    /** Recognise a caller: the card of the customer with this phone, in any format. */
    async lookup(ws: string, phone: string): Promise<CallerCard> {
      const [ctx, numbers] = await Promise.all([cardContext(ws), customers.callerNumbers(ws, phone)]);
      const r = await cards.byE164(ctx, numbers);
      if (!r) throw notFound('CUSTOMER_NOT_FOUND', 'No customer has this number; customer');
      return toCard(ctx, r);
    },

    /** A call event from the phone system: on the caller's timeline (or as unknown), and on every staff screen. */
    async recordCall(ws: string, input: unknown, actor: Actor): Promise<CallEvent> {
      const v = callSchema.parse(input);
      const phone = v.direction === 'inbound' ? v.from : (v.to ?? v.from);
      if (v.direction === 'outbound' && !v.to)
        throw badInput('CALL_NO_TO', 'An outbound call needs "to"', '/body/to');
      const { id: customerId, e164 } = await customers.findIdByPhone(ws, phone);
      const occurredAt = v.at ? new Date(v.at).toISOString() : nowIso();
      // an unknown number that belonged to an erased customer: logged without a link, and said so
      const erased = customerId || !e164 ? undefined : await customers.erasedMatch(ws, { phones: [e164] });
      const interactionId = await writeTransaction(db, async (trx) => {
        const iid = await insertInteraction(trx, ws, {
          customerId: customerId ?? null,
          kind: 'call',
          direction: v.direction,
          body: v.note,
          phone,
          phoneE164: e164,
          authorId: actor.kind === 'user' ? actor.id : null,
          occurredAt,
          meta: { from: v.from, to: v.to ?? null, ...(erased && { erased: true }) },
        });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'create',
          entity: 'call',
          entityId: iid,
          data: { customerId: customerId ?? null, direction: v.direction },
        });
        return iid;
      });
      const event: CallEvent = {
        interaction: (await repo.find(ws, interactionId)) as Interaction,
        phone,
        e164,
        customer: customerId ? await getCallerCard(ws, customerId) : null,
        erased: erased ?? null,
      };
      await bus.publish(ws, 'call', event);
      return event;
    },
  };
}
export type TimelineService = ReturnType<typeof createTimelineService>;
