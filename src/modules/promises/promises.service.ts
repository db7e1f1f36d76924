import type { Kysely, Updateable } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { Database, PromiseTable } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import { resolveOwner } from '../access/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { createPromisesRepository, type PromiseRow } from './promises.repository.ts';
import {
  closePromiseSchema,
  createPromiseSchema,
  lateNoticeSchema,
  listPromisesQuery,
  reschedulePromiseSchema,
  type PromiseOut,
} from './promises.schema.ts';
import { dueLabel, parseDue, remindAt } from './when.ts';

export type QueueServiceMessage = (
  ws: string,
  customerId: string,
  v: { channel: 'email' | 'sms' | 'whatsapp'; purpose: 'service'; subject: string | null; body: string },
  o: { dedupeKey: string; createdBy: string },
) => Promise<{ message: { id: string } }>;

export type PromiseDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  timeline: TimelineService;
  bus?: EventBus;
  clock?: () => Date;
  /** outreach.queueMessage: the late notice to the customer (a service message, exactly once by its key). */
  queueMessage: QueueServiceMessage;
  /** An email to a staff member when SMTP is configured (the reminder); absent: in the app only. */
  emailStaff?: (ws: string, userId: string, subject: string, body: string, key: string) => Promise<void>;
};

const closedError = () => conflict('PROMISE_CLOSED', 'This promise is already kept, broken or cancelled');

