import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import ical from 'ical-generator';
import { DateTime } from 'luxon';
import type { Database } from '../../platform/db/schema.ts';
import { resolveOwner } from '../access/index.ts';
import type { Actor } from '../../platform/http/actor.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { PromiseService } from './promises.service.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const stamp = (d: DateTime) => d.toFormat("yyyyLLdd'T'HHmmss");
const offset = (minutes: number) => {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
};

/**
 * A VTIMEZONE for an IANA zone, from luxon's rules: every change of UTC offset from two years back to three years
 * ahead as its own STANDARD or DAYLIGHT observance (RFC 5545 3.6.5, explicit DTSTARTs rather than RRULEs).
 */
export function vtimezone(zone: string, around: Date): string {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  let t = DateTime.fromJSDate(around, { zone }).minus({ years: 2 }).startOf('year');
  const end = t.plus({ years: 5 });
  const first = t;
  let found = 0;
  while (t < end) {
    const next = t.plus({ days: 1 });
    if (next.offset !== t.offset) {
      let lo = t.toMillis();
      let hi = next.toMillis();
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (DateTime.fromMillis(mid, { zone }).offset === t.offset) lo = mid;
        else hi = mid;
      }
      const after = DateTime.fromMillis(hi, { zone });
      const kind = after.isInDST ? 'DAYLIGHT' : 'STANDARD';
      lines.push(
        `BEGIN:${kind}`,
        `DTSTART:${stamp(DateTime.fromMillis(hi, { zone: 'UTC' }).plus({ minutes: t.offset }))}`,
        `TZOFFSETFROM:${offset(t.offset)}`,
        `TZOFFSETTO:${offset(after.offset)}`,
        `TZNAME:${after.offsetNameShort ?? offset(after.offset)}`,
        `END:${kind}`,
      );
      found++;
    }
    t = next;
  }
  if (!found)
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset(first.offset)}`,
      `TZOFFSETTO:${offset(first.offset)}`,
      `TZNAME:${first.offsetNameShort ?? offset(first.offset)}`,
      'END:STANDARD',
    );
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

/** Each staff member's secret iCalendar feed (I4): their open promises and those of the last 60 days. */
export function createCalendarService(deps: {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  promises: PromiseService;
  /** RAPPORT_PUBLIC_URL when set; else links use the address the request came to. */
  publicUrl: () => string | undefined;
  /** The person's complaint follow-up calls still to make (complaints module). */
  followUps?: (
    ws: string,
    userId: string,
  ) => Promise<{ id: string; customerId: string; customerName: string; dueAt: string }[]>;
}) {
  const { db, workspaces, promises } = deps;
  const clock = promises.clock;
  /** A feed belongs to a person: the signed-in user, or the workspace owner for an API key. */
  const userOf = async (ws: string, actor: Actor) => (await resolveOwner(db, ws, undefined, actor)).id;
  const baseOf = (origin: string) => (deps.publicUrl() ?? origin).replace(/\/$/, '');

  return {
    async status(ws: string, actor: Actor) {
      const r = await db
        .selectFrom('calendar_feeds')
        .select(['created_at', 'last_used_at'])
        .where('workspace_id', '=', ws)
        .where('user_id', '=', await userOf(ws, actor))
        .executeTakeFirst();
      return { active: !!r, createdAt: r?.created_at ?? null, lastUsedAt: r?.last_used_at ?? null };
    },

    /** A new secret URL; the old one (if any) stops working. The token is shown once and stored as its hash. */
    async create(ws: string, actor: Actor, origin: string) {
      const user = await userOf(ws, actor);
      const token = randomBytes(24).toString('base64url');
      const at = clock().toISOString();
      await db
        .insertInto('calendar_feeds')
        .values({
          workspace_id: ws,
          user_id: user,
          token_hash: hash(token),
          created_at: at,
          last_used_at: null,
        })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'user_id'])
            .doUpdateSet({ token_hash: hash(token), created_at: at, last_used_at: null }),
        )
        .execute();
      return { url: `${baseOf(origin)}/cal/${token}.ics`, createdAt: at };
    },

    async revoke(ws: string, actor: Actor) {
      await db
        .deleteFrom('calendar_feeds')
        .where('workspace_id', '=', ws)
        .where('user_id', '=', await userOf(ws, actor))
        .execute();
    },

    /** The feed for a token, or undefined (unknown or revoked). */
    async feed(token: string, origin: string): Promise<string | undefined> {
      const f = await db
        .selectFrom('calendar_feeds')
        .innerJoin('users', (j) =>
          j
            .onRef('users.workspace_id', '=', 'calendar_feeds.workspace_id')
            .onRef('users.id', '=', 'calendar_feeds.user_id'),
        )
        .select(['calendar_feeds.workspace_id', 'calendar_feeds.user_id', 'users.name', 'users.disabled_at'])
        .where('calendar_feeds.token_hash', '=', hash(token))
        .executeTakeFirst();
      if (!f || f.disabled_at) return undefined;
      const ws = f.workspace_id;
      const now = clock();
      await db
        .updateTable('calendar_feeds')
        .set({ last_used_at: now.toISOString() })
        .where('workspace_id', '=', ws)
        .where('user_id', '=', f.user_id)
        .execute();
      const w = await workspaces.getWorkspaceCached(ws);
      const zone = w.timezone;
      const rows = await promises.repo
        .base(db, ws)
        .where('p.owner_id', '=', f.user_id)
        .where((eb) =>
          eb.or([
            eb('p.status', '=', 'open'),
            eb('p.due_at', '>=', new Date(now.getTime() - 60 * 86_400_000).toISOString()),
          ]),
        )
        .where('p.status', '<>', 'cancelled')
        .orderBy('p.due_at')
        .limit(1000)
        .execute();
      const cal = ical({
        name: `${w.name} — ${f.name}'s promises`,
        prodId: { company: 'Rapport', product: 'promises' },
      });
      cal.timezone({ name: zone, generator: (tz) => vtimezone(tz, now) });
      const base = baseOf(origin);
      const h = new URL(base).hostname;
      for (const p of rows) {
        const state = p.status === 'kept' ? ' (kept)' : p.status === 'broken' ? ' (broken)' : '';
        const common = {
          id: `${p.id}@${h}`,
          summary: `${p.what} — ${p.customer_name}${state}`,
          description: `Promised to ${p.customer_name}. ${base}/customers/${p.customer_id}`,
          url: `${base}/customers/${p.customer_id}`,
          stamp: new Date(p.updated_at),
          timezone: zone,
        };
        if (p.all_day && p.due_date) {
          const day = DateTime.fromISO(p.due_date, { zone });
          cal.createEvent({ ...common, allDay: true, start: day, end: day.plus({ days: 1 }) });
        } else {
          const start = DateTime.fromISO(p.due_at, { zone });
          cal.createEvent({ ...common, start, end: start.plus({ minutes: 30 }) });
        }
      }
      for (const f2 of (await deps.followUps?.(ws, f.user_id)) ?? []) {
        const start = DateTime.fromISO(f2.dueAt, { zone });
        cal.createEvent({
          id: `complaint-follow-up-${f2.id}@${h}`,
          summary: `Follow-up: check ${f2.customerName} is happy now`,
          description: `Their complaint was resolved; call to check. ${base}/complaints/${f2.id}`,
          url: `${base}/complaints/${f2.id}`,
          timezone: zone,
          start,
          end: start.plus({ minutes: 15 }),
        });
      }
      return cal.toString();
    },
  };
}
export type CalendarService = ReturnType<typeof createCalendarService>;
