import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../platform/db/schema.ts';
import { AppError, badInput, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { resolveOwner } from '../access/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { agendaQuery, snoozeSchema, type AgendaItem } from './promises.schema.ts';
import type { PromiseService } from './promises.service.ts';
import { dueLabel } from './when.ts';

type Timer = { dueAt: string; state: 'ok' | 'due_soon' | 'breached' | 'met' };
export type AgendaDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  promises: PromiseService;
  complaints: (
    ws: string,
    ownerId: string,
  ) => Promise<
    {
      id: string;
      customerId: string;
      customerName: string;
      words: string;
      slaState: Timer['state'];
      sla: { firstResponse: Timer; resolution: Timer };
      valueAtStake: number;
      followUp: { due: boolean; dueAt: string | null };
    }[]
  >;
  enquiries: (
    ws: string,
    ownerId: string,
  ) => Promise<
    {
      id: string;
      customerId: string;
      customerName: string;
      body: string;
      kind: string;
      value: number | null;
      firstResponse: Timer;
    }[]
  >;
  /** Valuable customers not contacted in N days (retention), for the owner's agenda. */
  notContacted: (ws: string) => Promise<{
    days: number;
    items: { customerId: string; name: string; clv12m: number | null; why: string }[];
  }>;
  /** Missed calls from known customers nobody has called back (phones), for the owner's agenda. */
  missedCalls?: (
    ws: string,
  ) => Promise<
    { id: string; customerId: string | null; customerName: string | null; from: string; startedAt: string }[]
  >;
  /** Predicted value at stake per customer, minor units (analytics). */
  stakes: (ws: string, ids: string[]) => Promise<{ customer_id: string; value_at_stake: number }[]>;
};

