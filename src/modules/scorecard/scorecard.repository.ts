import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { ComplaintRow, ContactRow, NpsRow, PromiseRow, ResponseRow, StateMetric } from './figures.ts';

/** Touches a person makes by hand (the timeline's kinds), counted as proactive when outbound. */
const CONTACT_KINDS = ['call', 'visit', 'message', 'email', 'sms', 'whatsapp', 'note', 'meeting'];
/** Orders that count as purchases, as analytics counts them. */
const NOT_PURCHASES = ['cancelled', 'returned'];
/** An active customer: bought (an order not cancelled or returned) in the 365 days before the end. */
export const ACTIVE_DAYS = 365;

const phone = sql<SqlBool>`exists (select 1 from customer_phones p where p.workspace_id = c.workspace_id and p.customer_id = c.id)`;
const email = sql<SqlBool>`exists (select 1 from customer_emails e where e.workspace_id = c.workspace_id and e.customer_id = c.id)`;
const needs = sql<SqlBool>`(c.needs is not null and trim(c.needs) <> '')`;
const birthday = sql<SqlBool>`(c.birthday is not null)`;
const consent = sql<SqlBool>`(c.consent_at is not null or exists (select 1 from consents k where k.workspace_id = c.workspace_id and k.customer_id = c.id))`;
const HAS: Record<StateMetric, typeof phone> = {
  needsKnown: needs,
  withPhone: phone,
  withEmail: email,
  withBirthday: birthday,
  withConsent: consent,
};
const n = (v: unknown) => Number(v ?? 0);

