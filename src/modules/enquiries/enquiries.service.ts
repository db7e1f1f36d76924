import type { Kysely, Updateable } from 'kysely';
import { decodeCursor, encodeCursor } from '../../platform/db/cursor.ts';
import { newId } from '../../platform/db/ids.ts';
import type { Database, EnquiryTable } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { AppError, badInput, conflict, notFound } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { deadlines, timer } from '../../platform/time/sla.ts';
import { recordAudit } from '../audit/index.ts';
import { resolveOwner, type SlaContext } from '../complaints/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import { createEnquiriesRepository, type EnquiryRow } from './enquiries.repository.ts';
import {
  createEnquirySchema,
  enquiryOutcomeInput,
  listEnquiriesQuery,
  respondEnquirySchema,
  transferEnquirySchema,
  type Enquiry,
} from './enquiries.schema.ts';

export type EnquiryDeps = {
  db: Kysely<Database>;
  customers: CustomerService;
  timeline: TimelineService;
  /** Business hours and targets (the complaints module keeps the workspace's SLA settings). */
  sla: (ws: string) => Promise<SlaContext>;
  bus?: EventBus;
  clock?: () => Date;
};

const closed = () => conflict('ENQUIRY_CLOSED', 'This enquiry already has its outcome');

function present(r: EnquiryRow, now: Date, ctx: SlaContext): Enquiry {
  const t = timer(
    { dueAt: r.first_response_due_at, warnAt: r.first_response_warn_at, doneAt: r.first_responded_at },
    now,
    ctx.hours,
  );
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    kind: r.kind,
    channel: r.channel as Enquiry['channel'],
    body: r.body,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    receivedAt: r.received_at,
    status: r.outcome ?? (r.first_responded_at ? 'answered' : 'waiting'),
    slaState: t.state,
    firstResponse: t,
    outcome: r.outcome,
    outcomeAt: r.outcome_at,
    outcomeNote: r.outcome_note,
    value: r.value === null ? null : Number(r.value),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const encode = (due: string, id: string) => encodeCursor([due, id]);
const decode = (s: string) =>
  decodeCursor(s, ([due, id]) =>
    typeof due === 'string' && due && typeof id === 'string' && id ? { due, id } : undefined,
  );

/** Enquiries (I1): questions, quote and booking requests, each with a first-response timer and one owner. */
export function createEnquiryService(deps: EnquiryDeps) {
  const { db, customers, timeline, sla, bus } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = createEnquiriesRepository(db);
  const authorOf = (a: Actor) => (a.kind === 'user' ? a.id : null);

  async function getEnquiryOrThrow(ws: string, id: string): Promise<Enquiry> {
    const [r, ctx] = await Promise.all([repo.get(ws, id), sla(ws)]);
    if (!r) throw notFound('ENQUIRY_NOT_FOUND', 'Enquiry');
    return present(r, clock(), ctx);
  }

  /** One step: check against the fresh row, change it, on the timeline and in the audit log together. */
  async function act(
    ws: string,
    id: string,
    actor: Actor,
    action: string,
    run: (
      r: EnquiryRow,
      now: Date,
      trx: Kysely<Database>,
    ) => Promise<{ patch: Updateable<EnquiryTable>; body: string; data: object; direction?: 'outbound' }>,
  ): Promise<Enquiry> {
    await writeTransaction(db, async (trx) => {
      const r = await repo.lock(trx, ws, id); // a parallel step waits, then sees this one's result
      if (!r) throw notFound('ENQUIRY_NOT_FOUND', 'Enquiry');
      const now = clock();
      const out = await run(r, now, trx);
      await repo.update(trx, ws, id, { ...out.patch, updated_at: now.toISOString() });
      await timeline.insertInteraction(trx, ws, {
        customerId: r.customer_id,
        kind: 'enquiry',
        direction: out.direction,
        body: out.body,
        authorId: authorOf(actor),
        occurredAt: now.toISOString(),
        meta: { enquiryId: id, step: action },
      });
      await recordAudit(trx, {
        workspaceId: ws,
        actor: actorRef(actor),
        action,
        entity: 'enquiry',
        entityId: id,
        data: out.data,
      });
    });
    await bus?.publish(ws, 'enquiry.updated', { id, step: action }).catch(() => {});
    return getEnquiryOrThrow(ws, id);
  }

  /** The customer an enquiry is for: the one named, a known caller with this phone, or a new contact. */
  async function customerFor(
    ws: string,
    v: { customerId?: string | undefined; contact?: { name: string; phone: string } | undefined },
    actor: Actor,
  ) {
    if (v.customerId) return (await customers.getCustomerOrThrow(ws, v.customerId)).id;
    if (!v.contact)
      throw badInput(
        'ENQUIRY_NO_CUSTOMER',
        'Give customerId, or a new contact with name and phone',
        '/body/customerId',
      );
    const known = await customers.findIdByPhone(ws, v.contact.phone);
    if (known.id) return known.id;
    const created = await customers.createCustomer(
      ws,
      { name: v.contact.name, phones: [{ number: v.contact.phone }] },
      actorRef(actor),
    );
    return created.id;
  }

  return {
    getEnquiryOrThrow,

    async createEnquiry(ws: string, input: unknown, actor: Actor): Promise<Enquiry> {
      const v = createEnquirySchema.parse(input);
      const now = clock();
      const received = v.receivedAt ? new Date(v.receivedAt) : now;
      if (received.getTime() > now.getTime() + 5 * 60_000)
        throw badInput('ENQUIRY_RECEIVED_IN_FUTURE', 'receivedAt is in the future', '/body/receivedAt');
      const ctx = await sla(ws);
      const customerId = await customerFor(ws, v, actor);
      const t = deadlines(
        received,
        ctx.settings.enquiryFirstResponseMinutes,
        ctx.settings.dueSoonPercent,
        ctx.hours,
      );
      const id = newId();
      const at = now.toISOString();
      await writeTransaction(db, async (trx) => {
        const owner = await resolveOwner(trx, ws, v.ownerId, actor);
        await repo.insert(trx, {
          workspace_id: ws,
          id,
          customer_id: customerId,
          kind: v.kind,
          channel: v.channel,
          body: v.body,
          owner_id: owner.id,
          received_at: received.toISOString(),
          first_response_due_at: t.dueAt,
          first_response_warn_at: t.warnAt,
          first_responded_at: null,
          outcome: null,
          outcome_at: null,
          outcome_note: null,
          value: v.value ?? null,
          active: 1,
          created_at: at,
          updated_at: at,
        });
        await timeline.insertInteraction(trx, ws, {
          customerId,
          kind: 'enquiry',
          direction: 'inbound',
          body: `Enquiry (${v.kind}, by ${v.channel.replace('_', ' ')}): ${v.body}`,
          authorId: authorOf(actor),
          occurredAt: received.toISOString(),
          meta: { enquiryId: id, step: 'created' },
        });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'create',
          entity: 'enquiry',
          entityId: id,
          data: { customerId, kind: v.kind, channel: v.channel, ownerId: owner.id },
        });
      });
      await bus?.publish(ws, 'enquiry.created', { id, customerId }).catch(() => {});
      return getEnquiryOrThrow(ws, id);
    },

    respondToEnquiry: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'respond', async (r, now) => {
        const v = respondEnquirySchema.parse(input);
        if (r.outcome) throw closed();
        return {
          patch: r.first_responded_at ? {} : { first_responded_at: now.toISOString() },
          body: `Enquiry answered${v.channel ? ` by ${v.channel.replace('_', ' ')}` : ''}: ${v.note}`,
          data: v,
          direction: 'outbound',
        };
      }),

    /** Won, lost or no answer: only once the enquiry was answered, so no enquiry is closed unanswered. */
    recordEnquiryOutcome: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'outcome', async (r, now) => {
        const v = enquiryOutcomeInput.parse(input);
        if (r.outcome) throw closed();
        if (!r.first_responded_at)
          throw conflict(
            'ENQUIRY_NOT_ANSWERED',
            'Answer the enquiry (and record it) before recording its outcome',
          );
        return {
          patch: {
            outcome: v.outcome,
            outcome_at: now.toISOString(),
            outcome_note: v.note ?? null,
            active: 0,
            ...(v.value !== undefined && { value: v.value }),
          },
          body: `Enquiry ${v.outcome === 'no_answer' ? 'closed: no answer from the customer' : v.outcome}${v.note ? `: ${v.note}` : ''}`,
          data: v,
        };
      }),

    transferEnquiry: (ws: string, id: string, input: unknown, actor: Actor) =>
      act(ws, id, actor, 'transfer', async (r, _now, trx) => {
        const v = transferEnquirySchema.parse(input);
        if (r.outcome) throw closed();
        const to = await resolveOwner(trx, ws, v.toUserId, actor, '/body/toUserId');
        if (to.id === r.owner_id)
          throw new AppError(
            'ENQUIRY_TRANSFER_SAME_OWNER',
            'The enquiry is already owned by this person',
            409,
          );
        return {
          patch: { owner_id: to.id },
          body: `Enquiry passed from ${r.owner_name} to ${to.name}${v.reason ? `: ${v.reason}` : ''}`,
          data: { fromUserId: r.owner_id, toUserId: to.id, reason: v.reason ?? null },
        };
      }),

    async listEnquiries(ws: string, query: unknown) {
      const q = listEnquiriesQuery.parse(query);
      const [rows, ctx] = await Promise.all([
        repo.page(ws, q, q.cursor ? decode(q.cursor) : undefined, q.limit + 1),
        sla(ws),
      ]);
      const now = clock();
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => present(r, now, ctx)),
        nextCursor: rows.length > q.limit && last ? encode(last.first_response_due_at, last.id) : null,
      };
    },

    moveOnMerge: (trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) =>
      repo.reassignCustomer(trx, ws, from.id, into.id),
  };
}
export type EnquiryService = ReturnType<typeof createEnquiryService>;
