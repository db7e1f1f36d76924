import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, EventTable } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';

export const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');
export const eventNotFound = () => notFound('EVENT_NOT_FOUND', 'Event');
export type EventRow = Selectable<EventTable>;

export async function eventRow(db: Kysely<Database>, ws: string, id: string, lock = false) {
  let q = db.selectFrom('events').selectAll().where('workspace_id', '=', ws).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) throw eventNotFound();
  return r;
}

/** Invitation counts per event: invited, yes, no, pending, checked in. */
export async function countsOf(db: Kysely<Database>, ws: string, ids: string[]) {
  const out = new Map<
    string,
    { invited: number; yes: number; no: number; pending: number; checkedIn: number }
  >();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('event_invitations')
    .select([
      'event_id',
      'answer',
      (eb) => eb.fn.countAll<string>().as('n'),
      (eb) => eb.fn.count<string>('checked_in_at').as('checked'),
    ])
    .where('workspace_id', '=', ws)
    .where('event_id', 'in', ids)
    .groupBy(['event_id', 'answer'])
    .execute();
  for (const id of ids) out.set(id, { invited: 0, yes: 0, no: 0, pending: 0, checkedIn: 0 });
  for (const r of rows) {
    const c = out.get(r.event_id);
    if (!c) continue;
    const n = Number(r.n);
    c.invited += n;
    if (r.answer === 'yes' || r.answer === 'no' || r.answer === 'pending') c[r.answer] += n;
    c.checkedIn += Number(r.checked);
  }
  return out;
}

/** The invitations of an event with the guest's name and first phone, optionally searched by name or phone. */
export async function attendees(
  db: Kysely<Database>,
  ws: string,
  eventId: string,
  q: { q?: string | undefined; answer?: string | undefined },
) {
  let query = db
    .selectFrom('event_invitations as i')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.workspace_id', '=', 'i.workspace_id').onRef('c.id', '=', 'i.customer_id'),
    )
    .select([
      'i.id',
      'i.customer_id',
      'c.name',
      'i.answer',
      'i.guests',
      'i.answered_at',
      'i.checked_in_at',
      (eb) =>
        eb
          .selectFrom('customer_phones as p')
          .select('p.e164')
          .whereRef('p.workspace_id', '=', 'i.workspace_id')
          .whereRef('p.customer_id', '=', 'i.customer_id')
          .orderBy('p.position')
          .limit(1)
          .as('phone'),
    ])
    .where('i.workspace_id', '=', ws)
    .where('i.event_id', '=', eventId);
  if (q.answer) query = query.where('i.answer', '=', q.answer);
  const term = q.q?.trim().toLowerCase();
  if (term) {
    const digits = term.replace(/\D/g, '');
    const like = `%${term.replace(/[%_\\]/g, '')}%`;
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(c.name)`, 'like', like),
        ...(digits.length >= 3
          ? [
              eb.exists(
                eb
                  .selectFrom('customer_phones as p2')
                  .select('p2.customer_id')
                  .whereRef('p2.workspace_id', '=', 'i.workspace_id')
                  .whereRef('p2.customer_id', '=', 'i.customer_id')
                  .where('p2.e164', 'like', `%${digits}%`),
              ),
            ]
          : []),
      ]),
    );
  }
  return query.orderBy('c.name').orderBy('i.id').limit(500).execute();
}

/**
 * Two customers merged: their invitations follow; where both were invited to one event the kept customer's
 * stays and the other's seats are given back.
 */
export async function moveInvitationsOnMerge(
  trx: Kysely<Database>,
  ws: string,
  from: { id: string },
  into: { id: string },
) {
  const theirs = await trx
    .selectFrom('event_invitations')
    .select(['id', 'event_id', 'seats'])
    .where('workspace_id', '=', ws)
    .where('customer_id', '=', from.id)
    .execute();
  for (const i of theirs) {
    const mine = await trx
      .selectFrom('event_invitations')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('event_id', '=', i.event_id)
      .where('customer_id', '=', into.id)
      .executeTakeFirst();
    if (!mine) {
      await trx
        .updateTable('event_invitations')
        .set({ customer_id: into.id })
        .where('workspace_id', '=', ws)
        .where('id', '=', i.id)
        .execute();
      continue;
    }
    if (Number(i.seats))
      await trx
        .updateTable('events')
        .set((eb) => ({ seats_taken: eb('seats_taken', '-', Number(i.seats)) }))
        .where('workspace_id', '=', ws)
        .where('id', '=', i.event_id)
        .execute();
    await trx.deleteFrom('event_invitations').where('workspace_id', '=', ws).where('id', '=', i.id).execute();
  }
}
