import { sql, type Expression, type Kysely, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { CardPart } from '../timeline/index.ts';
import type { ComplaintEventTable, ComplaintTable, Database } from '../../platform/db/schema.ts';
import type { Step } from './ladder.ts';

export type ComplaintRow = Selectable<ComplaintTable> & { customer_name: string; owner_name: string };

/**
 * Keyset orders of the queue: each ends with id so pages never overlap. `urgency` is computed, not stored:
 * 0 breached (due by the listing's instant), 1 critical, 2 the rest ("Most urgent" puts both first).
 */
export const QUEUE_ORDERS = {
  due: [
    ['urgency', 'asc'],
    ['next_due_at', 'asc'],
    ['id', 'asc'],
  ],
  valueAtStake: [
    ['value_at_stake', 'desc'],
    ['id', 'desc'],
  ],
  severity: [
    ['severity_rank', 'asc'],
    ['next_due_at', 'asc'],
    ['id', 'asc'],
  ],
  received: [
    ['received_at', 'desc'],
    ['id', 'desc'],
  ],
} as const;
export type QueueOrder = keyof typeof QUEUE_ORDERS;
type Key = (typeof QUEUE_ORDERS)[QueueOrder][number][0];

/** A complaint's urgency at `at` (the same rule as the SQL of the "due" order). */
export const urgencyAt = (r: { next_due_at: string; severity_rank: number }, at: string): number =>
  r.next_due_at <= at ? 0 : r.severity_rank === 1 ? 1 : 2;

export type QueueFilter = {
  status?: 'active' | 'open' | 'in_progress' | 'resolved' | 'closed' | 'all' | undefined;
  ownerId?: string | undefined;
  customerId?: string | undefined;
  severity?: string | undefined;
  sla?: 'breached' | 'due_soon' | undefined;
  followUpDue?: boolean | undefined;
};

export function createComplaintsRepository(db: Kysely<Database>) {
  const base = (t: Kysely<Database>, ws: string) =>
    t
      .selectFrom('complaints as k')
      .innerJoin('customers as c', (j) =>
        j.onRef('c.workspace_id', '=', 'k.workspace_id').onRef('c.id', '=', 'k.customer_id'),
      )
      .innerJoin('users as u', (j) =>
        j.onRef('u.workspace_id', '=', 'k.workspace_id').onRef('u.id', '=', 'k.owner_id'),
      )
      .selectAll('k')
      .select(['c.name as customer_name', 'u.name as owner_name'])
      .where('k.workspace_id', '=', ws);

  return {
    async get(ws: string, id: string, trx: Kysely<Database> = db): Promise<ComplaintRow | undefined> {
      return base(trx, ws).where('k.id', '=', id).executeTakeFirst();
    },
    /** The complaint, its row locked until the transaction ends (PostgreSQL; SQLite's write transaction is alone). */
    async lock(trx: Kysely<Database>, ws: string, id: string): Promise<ComplaintRow | undefined> {
      // the row alone first: PostgreSQL re-checks a locked row that changed meanwhile, but not the rows it was
      // joined with, so a joined lock can lose a complaint whose owner just changed; then read it afresh
      const locked = await trx
        .selectFrom('complaints')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return locked && base(trx, ws).where('k.id', '=', id).executeTakeFirst();
    },
    async insert(trx: Kysely<Database>, row: Selectable<ComplaintTable>) {
      await trx.insertInto('complaints').values(row).execute();
    },
    async update(trx: Kysely<Database>, ws: string, id: string, patch: Updateable<ComplaintTable>) {
      await trx
        .updateTable('complaints')
        .set(patch)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },
    async addStep(trx: Kysely<Database>, row: Selectable<ComplaintEventTable>) {
      await trx.insertInto('complaint_events').values(row).execute();
    },
    async steps(ws: string, complaintId: string, trx: Kysely<Database> = db): Promise<Step[]> {
      const rows = await trx
        .selectFrom('complaint_events')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('complaint_id', '=', complaintId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        actorId: r.actor_id,
        at: r.at,
        data: JSON.parse(r.data) as Record<string, unknown>,
      }));
    },

    /**
     * A page of the queue, `limit` rows after the cursor's key values. `urgencyAt` is the instant the
     * "due" order tells breached from not (the first page's, carried by its cursor, so pages agree).
     */
    async page(
      ws: string,
      f: QueueFilter,
      now: string,
      order: QueueOrder,
      after: (string | number)[] | undefined,
      limit: number,
      urgencyAt: string = now,
    ): Promise<ComplaintRow[]> {
      let q = base(db, ws);
      if (f.status === 'active') q = q.where('k.active', '=', 1);
      else if (f.status && f.status !== 'all') q = q.where('k.status', '=', f.status);
      if (f.ownerId) q = q.where('k.owner_id', '=', f.ownerId);
      if (f.customerId) q = q.where('k.customer_id', '=', f.customerId);
      if (f.severity) q = q.where('k.severity', '=', f.severity as ComplaintTable['severity']);
      if (f.followUpDue)
        q = q.where('k.follow_up_due_at', '<=', now).where('k.follow_up_done_at', 'is', null);
      if (f.sla === 'breached')
        q = q.where((eb) =>
          eb.or([
            eb.and([eb('k.first_responded_at', 'is', null), eb('k.first_response_due_at', '<=', now)]),
            eb('k.first_responded_at', '>', eb.ref('k.first_response_due_at')),
            eb.and([eb('k.resolved_at', 'is', null), eb('k.resolution_due_at', '<=', now)]),
            eb('k.resolved_at', '>', eb.ref('k.resolution_due_at')),
          ]),
        );
      if (f.sla === 'due_soon')
        q = q
          .where('k.active', '=', 1)
          .where((eb) =>
            eb.or([
              eb.and([
                eb('k.first_responded_at', 'is', null),
                eb('k.first_response_warn_at', '<=', now),
                eb('k.first_response_due_at', '>', now),
              ]),
              eb.and([
                eb('k.resolved_at', 'is', null),
                eb('k.resolution_warn_at', '<=', now),
                eb('k.resolution_due_at', '>', now),
                eb.or([eb('k.first_responded_at', 'is not', null), eb('k.first_response_due_at', '>', now)]),
              ]),
            ]),
          );
      const keys = QUEUE_ORDERS[order];
      const urgency = sql<number>`case when k.next_due_at <= ${urgencyAt} then 0 when k.severity_rank = 1 then 1 else 2 end`;
      const key = (c: Key): Expression<string | number> => (c === 'urgency' ? urgency : sql.ref(`k.${c}`));
      if (after) {
        q = q.where((eb) => {
          const ors: Expression<SqlBool>[] = keys.map(([col, dir], i) =>
            eb.and([
              ...keys.slice(0, i).map(([c], j) => eb(key(c), '=', after[j] as string)),
              eb(key(col), dir === 'asc' ? '>' : '<', after[i] as string),
            ]),
          );
          return eb.or(ors);
        });
      }
      for (const [col, dir] of keys) q = q.orderBy(key(col), dir);
      return q.limit(limit).execute();
    },

    /**
     * Counts for the dashboard tile, each an index-only range count over the partial indexes of pending
     * deadlines. A complaint still awaiting its first response is counted by that deadline (its resolution is
     * never due earlier); one already answered, by its resolution deadline.
     */
    async counts(ws: string, now: string, endOfDay: string) {
      const n = async (q: Promise<{ n: number | string }>) => Number((await q).n);
      const awaitingResponse = () =>
        db
          .selectFrom('complaints')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('workspace_id', '=', ws)
          .where('first_responded_at', 'is', null);
      const awaitingResolution = () =>
        db
          .selectFrom('complaints')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('workspace_id', '=', ws)
          .where('resolved_at', 'is', null)
          .where('first_responded_at', 'is not', null);
      const [active, b1, b2, s1, s2, t1, t2, followUpsDue] = await Promise.all([
        n(
          db
            .selectFrom('complaints')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .where('workspace_id', '=', ws)
            .where('active', '=', 1)
            .executeTakeFirstOrThrow(),
        ),
        n(awaitingResponse().where('first_response_due_at', '<=', now).executeTakeFirstOrThrow()),
        n(awaitingResolution().where('resolution_due_at', '<=', now).executeTakeFirstOrThrow()),
        n(
          awaitingResponse()
            .where('first_response_due_at', '>', now)
            .where('first_response_warn_at', '<=', now)
            .executeTakeFirstOrThrow(),
        ),
        n(
          awaitingResolution()
            .where('resolution_due_at', '>', now)
            .where('resolution_warn_at', '<=', now)
            .executeTakeFirstOrThrow(),
        ),
        n(
          awaitingResponse()
            .where('first_response_due_at', '>', now)
            .where('first_response_due_at', '<=', endOfDay)
            .executeTakeFirstOrThrow(),
        ),
        n(
          awaitingResolution()
            .where('resolution_due_at', '>', now)
            .where('resolution_due_at', '<=', endOfDay)
            .executeTakeFirstOrThrow(),
        ),
        n(
          db
            .selectFrom('complaints')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .where('workspace_id', '=', ws)
            .where('follow_up_done_at', 'is', null)
            .where('follow_up_due_at', '<=', now)
            .executeTakeFirstOrThrow(),
        ),
      ]);
      return { active, breached: b1 + b2, dueSoon: s1 + s2, dueToday: t1 + t2, followUpsDue };
    },

    async receivedSince(ws: string, since: string): Promise<string[]> {
      const rows = await db
        .selectFrom('complaints')
        .select('received_at')
        .where('workspace_id', '=', ws)
        .where('received_at', '>=', since)
        .execute();
      return rows.map((r) => r.received_at);
    },

    /** The complaints received in [from, to), with what learning needs. */
    async received(ws: string, from: string, to: string) {
      return db
        .selectFrom('complaints as k')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'k.workspace_id').onRef('c.id', '=', 'k.customer_id'),
        )
        .select([
          'k.customer_id',
          'c.name as customer_name',
          'k.product',
          'k.category',
          'k.root_cause',
          'k.received_at',
          'k.first_response_due_at',
          'k.first_responded_at',
          'k.resolution_due_at',
          'k.resolved_at',
          'k.resolution',
          'k.refunded',
          'k.reopen_count',
        ])
        .where('k.workspace_id', '=', ws)
        .where('k.received_at', '>=', from)
        .where('k.received_at', '<', to)
        .execute();
    },

    async reassignCustomer(trx: Kysely<Database>, ws: string, from: string, into: string) {
      await trx
        .updateTable('complaints')
        .set({ customer_id: into })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', from)
        .execute();
    },

    async getSettings(ws: string, trx: Kysely<Database> = db): Promise<string | undefined> {
      const r = await trx
        .selectFrom('complaint_settings')
        .select('settings')
        .where('workspace_id', '=', ws)
        .executeTakeFirst();
      return r?.settings;
    },
    /** One statement, so two saves at once never both insert. */
    async saveSettings(trx: Kysely<Database>, ws: string, settings: string, at: string) {
      await trx
        .insertInto('complaint_settings')
        .values({ workspace_id: ws, settings, updated_at: at })
        .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings, updated_at: at }))
        .execute();
    },
  };
}
export type ComplaintsRepository = ReturnType<typeof createComplaintsRepository>;

/** For the caller card: the customer's complaints not yet closed. */
export const openComplaintsOnCard: CardPart<number> = {
  columns: (eb) => ({
    n: eb
      .selectFrom('complaints as k')
      .select((x) => x.fn.countAll<number | string>().as('n'))
      .whereRef('k.workspace_id', '=', 'c.workspace_id')
      .whereRef('k.customer_id', '=', 'c.id')
      .where('k.active', '=', 1),
  }),
  read: (cols) => Number(cols.n),
};