const short = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Each person's agenda (I3): one list for today, most urgent first, then most valuable; snoozes hide an item. */
export function createAgendaService(deps: AgendaDeps) {
  const { db, workspaces, promises } = deps;
  const clock = promises.clock;

  /** Whose agenda: yourself; another person's only for an owner or an admin key. */
  async function whose(ws: string, requested: string | undefined, actor: Actor) {
    if (requested && !(actor.kind === 'user' && requested === actor.id)) {
      const mayLook = actor.kind === 'user' ? actor.role === 'owner' : actor.scopes.has('admin');
      if (!mayLook)
        throw new AppError('FORBIDDEN_SCOPE', "Only an owner may see another person's agenda", 403);
    }
    try {
      return await resolveOwner(db, ws, requested, actor, '/querystring/userId');
    } catch (e) {
      // a user of another workspace (or none) is not found here
      if (requested && e instanceof AppError && e.code === 'OWNER_NOT_FOUND')
        throw notFound('USER_NOT_FOUND', 'User');
      throw e;
    }
  }

  /** Customers whose birthday or anniversary is today (29 Feb shows on 28 Feb in other years). */
  async function celebrations(ws: string, today: DateTime) {
    const md = [today.toFormat('MM-dd')];
    if (md[0] === '02-28' && !today.isInLeapYear) md.push('02-29');
    const like = (col: 'birthday' | 'anniversary') =>
      db
        .selectFrom('customers')
        .select(['id', 'name', col])
        .where('workspace_id', '=', ws)
        .where((eb) => eb.or(md.map((m) => eb(col, 'like', `%-${m}`))))
        .orderBy('name')
        .limit(25)
        .execute();
    return { birthdays: await like('birthday'), anniversaries: await like('anniversary') };
  }

  return {
    async getAgenda(ws: string, query: unknown, actor: Actor) {
      const q = agendaQuery.parse(query ?? {});
      const user = await whose(ws, q.userId, actor);
      const w = await workspaces.getWorkspaceCached(ws);
      const zone = w.timezone;
      const now = clock();
      const today = DateTime.fromJSDate(now, { zone });
      const endOfToday = today.endOf('day').toUTC().toISO() as string;
      const items: AgendaItem[] = [];

      const open = await promises.repo
        .base(db, ws)
        .where('p.owner_id', '=', user.id)
        .where('p.status', '=', 'open')
        .where('p.due_at', '<=', endOfToday)
        .orderBy('p.due_at')
        .limit(200)
        .execute();
      for (const p of open) {
        const overdue = Date.parse(p.due_at) < now.getTime();
        const when = dueLabel({ dueAt: p.due_at, allDay: p.all_day, dueDate: p.due_date }, zone);
        items.push({
          key: `promise:${p.id}`,
          kind: overdue ? 'promise_overdue' : 'promise_due',
          title: `${p.what} — ${p.customer_name}`,
          why: overdue
            ? `You promised it by ${when}; it is late${p.late_notice_message_id ? ' (the customer has been told)' : ''}`
            : `You promised it by ${when}`,
          customerId: p.customer_id,
          customerName: p.customer_name,
          dueAt: p.due_at,
          urgency: overdue ? 0 : 1,
          value: null,
          ref: { kind: 'promise', id: p.id },
          actions:
            overdue && !p.late_notice_message_id ? ['keep', 'late_notice', 'snooze'] : ['keep', 'snooze'],
        });
      }

      for (const c of await deps.complaints(ws, user.id)) {
        const t = c.sla.firstResponse.state === 'met' ? c.sla.resolution : c.sla.firstResponse;
        const what = c.sla.firstResponse.state === 'met' ? 'resolve' : 'answer';
        if (c.slaState === 'breached' || c.slaState === 'due_soon')
          items.push({
            key: `complaint:${c.id}`,
            kind: 'complaint_breach',
            title: `Complaint from ${c.customerName}: ${short(c.words)}`,
            why:
              c.slaState === 'breached'
                ? `Past the time to ${what} it`
                : `The time to ${what} it is nearly up`,
            customerId: c.customerId,
            customerName: c.customerName,
            dueAt: t.dueAt,
            urgency: c.slaState === 'breached' ? 0 : 1,
            value: c.valueAtStake,
            ref: { kind: 'complaint', id: c.id },
            actions: ['open', 'snooze'],
          });
        else if (c.followUp.due)
          items.push({
            key: `complaint-follow-up:${c.id}`,
            kind: 'complaint_follow_up',
            title: `Check ${c.customerName} is happy now`,
            why: 'Their complaint was resolved; the follow-up call is due',
            customerId: c.customerId,
            customerName: c.customerName,
            dueAt: c.followUp.dueAt,
            urgency: 1,
            value: c.valueAtStake,
            ref: { kind: 'complaint', id: c.id },
            actions: ['open', 'snooze'],
          });
      }

      for (const e of await deps.enquiries(ws, user.id)) {
        const s = e.firstResponse.state;
        items.push({
          key: `enquiry:${e.id}`,
          kind: 'enquiry_waiting',
          title: `Answer ${e.customerName}'s ${e.kind}: ${short(e.body)}`,
          why:
            s === 'breached' ? 'Waiting for a first answer, past the target' : 'Waiting for a first answer',
          customerId: e.customerId,
          customerName: e.customerName,
          dueAt: e.firstResponse.dueAt,
          urgency: s === 'breached' ? 0 : s === 'due_soon' ? 1 : 2,
          value: e.value,
          ref: { kind: 'enquiry', id: e.id },
          actions: ['answer', 'open', 'snooze'],
        });
      }

      const { birthdays, anniversaries } = await celebrations(ws, today);
      for (const [list, kind] of [
        [birthdays, 'birthday'],
        [anniversaries, 'anniversary'],
      ] as const)
        for (const c of list)
          items.push({
            key: `${kind}:${c.id}:${today.year}`,
            kind,
            title: kind === 'birthday' ? `${c.name}'s birthday` : `${c.name}'s anniversary`,
            why: kind === 'birthday' ? 'It is their birthday today' : 'It is their anniversary today',
            customerId: c.id,
            customerName: c.name,
            dueAt: null,
            urgency: 2,
            value: null,
            ref: { kind: 'customer', id: c.id },
            actions: ['contacted', 'snooze'],
          });

      // drifting valuable customers and missed calls: the owner's list (customers have no account owner of their own)
      if (user.id === (await resolveOwner(db, ws, undefined, { ...ownerProbe, workspaceId: ws })).id) {
        for (const m of (await deps.missedCalls?.(ws)) ?? [])
          if (m.customerId)
            items.push({
              key: `missed-call:${m.id}`,
              kind: 'missed_call',
              title: `Call ${m.customerName ?? m.from} back`,
              why: `They rang on ${dueLabel({ dueAt: m.startedAt, allDay: false, dueDate: null }, zone)} and nobody answered`,
              customerId: m.customerId,
              customerName: m.customerName ?? m.from,
              dueAt: m.startedAt,
              urgency: 1,
              value: null,
              ref: { kind: 'call', id: m.id },
              actions: ['call_back', 'dismiss', 'snooze'],
            });
        const nc = await deps.notContacted(ws);
        for (const c of nc.items.slice(0, 10))
          items.push({
            key: `drifting:${c.customerId}`,
            kind: 'drifting',
            title: `Get in touch with ${c.name}`,
            why: c.why,
            customerId: c.customerId,
            customerName: c.name,
            dueAt: null,
            urgency: 3,
            value: c.clv12m,
            ref: { kind: 'customer', id: c.customerId },
            actions: ['contacted', 'snooze'],
          });
      }

      // a customer's value where the item has none: the predicted value at stake
      const missing = [...new Set(items.filter((i) => i.value === null).map((i) => i.customerId))];
      if (missing.length) {
        const v = new Map((await deps.stakes(ws, missing)).map((s) => [s.customer_id, s.value_at_stake]));
        for (const i of items) if (i.value === null) i.value = v.get(i.customerId) ?? null;
      }

      const snoozes = await db
        .selectFrom('agenda_snoozes')
        .select('item_key')
        .where('workspace_id', '=', ws)
        .where('user_id', '=', user.id)
        .where('until', '>', now.toISOString())
        .execute();
      const hidden = new Set(snoozes.map((s) => s.item_key));
      const shown = items.filter((i) => !hidden.has(i.key));
      shown.sort(
        (a, b) =>
          a.urgency - b.urgency ||
          (b.value ?? 0) - (a.value ?? 0) ||
          (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9') ||
          a.key.localeCompare(b.key),
      );
      return {
        userId: user.id,
        date: today.toISODate() as string,
        timezone: zone,
        currency: w.currency,
        items: shown,
        snoozed: items.length - shown.length,
      };
    },

    /** Hide an item until a time (a date: its start in the workspace zone). Setting it again moves the time. */
    async snooze(ws: string, input: unknown, actor: Actor) {
      const v = snoozeSchema.parse(input);
      const user = await whose(ws, v.userId, actor);
      const zone = (await workspaces.getWorkspaceCached(ws)).timezone;
      const until = /^\d{4}-\d{2}-\d{2}$/.test(v.until)
        ? (DateTime.fromISO(v.until, { zone }).toUTC().toISO() as string)
        : new Date(v.until).toISOString();
      if (Date.parse(until) <= clock().getTime())
        throw badInput('SNOOZE_IN_PAST', 'Snooze until a time still to come', '/body/until');
      const at = clock().toISOString();
      await db
        .insertInto('agenda_snoozes')
        .values({
          workspace_id: ws,
          user_id: user.id,
          item_key: v.key,
          until,
          reason: v.reason,
          created_at: at,
        })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'user_id', 'item_key'])
            .doUpdateSet({ until, reason: v.reason, created_at: at }),
        )
        .execute();
      return { key: v.key, until, reason: v.reason };
    },
  };
}
export type AgendaService = ReturnType<typeof createAgendaService>;

/** A caller who is nobody in particular: resolveOwner then answers the workspace owner. */
const ownerProbe: Actor = { workspaceId: '', kind: 'cli', id: 'agenda', scopes: new Set() };
