import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { eventRow, hashToken, type EventRow } from './events.repository.ts';
import { icsOf } from './ics.ts';

export const MAX_GUESTS = 9;
export type RsvpOutcome = 'saved' | 'full' | 'over' | 'cancelled' | 'invalid';

/**
 * What a guest's personal link may do (no sign-in): see the event, answer yes (with guests) or no and change it
 * until the event begins, download the calendar file. The seats are counted on the event and taken by one
 * conditional update, so parallel answers never overbook it.
 */
export function createRsvpService(deps: {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  publicUrl: () => string;
  organizerEmail: (ws: string) => Promise<string | null>;
  clock?: () => Date;
}) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());
  const host = () => {
    try {
      return new URL(deps.publicUrl()).hostname || 'rapport.local';
    } catch {
      return 'rapport.local';
    }
  };

  async function invitation(token: string, trx: Kysely<Database> = db, lock = false) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    let q = trx.selectFrom('event_invitations').selectAll().where('token_hash', '=', hashToken(token));
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  }
  async function context(e: EventRow) {
    const w = await deps.workspaces.getWorkspaceCached(e.workspace_id);
    return { timezone: w.timezone, shopName: w.name };
  }
  const seatsLeft = (e: EventRow) =>
    e.capacity === null ? null : Number(e.capacity) - Number(e.seats_taken);

  return {
    async view(token: string) {
      const i = await invitation(token);
      if (!i) return undefined;
      const e = await eventRow(db, i.workspace_id, i.event_id);
      const c = await db
        .selectFrom('customers')
        .select('name')
        .where('workspace_id', '=', i.workspace_id)
        .where('id', '=', i.customer_id)
        .executeTakeFirst();
      return {
        event: e,
        ...(await context(e)),
        name: c?.name ?? '',
        answer: i.answer,
        guests: Number(i.guests),
        seatsLeft: seatsLeft(e),
        over: e.starts_at <= clock().toISOString(),
        checkinUrl: `${deps.publicUrl()}/events/${e.id}/checkin?token=${encodeURIComponent(token)}`,
      };
    },
    async answer(token: string, a: { answer: 'yes' | 'no'; guests: number }): Promise<RsvpOutcome> {
      return writeTransaction(db, async (trx) => {
        const i = await invitation(token, trx, true);
        if (!i) return 'invalid';
        const e = await eventRow(trx, i.workspace_id, i.event_id);
        if (e.status === 'cancelled') return 'cancelled';
        if (e.starts_at <= clock().toISOString()) return 'over';
        const guests = a.answer === 'yes' ? Math.min(Math.max(0, a.guests), MAX_GUESTS) : 0;
        const seats = a.answer === 'yes' ? 1 + guests : 0;
        const delta = seats - Number(i.seats);
        if (delta !== 0) {
          let u = trx
            .updateTable('events')
            .set((eb) => ({ seats_taken: eb('seats_taken', '+', delta) }))
            .where('workspace_id', '=', i.workspace_id)
            .where('id', '=', i.event_id);
          // the check and the change in one statement: a parallel answer waits for this row and sees its count
          if (delta > 0)
            u = u.where((eb) =>
              eb.or([
                eb('capacity', 'is', null),
                eb(eb('seats_taken', '+', delta), '<=', eb.ref('capacity')),
              ]),
            );
          const r = await u.executeTakeFirst();
          if (!Number(r.numUpdatedRows)) return 'full';
        }
        await trx
          .updateTable('event_invitations')
          .set({ answer: a.answer, guests, seats, answered_at: clock().toISOString() })
          .where('workspace_id', '=', i.workspace_id)
          .where('id', '=', i.id)
          .execute();
        return 'saved';
      });
    },
    /** The guest's calendar invitation (with them as the attendee and their answer). */
    async inviteIcs(token: string) {
      const i = await invitation(token);
      if (!i) return undefined;
      const e = await eventRow(db, i.workspace_id, i.event_id);
      const email = await db
        .selectFrom('customer_emails')
        .select('normalized')
        .where('workspace_id', '=', i.workspace_id)
        .where('customer_id', '=', i.customer_id)
        .orderBy('position')
        .executeTakeFirst();
      const c = await db
        .selectFrom('customers')
        .select('name')
        .where('workspace_id', '=', i.workspace_id)
        .where('id', '=', i.customer_id)
        .executeTakeFirst();
      return icsOf(e, {
        ...(await context(e)),
        organizerEmail: await deps.organizerEmail(e.workspace_id),
        host: host(),
        url: `${deps.publicUrl()}/p/r/${token}`,
        attendee: { name: c?.name ?? 'Guest', email: email?.normalized ?? null, answer: i.answer },
      });
    },
    /** The event's public page (what, when, where) by its own token. */
    async publicEvent(publicToken: string) {
      if (!/^[A-Za-z0-9_-]{10,100}$/.test(publicToken)) return undefined;
      const e = await db
        .selectFrom('events')
        .selectAll()
        .where('public_token', '=', publicToken)
        .executeTakeFirst();
      if (!e) return undefined;
      const ctx = await context(e);
      const url = `${deps.publicUrl()}/p/ev/${publicToken}`;
      return {
        event: e,
        ...ctx,
        seatsLeft: seatsLeft(e),
        ics: () =>
          deps
            .organizerEmail(e.workspace_id)
            .then((organizerEmail) => icsOf(e, { ...ctx, organizerEmail, host: host(), url })),
      };
    },
  };
}
export type RsvpService = ReturnType<typeof createRsvpService>;
