import type { Kysely, Updateable } from 'kysely';
import type { Database, PromiseTable } from '../../platform/db/schema.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import type { CustomerService } from '../customers/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { PromisesRepository, PromiseRow } from './promises.repository.ts';
import { lateNoticeSchema, type PromiseOut } from './promises.schema.ts';
import type { PromiseDeps } from './promises.service.ts';
import { presentPromise } from './present.ts';
import { dueLabel, parseDue, remindAt } from './when.ts';

type Change = (
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
    guard: Parameters<PromisesRepository['updateIf']>[4];
    body: string;
    data: object;
  }>,
  onNoChange: (fresh: PromiseRow) => void,
) => Promise<PromiseOut>;

/** Words typed by staff, in a message body that outreach reads as a Liquid template: never a merge field. */
const literal = (text: string) => text.replace(/\{([{%])/g, '{ $1');

/** Telling people: the late notice to the customer, and the owner's reminder before a promise is due. */
export function createNotices(ctx: {
  db: Kysely<Database>;
  repo: PromisesRepository;
  workspaces: WorkspaceService;
  customers: CustomerService;
  bus: EventBus | undefined;
  clock: () => Date;
  zoneOf: (ws: string) => Promise<string>;
  change: Change;
  whenOf: (r: PromiseRow, zone: string) => string;
  closedError: () => Error;
  deps: PromiseDeps;
}) {
  const { db, repo, workspaces, customers, bus, clock, zoneOf, change, whenOf, closedError, deps } = ctx;
  return {
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
        `Hello ${literal(c.name)}, we promised you "${literal(r.what)}" by ${whenOf(r, zone)}. We are running late, and we are sorry.${
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
            `Reminder: ${literal(p.what)}`,
            `You promised: ${literal(p.what)}\nDue: ${when}\n\nOpen Rapport to mark it kept, or tell the customer it will be late.`,
            `promise-reminder:${p.id}:${p.due_at}`,
          )
          .catch(() => {});
      }
      return n;
    },
  };
}
