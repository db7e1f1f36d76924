import { DateTime } from 'luxon';
import { decodeCursor, encodeCursor, type CursorValue } from '../../platform/db/cursor.ts';
import { badInput } from '../../platform/errors.ts';
import type { ComplaintsRepository, QueueOrder } from './complaints.repository.ts';
import { QUEUE_ORDERS, urgencyAt } from './complaints.repository.ts';
import { learnQuery, listComplaintsQuery, type Complaint, type Learning } from './complaints.schema.ts';
import { learnFrom } from './learn.ts';
import { PLAYBOOK } from './playbook.ts';
import { presentComplaint } from './present.ts';
import type { SlaContext } from './steps.ts';
import { surge } from '../../platform/time/sla.ts';

const DAY = 86_400_000;

/** A queue cursor: the order, the instant its urgency was judged at (so pages agree), the last row's keys. */
const queueCursor = (order: QueueOrder, at: string, values: CursorValue[]) =>
  encodeCursor([order, at, ...values]);
const readQueueCursor = (order: QueueOrder, s: string): { at: string; values: CursorValue[] } =>
  decodeCursor(
    s,
    ([o, at, ...values]) =>
      o === order &&
      typeof at === 'string' &&
      !Number.isNaN(Date.parse(at)) &&
      values.length === QUEUE_ORDERS[order].length
        ? { at, values }
        : undefined,
    'cursor is not one this API gave out for this order',
  );

/** The read side: the queue, the dashboard tile, learning, the playbook. */
export function createComplaintQueries(deps: {
  repo: ComplaintsRepository;
  slaContext: (ws: string) => Promise<SlaContext>;
  clock: () => Date;
}) {
  const { repo, slaContext, clock } = deps;

  const surgeAt = async (ws: string, now: Date) =>
    surge(await repo.receivedSince(ws, new Date(now.getTime() - 29 * DAY).toISOString()), now);

  return {
    /** The queue: filtered, ordered by due time, value at stake or severity, a page at a time. */
    async listComplaints(
      ws: string,
      query: unknown,
    ): Promise<{ items: Complaint[]; nextCursor: string | null }> {
      const q = listComplaintsQuery.parse(query);
      const status = q.status ?? (q.followUpDue || q.customerId ? 'all' : 'active');
      const now = clock();
      const ctx = await slaContext(ws);
      const after = q.cursor ? readQueueCursor(q.order, q.cursor) : undefined;
      const at = after?.at ?? now.toISOString();
      const rows = await repo.page(
        ws,
        { ...q, status },
        now.toISOString(),
        q.order,
        after?.values,
        q.limit + 1,
        at,
      );
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => presentComplaint(r, now, ctx.hours)),
        nextCursor:
          rows.length > q.limit && last
            ? queueCursor(
                q.order,
                at,
                QUEUE_ORDERS[q.order].map(([col]) => {
                  if (col === 'urgency') return urgencyAt(last, at);
                  const v = last[col];
                  return col === 'value_at_stake' ? Number(v) : (v as string | number);
                }),
              )
            : null,
      };
    },

    /** The dashboard tile: active complaints, breaches, warnings, deadlines left today, follow-ups due, surge. */
    async complaintSummary(ws: string) {
      const now = clock();
      const ctx = await slaContext(ws);
      const endOfDay = DateTime.fromJSDate(now, { zone: ctx.timezone })
        .endOf('day')
        .toUTC()
        .toISO() as string;
      const [counts, s] = await Promise.all([repo.counts(ws, now.toISOString(), endOfDay), surgeAt(ws, now)]);
      return { ...counts, surge: s };
    },

    /** Learn from a period's complaints (default: the last 90 days). */
    async learnFromComplaints(ws: string, query: unknown): Promise<Learning> {
      const q = learnQuery.parse(query);
      const now = clock();
      const to = q.to ? new Date(q.to).toISOString() : now.toISOString();
      const from = q.from
        ? new Date(q.from).toISOString()
        : new Date(Date.parse(to) - 90 * DAY).toISOString();
      if (from >= to) throw badInput('BAD_RANGE', '"from" must be before "to"', '/querystring/from');
      const ctx = await slaContext(ws);
      const [rows, s] = await Promise.all([repo.received(ws, from, to), surgeAt(ws, now)]);
      return learnFrom(rows, ctx.hours, now, { from, to }, s);
    },

    getPlaybook: () => PLAYBOOK,
  };
}