export function presentPromise(r: PromiseRow, now: Date): PromiseOut {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    what: r.what,
    dueAt: r.due_at,
    allDay: r.all_day === 1,
    dueDate: r.due_date,
    source: r.source_kind ? { kind: r.source_kind, id: r.source_id } : null,
    status: r.status,
    overdue: r.status === 'open' && Date.parse(r.due_at) < now.getTime(),
    keptAt: r.kept_at,
    keptOnTime: r.status === 'kept' ? r.kept_late === 0 : null,
    brokenAt: r.broken_at,
    cancelledAt: r.cancelled_at,
    reschedules: r.reschedules,
    lateNoticeMessageId: r.late_notice_message_id,
    remindedAt: r.reminded_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Promises (I2): what we said we would do for a customer, by whom and by when; kept, broken or cancelled once. */
export function createPromiseService(deps: PromiseDeps) {
  const { db, workspaces, customers, timeline, bus } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = createPromisesRepository(db);
  const authorOf = (a: Actor) => (a.kind === 'user' ? a.id : null);
  const zoneOf = async (ws: string) => (await workspaces.getWorkspaceCached(ws)).timezone;

  async function getPromiseOrThrow(ws: string, id: string): Promise<PromiseOut> {
    const r = await repo.get(ws, id);
    if (!r) throw notFound('PROMISE_NOT_FOUND', 'Promise');
    return presentPromise(r, clock());
  }

  /**
   * One change: a conditional UPDATE (only while the row is still as `guard` says), and — only when it changed the
   * row — the timeline entry and the audit record in the same transaction. A parallel twin changes nothing.
   */
  async function change(
    ws: string,
    id: string,
    actor: Actor,
    step: string,
    make: (
      r: PromiseRow,
      now: Date,
      zone: string,
    ) => Promise<{
      patch: Updateable<PromiseTable>;
      guard: Parameters<typeof repo.updateIf>[4];
      body: string;
      data: object;
    }>,
    onNoChange: (fresh: PromiseRow) => void,
  ): Promise<PromiseOut> {
    const zone = await zoneOf(ws);
    const changed = await writeTransaction(db, async (trx) => {
      const r = await repo.get(ws, id, trx);
      if (!r) throw notFound('PROMISE_NOT_FOUND', 'Promise');
      const now = clock();
      const c = await make(r, now, zone);
      const ok = await repo.updateIf(trx, ws, id, { ...c.patch, updated_at: now.toISOString() }, c.guard);
      if (!ok) {
        const fresh = await repo.get(ws, id, trx);
        onNoChange(fresh as PromiseRow);
        return false;
      }
      await timeline.insertInteraction(trx, ws, {
        customerId: r.customer_id,
        kind: 'promise',
        body: c.body,
        authorId: authorOf(actor),
        occurredAt: now.toISOString(),
        meta: { promiseId: id, step },
      });
      await recordAudit(trx, {
        workspaceId: ws,
        actor: actorRef(actor),
        action: step,
        entity: 'promise',
        entityId: id,
        data: c.data,
      });
      return true;
    });
    if (changed) await bus?.publish(ws, 'promise.updated', { id, step }).catch(() => {});
    return getPromiseOrThrow(ws, id);
  }

  const whenOf = (r: PromiseRow, zone: string) =>
    dueLabel({ dueAt: r.due_at, allDay: r.all_day, dueDate: r.due_date }, zone);
  const mustBeOpen = (fresh: PromiseRow) => {
    if (fresh.status !== 'open') throw closedError();
  };

  function close(status: 'broken' | 'cancelled') {
    return (ws: string, id: string, input: unknown, actor: Actor) => {
      const v = closePromiseSchema.parse(input ?? {});
      return change(
        ws,
        id,
        actor,
        status === 'broken' ? 'break' : 'cancel',
        async (r, now) => {
          if (r.status !== 'open') throw closedError();
          const at = now.toISOString();
          return {
            patch:
              status === 'broken'
                ? { status, broken_at: at, closed_by: actorRef(actor) }
                : { status, cancelled_at: at, closed_by: actorRef(actor) },
            guard: { status: 'open' },
            body: `${status === 'broken' ? 'Promise broken' : 'Promise cancelled'}: ${r.what}${v.note ? ` — ${v.note}` : ''}`,
            data: { note: v.note ?? null },
          };
        },
        mustBeOpen,
      );
    };
  }

  return {
    getPromiseOrThrow,

    async createPromise(ws: string, input: unknown, actor: Actor): Promise<PromiseOut> {
      const v = createPromiseSchema.parse(input);
      const zone = await zoneOf(ws);
      const due = parseDue(v.dueAt, zone);
      const now = clock();
      if (Date.parse(due.dueAt) < now.getTime() - 60_000)
        throw badInput('PROMISE_DUE_IN_PAST', 'That time has already passed', '/body/dueAt');
      await customers.existsOrThrow(ws, v.customerId);
      const id = newId();
      const at = now.toISOString();
      await writeTransaction(db, async (trx) => {
        const owner = await resolveOwner(trx, ws, v.ownerId, actor);
        await repo.insert(trx, {
          workspace_id: ws,
          id,
          customer_id: v.customerId,
          owner_id: owner.id,
          created_by: actorRef(actor),
          what: v.what,
          due_at: due.dueAt,
          all_day: due.allDay ? 1 : 0,
          due_date: due.dueDate,
          source_kind: v.source?.kind ?? null,
          source_id: v.source?.id ?? null,
          status: 'open',
          kept_at: null,
          kept_late: null,
          broken_at: null,
          cancelled_at: null,
          closed_by: null,
          reschedules: 0,
          late_notice_message_id: null,
          reminded_at: null,
          created_at: at,
          updated_at: at,
        });
        await timeline.insertInteraction(trx, ws, {
          customerId: v.customerId,
          kind: 'promise',
          direction: 'outbound',
          body: `Promised: ${v.what} — by ${dueLabel(due, zone)} (${owner.name})`,
          authorId: authorOf(actor),
          occurredAt: at,
          meta: { promiseId: id, step: 'created', source: v.source ?? null },
        });
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'create',
          entity: 'promise',
          entityId: id,
          data: { customerId: v.customerId, ownerId: owner.id, dueAt: due.dueAt, allDay: due.allDay },
        });
      });
      await bus?.publish(ws, 'promise.updated', { id, step: 'created' }).catch(() => {});
      return getPromiseOrThrow(ws, id);
    },

    async listPromises(ws: string, query: unknown): Promise<{ items: PromiseOut[] }> {
      const q = listPromisesQuery.parse(query ?? {});
      if (q.customerId) await customers.existsOrThrow(ws, q.customerId);
      const now = clock();
      const rows = await repo.list(ws, { ...q, now: now.toISOString() });
      return { items: rows.map((r) => presentPromise(r, now)) };
    },

    /** Kept: on time when now is not past its due time (the clock decides), late otherwise. */
    keepPromise: (ws: string, id: string, input: unknown, actor: Actor) => {
      const v = closePromiseSchema.parse(input ?? {});
      return change(
        ws,
        id,
        actor,
        'keep',
        async (r, now) => {
          if (r.status !== 'open') throw closedError();
          const late = now.getTime() > Date.parse(r.due_at);
          return {
            patch: {
              status: 'kept',
              kept_at: now.toISOString(),
              kept_late: late ? 1 : 0,
              closed_by: actorRef(actor),
            },
            guard: { status: 'open' },
            body: `Promise kept${late ? ' (late)' : ' on time'}: ${r.what}${v.note ? ` — ${v.note}` : ''}`,
            data: { late, note: v.note ?? null },
          };
        },
        mustBeOpen,
      );
    },
    breakPromise: close('broken'),
    cancelPromise: close('cancelled'),

    /** A new due time; asking for the time it already has changes nothing (so a repeated request is harmless). */
    reschedulePromise: (ws: string, id: string, input: unknown, actor: Actor) => {
      const v = reschedulePromiseSchema.parse(input);
      return change(
        ws,
        id,
        actor,
        'reschedule',
        async (r, now, zone) => {
          if (r.status !== 'open') throw closedError();
          const due = parseDue(v.dueAt, zone);
          if (Date.parse(due.dueAt) < now.getTime() - 60_000)
            throw badInput('PROMISE_DUE_IN_PAST', 'That time has already passed', '/body/dueAt');
          return {
            patch: {
              due_at: due.dueAt,
              all_day: due.allDay ? 1 : 0,
              due_date: due.dueDate,
              reminded_at: null,
              reschedules: r.reschedules + 1,
            },
            guard: { status: 'open', notDueAt: due.dueAt },
            body: `Promise moved: ${r.what} — from ${whenOf(r, zone)} to ${dueLabel(due, zone)}${v.reason ? ` (${v.reason})` : ''}`,
            data: { from: r.due_at, to: due.dueAt, reason: v.reason ?? null },
          };
        },
        mustBeOpen, // still open and already at that time: nothing to do
      );
    },

    /**
     * "Tell the customer it will be late": once the promise is overdue and still open, a service message through
     * outreach (one per promise: its dedupe key), recorded on the promise once; optionally a new due time.
     */
    async sendLateNotice(ws: string, id: string, input: unknown, actor: Actor): Promise<PromiseOut> {
      const v = lateNoticeSchema.parse(input ?? {});
      const zone = await zoneOf(ws);
      const r = await repo.get(ws, id);
      if (!r) throw notFound('PROMISE_NOT_FOUND', 'Promise');
      if (r.late_notice_message_id) return presentPromise(r, clock());
      if (r.status !== 'open') throw closedError();
      if (Date.parse(r.due_at) > clock().getTime())
        throw conflict('PROMISE_NOT_OVERDUE', 'This promise is not late yet');
      const newDue = v.newDueAt ? parseDue(v.newDueAt, zone, '/body/newDueAt') : undefined;
      const c = await customers.getCustomerOrThrow(ws, r.customer_id);
      const pref = c.preferredChannel;
      const channel = v.channel ?? (pref === 'sms' || pref === 'whatsapp' ? pref : 'email');
      const w = await workspaces.getWorkspaceCached(ws);
      const body =
        v.body ??
        `Hello ${c.name}, we promised you "${r.what}" by ${whenOf(r, zone)}. We are running late, and we are sorry.${
          newDue
            ? ` It will be done by ${dueLabel(newDue, zone)}.`
            : ' We will be in touch as soon as it is done.'
        } — ${w.name}`;
      const { message } = await deps.queueMessage(
        ws,
        r.customer_id,
        { channel, purpose: 'service', subject: channel === 'email' ? 'We are running late' : null, body },
        { dedupeKey: `promise-late:${id}`, createdBy: actorRef(actor) },
      );
      return change(
        ws,
        id,
        actor,
        'late_notice',
        async () => ({
          patch: {
            late_notice_message_id: message.id,
            ...(newDue && {
              due_at: newDue.dueAt,
              all_day: newDue.allDay ? 1 : 0,
              due_date: newDue.dueDate,
              reminded_at: null,
              reschedules: r.reschedules + 1,
            }),
          },
          guard: { nullColumn: 'late_notice_message_id' },
          body: `Told the customer the promise will be late (${channel}): ${r.what}${newDue ? ` — now by ${dueLabel(newDue, zone)}` : ''}`,
          data: { messageId: message.id, channel, newDueAt: newDue?.dueAt ?? null },
        }),
        () => {}, // a parallel twin recorded it: the same message
      );
    },

    /**
     * The reminder job: every open promise coming due (an hour before, 8 am on the day of an all-day one) reminds
     * its owner once — reminded_at set by a conditional UPDATE, so any number of processes remind once. Returns how
     * many it reminded.
     */
    async remindDue(): Promise<number> {
      const now = clock();
      const rows = await repo.dueForReminder(new Date(now.getTime() + 16 * 3_600_000).toISOString());
      let n = 0;
      for (const p of rows) {
        const zone = await zoneOf(p.workspace_id);
        if (remindAt(p, zone) > now.getTime()) continue;
        const won = await repo.updateIf(
          db,
          p.workspace_id,
          p.id,
          { reminded_at: now.toISOString() },
          { status: 'open', nullColumn: 'reminded_at' },
        );
        if (!won) continue;
        n++;
        const when = dueLabel({ dueAt: p.due_at, allDay: p.all_day, dueDate: p.due_date }, zone);
        await bus
          ?.publish(p.workspace_id, 'promise.reminder', {
            id: p.id,
            ownerId: p.owner_id,
            customerId: p.customer_id,
            what: p.what,
            dueAt: p.due_at,
          })
          .catch(() => {});
        await deps
          .emailStaff?.(
            p.workspace_id,
            p.owner_id,
            `Reminder: ${p.what}`,
            `You promised: ${p.what}\nDue: ${when}\n\nOpen Rapport to mark it kept, or tell the customer it will be late.`,
            `promise-reminder:${p.id}:${p.due_at}`,
          )
          .catch(() => {});
      }
      return n;
    },

    async moveOnMerge(trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) {
      await repo.moveOnMerge(trx, ws, from.id, into.id);
    },
    repo,
    zoneOf,
    clock,
  };
}
export type PromiseService = ReturnType<typeof createPromiseService>;
