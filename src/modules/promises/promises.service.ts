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
import { createNotices } from './notices.ts';
import { presentPromise } from './present.ts';
import {
  closePromiseSchema,
  createPromiseSchema,
  listPromisesQuery,
  reschedulePromiseSchema,
  type PromiseOut,
} from './promises.schema.ts';
import { dueLabel, parseDue } from './when.ts';

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

export const closedError = () =>
  conflict('PROMISE_CLOSED', 'This promise is already kept, broken or cancelled');

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

    ...createNotices({
      db,
      repo,
      workspaces,
      customers,
      bus,
      clock,
      zoneOf,
      change,
      whenOf,
      closedError,
      deps,
    }),

    async moveOnMerge(trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) {
      await repo.moveOnMerge(trx, ws, from.id, into.id);
    },
    repo,
    zoneOf,
    clock,
  };
}
export type PromiseService = ReturnType<typeof createPromiseService>;
