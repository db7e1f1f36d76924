import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { AppError, conflict } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import type { OutreachService } from '../outreach/index.ts';
import { eventRow, hashToken, newToken, type EventRow } from './events.repository.ts';
import { inviteSchema } from './events.schema.ts';

/** Liquid never runs what the shop typed (a title with braces stays text). */
export const raw = (s: string) => `{% raw %}${s.replace(/\{%-?\s*endraw\s*-?%\}/g, '')}{% endraw %}`;
export const whenText = (e: EventRow, zone: string) =>
  DateTime.fromISO(e.starts_at, { zone }).toFormat("cccc d LLLL yyyy 'at' HH:mm");

/** The messages of an event: invitations (marketing, with the personal answer link), reminders, cancellations. */
export function createInvitations(deps: {
  db: Kysely<Database>;
  outreach: OutreachService;
  audienceIds: (ws: string, audience: unknown) => Promise<string[]>;
  publicUrl: () => string;
  zoneOf: (ws: string) => Promise<string>;
  clock?: () => Date;
}) {
  const { db, zoneOf } = deps;
  const clock = deps.clock ?? (() => new Date());
  /** Service messages to the yeses (reminder, cancellation), each once by its key. */
  async function tellYeses(ws: string, e: EventRow, what: 'reminder' | 'cancelled') {
    const zone = await zoneOf(ws);
    const yes = await db
      .selectFrom('event_invitations')
      .select(['customer_id', 'channel', 'guests'])
      .where('workspace_id', '=', ws)
      .where('event_id', '=', e.id)
      .where('answer', '=', 'yes')
      .execute();
    let queued = 0;
    for (const i of yes) {
      const subject = what === 'reminder' ? `Tomorrow: ${raw(e.title)}` : `Cancelled: ${raw(e.title)}`;
      const body =
        what === 'reminder'
          ? `Hello {{ customer.first_name | default: "there" }}, a reminder: ${raw(e.title)} is on ${whenText(e, zone)}${e.location ? ` at ${raw(e.location)}` : ''}. We look forward to seeing you${Number(i.guests) ? ` and your guests (${Number(i.guests)})` : ''}!`
          : `Hello {{ customer.first_name | default: "there" }}, we are sorry: ${raw(e.title)} on ${whenText(e, zone)} is cancelled.`;
      try {
        const r = await deps.outreach.queueMessage(
          ws,
          i.customer_id,
          { channel: i.channel as 'email', purpose: 'service', subject, body },
          { dedupeKey: `event:${e.id}:${what}:${i.customer_id}`, createdBy: 'system:events' },
        );
        if (r.created) queued++;
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 409) throw err;
      }
    }
    return queued;
  }

  /**
   * Invite an audience: per customer one invitation and one message (marketing, so only with consent) holding
   * the personal answer link and the calendar file. The message's key makes each customer invited once.
   */
  /**
   * Invite an audience: per customer one invitation and one message (marketing, so only with consent) holding
   * the personal answer link and the calendar file. The message's key makes each customer invited once.
   */
  async function invite(ws: string, id: string, input: unknown, actor: Actor) {
    const v = inviteSchema.parse(input);
    const e = await eventRow(db, ws, id);
    if (e.status === 'cancelled') throw conflict('EVENT_CANCELLED', 'This event is cancelled');
    if (e.starts_at <= clock().toISOString()) throw conflict('EVENT_OVER', 'This event has already begun');
    const zone = await zoneOf(ws);
    const ids = await deps.audienceIds(ws, v.audience);
    const out = { invited: 0, already: 0, skipped: {} as Record<string, number> };
    for (const customerId of ids) {
      const token = newToken();
      const url = `${deps.publicUrl()}/p/r/${token}`;
      const body = [
        'Hello {{ customer.first_name | default: "there" }},',
        v.note ? raw(v.note) : null,
        `You are invited to ${raw(e.title)}.\nWhen: ${whenText(e, zone)}${e.location ? `\nWhere: ${raw(e.location)}` : ''}`,
        e.description ? raw(e.description) : null,
        `Will you come? Answer here (you can bring guests, and change your mind later): ${url}\nAdd it to your calendar: ${url}/invite.ics`,
      ]
        .filter(Boolean)
        .join('\n\n');
      try {
        const m = await deps.outreach.queueMessage(
          ws,
          customerId,
          { channel: v.channel, purpose: 'marketing', subject: `You are invited: ${raw(e.title)}`, body },
          { dedupeKey: `event:${id}:invite:${customerId}`, createdBy: actorRef(actor) },
        );
        if (!m.created) {
          out.already++;
          continue;
        }
        await db
          .insertInto('event_invitations')
          .values({
            workspace_id: ws,
            id: newId(),
            event_id: id,
            customer_id: customerId,
            token_hash: hashToken(token),
            answer: 'pending',
            guests: 0,
            seats: 0,
            answered_at: null,
            channel: v.channel,
            message_id: m.message.id,
            checked_in_at: null,
            checked_in_by: null,
            created_at: nowIso(),
          })
          .onConflict((oc) => oc.columns(['workspace_id', 'event_id', 'customer_id']).doNothing())
          .execute();
        out.invited++;
      } catch (err) {
        if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 404)) throw err;
        const reason = err.code.toLowerCase();
        out.skipped[reason] = (out.skipped[reason] ?? 0) + 1;
      }
    }
    return out;
  }

  return { invite, tellYeses };
}