/** All SQL of the scorecard: reads over the other modules' tables, and its own targets. */
export function createScorecardRepository(db: Kysely<Database>) {
  /** Customers of the workspace who bought in [since, end). */
  const active = (ws: string, since: string, end: string) =>
    db
      .selectFrom('customers as c')
      .where('c.workspace_id', '=', ws)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('orders as o')
            .select(sql`1`.as('one'))
            .whereRef('o.workspace_id', '=', 'c.workspace_id')
            .whereRef('o.customer_id', '=', 'c.id')
            .where('o.status', 'not in', NOT_PURCHASES)
            .where('o.placed_at', '>=', since)
            .where('o.placed_at', '<', end),
        ),
      );

  const sinceOf = (end: string) => new Date(Date.parse(end) - ACTIVE_DAYS * 86_400_000).toISOString();

  return {
    /** Promises due in [start, end) (the promises module's table), by owner. */
    async promises(ws: string, start: string, end: string, userId?: string): Promise<PromiseRow[]> {
      let q = db
        .selectFrom('promises')
        .select(['customer_id', 'owner_id', 'what', 'due_at', 'status', 'kept_at'])
        .where('workspace_id', '=', ws)
        .where('due_at', '>=', start)
        .where('due_at', '<', end);
      if (userId) q = q.where('owner_id', '=', userId);
      return (await q.execute()).map((r) => ({
        customerId: r.customer_id,
        ownerId: r.owner_id,
        what: r.what,
        dueAt: r.due_at,
        status: r.status,
        keptAt: r.kept_at,
      }));
    },
    /** Complaints and enquiries received in [start, end), with their first response. */
    async responses(ws: string, start: string, end: string, userId?: string): Promise<ResponseRow[]> {
      const out: ResponseRow[] = [];
      for (const table of ['complaints', 'enquiries'] as const) {
        let q = db
          .selectFrom(table)
          .select(['customer_id', 'owner_id', 'received_at', 'first_responded_at'])
          .where('workspace_id', '=', ws)
          .where('received_at', '>=', start)
          .where('received_at', '<', end);
        if (userId) q = q.where('owner_id', '=', userId);
        for (const r of await q.execute())
          out.push({
            kind: table === 'complaints' ? 'complaint' : 'enquiry',
            customerId: r.customer_id,
            ownerId: r.owner_id,
            receivedAt: r.received_at,
            respondedAt: r.first_responded_at,
          });
      }
      return out;
    },
    /** Complaints received or closed in [start, end). */
    async complaints(ws: string, start: string, end: string, userId?: string): Promise<ComplaintRow[]> {
      let q = db
        .selectFrom('complaints')
        .select(['customer_id', 'owner_id', 'received_at', 'resolved_at', 'closed_at', 'close_how'])
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([
            eb.and([eb('received_at', '>=', start), eb('received_at', '<', end)]),
            eb.and([eb('closed_at', '>=', start), eb('closed_at', '<', end)]),
          ]),
        );
      if (userId) q = q.where('owner_id', '=', userId);
      return (await q.execute()).map((r) => ({
        customerId: r.customer_id,
        ownerId: r.owner_id,
        receivedAt: r.received_at,
        resolvedAt: r.resolved_at,
        closedAt: r.closed_at,
        closeHow: r.close_how,
      }));
    },
    /**
     * Proactive contacts in [start, end): outbound touches a staff member made (calls, visits, notes, messages
     * they sent through outreach…), never a campaign's messages and never a reply inside a complaint or an enquiry.
     */
    async contacts(ws: string, start: string, end: string, userId?: string): Promise<ContactRow[]> {
      let q = db
        .selectFrom('interactions')
        .select(['customer_id', 'author_id', 'occurred_at'])
        .where('workspace_id', '=', ws)
        .where('direction', '=', 'outbound')
        .where('kind', 'in', CONTACT_KINDS)
        .where('customer_id', 'is not', null)
        .where('author_id', 'is not', null)
        .where('occurred_at', '>=', start)
        .where('occurred_at', '<', end)
        .where((eb) => eb.or([eb('meta', 'is', null), eb('meta', 'not like', '%"campaignId":"%')]));
      if (userId) q = q.where('author_id', '=', userId);
      return (await q.execute()).map((r) => ({
        customerId: r.customer_id as string,
        authorId: r.author_id as string,
        at: r.occurred_at,
      }));
    },
    /** NPS answers given in [start, end), by the staff member who served them. */
    async nps(ws: string, start: string, end: string, userId?: string): Promise<NpsRow[]> {
      let q = db
        .selectFrom('survey_answers')
        .select(['customer_id', 'staff_id', 'created_at', 'score'])
        .where('workspace_id', '=', ws)
        .where('kind', '=', 'nps')
        .where('score', 'is not', null)
        .where('created_at', '>=', start)
        .where('created_at', '<', end);
      if (userId) q = q.where('staff_id', '=', userId);
      return (await q.execute()).map((r) => ({
        customerId: r.customer_id,
        staffId: r.staff_id,
        at: r.created_at,
        score: Number(r.score),
      }));
    },
    /**
     * What the active-customer counts of every period are computed from, in two reads: the purchases in
     * [since, end), and each customer who bought in that window with what is recorded on them.
     */
    async activeBase(ws: string, since: string, end: string) {
      const flag = (e: typeof phone) => sql<number>`case when ${e} then 1 else 0 end`;
      const [purchases, flags] = await Promise.all([
        db
          .selectFrom('orders')
          .select(['customer_id', 'placed_at'])
          .where('workspace_id', '=', ws)
          .where('customer_id', 'is not', null)
          .where('status', 'not in', NOT_PURCHASES)
          .where('placed_at', '>=', since)
          .where('placed_at', '<', end)
          .execute(),
        active(ws, since, end)
          .select([
            'c.id',
            flag(needs).as('needs'),
            flag(phone).as('phone'),
            flag(email).as('email'),
            flag(birthday).as('birthday'),
            flag(consent).as('consent'),
          ])
          .execute(),
      ]);
      return {
        purchases: purchases.map((p) => ({ customerId: p.customer_id as string, at: p.placed_at })),
        customers: flags.map((c) => ({
          id: c.id,
          needs: n(c.needs) === 1,
          phone: n(c.phone) === 1,
          email: n(c.email) === 1,
          birthday: n(c.birthday) === 1,
          consent: n(c.consent) === 1,
        })),
      };
    },
    /** Active customers at `end` lacking the thing, in name order (a page). */
    async activeWithout(ws: string, metric: StateMetric, end: string, offset: number, limit: number) {
      return active(ws, sinceOf(end), end)
        .where(sql<SqlBool>`not ${HAS[metric]}`)
        .select(['c.id', 'c.name'])
        .orderBy('c.sort_name')
        .orderBy('c.id')
        .offset(offset)
        .limit(limit)
        .execute();
    },
    /** Active customers at `end` nobody contacted (proactively) in [start, end), in name order (a page). */
    async activeNotContacted(ws: string, start: string, end: string, offset: number, limit: number) {
      return active(ws, sinceOf(end), end)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('interactions as i')
                .select(sql`1`.as('one'))
                .whereRef('i.workspace_id', '=', 'c.workspace_id')
                .whereRef('i.customer_id', '=', 'c.id')
                .where('i.direction', '=', 'outbound')
                .where('i.kind', 'in', CONTACT_KINDS)
                .where('i.author_id', 'is not', null)
                .where('i.occurred_at', '>=', start)
                .where('i.occurred_at', '<', end)
                .where((eb) =>
                  eb.or([eb('i.meta', 'is', null), eb('i.meta', 'not like', '%"campaignId":"%')]),
                ),
            ),
          ),
        )
        .select(['c.id', 'c.name'])
        .orderBy('c.sort_name')
        .orderBy('c.id')
        .offset(offset)
        .limit(limit)
        .execute();
    },
    async names(ws: string, ids: string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const rows = await db
        .selectFrom('customers')
        .select(['id', 'name'])
        .where('workspace_id', '=', ws)
        .where('id', 'in', ids)
        .execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },
    users: (ws: string) =>
      db
        .selectFrom('users')
        .select(['id', 'name', 'email', 'disabled_at'])
        .where('workspace_id', '=', ws)
        .orderBy('name')
        .execute(),
    timezone: async (ws: string) =>
      (await db.selectFrom('workspaces').select('timezone').where('id', '=', ws).executeTakeFirstOrThrow())
        .timezone,
    targets: (ws: string, trx: Kysely<Database> = db) =>
      trx
        .selectFrom('scorecard_targets')
        .select(['metric', 'target'])
        .where('workspace_id', '=', ws)
        .execute(),
    async setTarget(trx: Kysely<Database>, ws: string, metric: string, target: number | null, by: string) {
      if (target === null) {
        await trx
          .deleteFrom('scorecard_targets')
          .where('workspace_id', '=', ws)
          .where('metric', '=', metric)
          .execute();
        return;
      }
      const row = { target, updated_by: by, updated_at: new Date().toISOString() };
      await trx
        .insertInto('scorecard_targets')
        .values({ workspace_id: ws, metric, ...row })
        .onConflict((oc) => oc.columns(['workspace_id', 'metric']).doUpdateSet(row))
        .execute();
    },
  };
}
export type ScorecardRepository = ReturnType<typeof createScorecardRepository>;
