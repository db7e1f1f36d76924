import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { OutreachService } from '../outreach/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import {
  attendees,
  countsOf,
  eventRow,
  hashToken,
  moveInvitationsOnMerge,
  newToken,
  type EventRow,
} from './events.repository.ts';
import { createInvitations } from './invitations.ts';
import {
  attendeesQuery,
  checkInSchema,
  createEventSchema,
  listEventsQuery,
  updateEventSchema,
  type Event,
} from './events.schema.ts';

export const EVENTS_JOB = 'events.remind';

/**
 * Events (E2): what, when (local time in the shop's zone), where, capacity; invitations to an audience, each a
 * message with a personal answer link; reminders to the yeses the day before; check-in at the door, on the
 * guest's timeline.
 */
export function createEventService(deps: {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  timeline: TimelineService;
  outreach: OutreachService;
  audienceIds: (ws: string, audience: unknown) => Promise<string[]>;
  publicUrl: () => string;
  clock?: () => Date;
}) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());
  const zoneOf = async (ws: string) => (await deps.workspaces.getWorkspaceCached(ws)).timezone;
  const utcOf = (local: string, zone: string) => {
    const d = DateTime.fromISO(local, { zone });
    if (!d.isValid) throw badInput('VALIDATION_FAILED', 'Not a date and time', '/startsAt');
    return d.toUTC().toISO() as string;
  };

  async function toEvents(ws: string, rows: EventRow[]): Promise<Event[]> {
    const zone = await zoneOf(ws);
    const counts = await countsOf(
      db,
      ws,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      startsAt: r.starts_local,
      startsAtUtc: r.starts_at,
      timezone: zone,
      durationMinutes: Number(r.duration_minutes),
      location: r.location,
      description: r.description,
      capacity: r.capacity === null ? null : Number(r.capacity),
      seatsTaken: Number(r.seats_taken),
      status: r.status as Event['status'],
      counts: counts.get(r.id) ?? { invited: 0, yes: 0, no: 0, pending: 0, checkedIn: 0 },
      publicUrl: `${deps.publicUrl()}/p/ev/${r.public_token}`,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }
  const one = async (ws: string, r: EventRow) => (await toEvents(ws, [r]))[0] as Event;
  const audit = (
    trx: Kysely<Database>,
    ws: string,
    actor: string,
    action: string,
    id: string,
    data?: unknown,
  ) => recordAudit(trx, { workspaceId: ws, actor, action, entity: 'event', entityId: id, data });

  const messages = createInvitations({ ...deps, zoneOf });
  const tellYeses = messages.tellYeses;

  return {
    async create(ws: string, input: unknown, actor: Actor): Promise<Event> {
      const v = createEventSchema.parse(input);
      const at = nowIso();
      const row: EventRow = {
        workspace_id: ws,
        id: newId(),
        title: v.title,
        starts_local: v.startsAt,
        starts_at: utcOf(v.startsAt, await zoneOf(ws)),
        duration_minutes: v.durationMinutes,
        location: v.location || null,
        description: v.description || null,
        capacity: v.capacity ?? null,
        seats_taken: 0,
        status: 'scheduled',
        sequence: 0,
        public_token: newToken().slice(0, 24),
        created_by: actorRef(actor),
        created_at: at,
        updated_at: at,
      };
      await writeTransaction(db, async (trx) => {
        await trx.insertInto('events').values(row).execute();
        await audit(trx, ws, actorRef(actor), 'event.created', row.id, { title: v.title });
      });
      return one(ws, row);
    },
    async list(ws: string, query: unknown) {
      const q = listEventsQuery.parse(query ?? {});
      const now = clock().toISOString();
      let sel = db.selectFrom('events').selectAll().where('workspace_id', '=', ws);
      if (q.when === 'upcoming') sel = sel.where('starts_at', '>=', now).orderBy('starts_at', 'asc');
      else if (q.when === 'past') sel = sel.where('starts_at', '<', now).orderBy('starts_at', 'desc');
      else sel = sel.orderBy('starts_at', 'desc');
      return { items: await toEvents(ws, await sel.orderBy('id').limit(200).execute()), nextCursor: null };
    },
    get: async (ws: string, id: string) => one(ws, await eventRow(db, ws, id)),
    async update(ws: string, id: string, input: unknown, actor: Actor): Promise<Event> {
      const v = updateEventSchema.parse(input);
      const zone = await zoneOf(ws);
      const r = await writeTransaction(db, async (trx) => {
        const cur = await eventRow(trx, ws, id, true);
        if (cur.status === 'cancelled') throw conflict('EVENT_CANCELLED', 'This event is cancelled');
        const next = {
          title: v.title ?? cur.title,
          starts_local: v.startsAt ?? cur.starts_local,
          starts_at: v.startsAt ? utcOf(v.startsAt, zone) : cur.starts_at,
          duration_minutes: v.durationMinutes ?? Number(cur.duration_minutes),
          location: v.location !== undefined ? v.location || null : cur.location,
          description: v.description !== undefined ? v.description || null : cur.description,
          capacity: v.capacity !== undefined ? v.capacity : cur.capacity,
          updated_at: nowIso(),
        };
        // the seats already promised stay promised: a smaller room is refused, never an overbooking
        let upd = trx
          .updateTable('events')
          .set((eb) => ({ ...next, sequence: eb('sequence', '+', 1) }))
          .where('workspace_id', '=', ws)
          .where('id', '=', id);
        if (next.capacity !== null) upd = upd.where('seats_taken', '<=', next.capacity);
        const u = await upd.executeTakeFirst();
        if (!Number(u.numUpdatedRows))
          throw conflict(
            'EVENT_CAPACITY_BELOW_TAKEN',
            `${Number(cur.seats_taken)} seats are already taken: the capacity cannot be lower`,
          );
        await audit(trx, ws, actorRef(actor), 'event.updated', id, Object.keys(v));
        return { ...cur, ...next, sequence: Number(cur.sequence) + 1 };
      });
      return one(ws, r);
    },
    async cancel(ws: string, id: string, actor: Actor): Promise<Event> {
      const r = await writeTransaction(db, async (trx) => {
        const cur = await eventRow(trx, ws, id, true);
        const u = await trx
          .updateTable('events')
          .set((eb) => ({ status: 'cancelled', updated_at: nowIso(), sequence: eb('sequence', '+', 1) }))
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .where('status', '=', 'scheduled')
          .executeTakeFirst();
        if (!Number(u.numUpdatedRows)) throw conflict('EVENT_CANCELLED', 'This event is already cancelled');
        await audit(trx, ws, actorRef(actor), 'event.cancelled', id);
        return { ...cur, status: 'cancelled', sequence: Number(cur.sequence) + 1 };
      });
      await tellYeses(ws, r, 'cancelled');
      return one(ws, r);
    },

    invite: messages.invite,
    async attendees(ws: string, id: string, query: unknown) {
      const q = attendeesQuery.parse(query ?? {});
      await eventRow(db, ws, id);
      const rows = await attendees(db, ws, id, q);
      return {
        items: rows.map((r) => ({
          invitationId: r.id,
          customerId: r.customer_id,
          name: r.name,
          phone: r.phone ?? null,
          answer: r.answer as 'yes',
          guests: Number(r.guests),
          answeredAt: r.answered_at,
          checkedInAt: r.checked_in_at,
        })),
      };
    },
    /** Check a guest in at the door (by the list or the QR code of their answer page): once; on their timeline. */
    async checkIn(ws: string, id: string, input: unknown, actor: Actor) {
      const v = checkInSchema.parse(input);
      return writeTransaction(db, async (trx) => {
        const e = await eventRow(trx, ws, id);
        if (e.status === 'cancelled') throw conflict('EVENT_CANCELLED', 'This event is cancelled');
        const at = clock().toISOString();
        const inv = await trx
          .selectFrom('event_invitations')
          .select(['id', 'customer_id', 'checked_in_at', 'guests'])
          .where('workspace_id', '=', ws)
          .where('event_id', '=', id)
          .where(
            v.token ? 'token_hash' : 'id',
            '=',
            v.token ? hashToken(v.token) : (v.invitationId as string),
          )
          .executeTakeFirst();
        if (!inv) throw notFound('INVITATION_NOT_FOUND', 'Invitation');
        const u = await trx
          .updateTable('event_invitations')
          .set({ checked_in_at: at, checked_in_by: actorRef(actor) })
          .where('workspace_id', '=', ws)
          .where('id', '=', inv.id)
          .where('checked_in_at', 'is', null)
          .executeTakeFirst();
        if (!Number(u.numUpdatedRows))
          throw conflict('ALREADY_CHECKED_IN', `Already checked in at ${inv.checked_in_at ?? ''}`);
        await deps.timeline.insertInteraction(trx, ws, {
          customerId: inv.customer_id,
          kind: 'event',
          body: `Came to ${e.title}`,
          authorId: actor.kind === 'user' ? actor.id : null,
          occurredAt: at,
          meta: { eventId: id, guests: Number(inv.guests) },
        });
        await audit(trx, ws, actorRef(actor), 'event.checkin', id, { invitationId: inv.id });
        return { invitationId: inv.id, customerId: inv.customer_id, checkedInAt: at };
      });
    },

    moveOnMerge: moveInvitationsOnMerge,
    /** Workspaces with a scheduled event in the next 24 hours (the hourly scheduler reminds their yeses). */
    async reminderWorkspaces(): Promise<string[]> {
      const now = clock();
      const rows = await db
        .selectFrom('events')
        .select('workspace_id')
        .distinct()
        .where('status', '=', 'scheduled')
        .where('starts_at', '>', now.toISOString())
        .where('starts_at', '<=', new Date(now.getTime() + 86_400_000).toISOString())
        .execute();
      return rows.map((r) => r.workspace_id);
    },
    /** A day before: a reminder (service message, once per guest by its key) to everyone who said yes. */
    async remindDue(ws: string) {
      const now = clock();
      const due = await db
        .selectFrom('events')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('status', '=', 'scheduled')
        .where('starts_at', '>', now.toISOString())
        .where('starts_at', '<=', new Date(now.getTime() + 86_400_000).toISOString())
        .execute();
      let queued = 0;
      for (const e of due) queued += await tellYeses(ws, e, 'reminder');
      return { queued };
    },
  };
}
export type EventService = ReturnType<typeof createEventService>;
