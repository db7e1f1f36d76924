import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { notFound } from '../../platform/errors.ts';
import type { CustomerService } from '../customers/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import {
  addFromPredictedSchema,
  listValuedQuery,
  putValuedSchema,
  type ValuedCustomer,
} from './valued.schema.ts';

/** Touches that count as a contact: what staff log by hand and messages (not orders or tier moves). */
const CONTACT_KINDS = ['call', 'visit', 'message', 'email', 'sms', 'whatsapp', 'meeting', 'note'];
const OCCASION_DAYS = 30;

export type ValuedDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  customers: CustomerService;
  /** Throws 404 when the user is not staff of the workspace. */
  userExists: (ws: string, id: string) => Promise<unknown>;
  topByValue: (ws: string, n: number) => Promise<{ customerId: string; clv12m: number }[]>;
  predictedValueOf: (ws: string, ids: string[]) => Promise<Map<string, number>>;
  clock?: () => Date;
};

/** The next time a YYYY-MM-DD or --MM-DD date comes round on or after `today` (29 Feb: 28 Feb in other years). */
export function nextOccurrence(date: string, today: DateTime): DateTime {
  const m = Number(date.slice(-5, -3));
  const d = Number(date.slice(-2));
  for (const y of [today.year, today.year + 1]) {
    const leap = DateTime.local(y, 2, 29).isValid && DateTime.local(y, 2, 29).month === 2;
    const day = m === 2 && d === 29 && !leap ? 28 : d;
    const at = today.set({ year: y, month: m, day }).startOf('day');
    if (at >= today.startOf('day')) return at;
  }
  return today;
}

/** The most valued (issue 18): a managed list with an owner and perks per customer, and who needs a call. */
export function createValuedService(deps: ValuedDeps) {
  const { db, workspaces, customers, clock = () => new Date() } = deps;
  const now = () => clock().toISOString();

  return {
    async list(ws: string, query: unknown): Promise<{ items: ValuedCustomer[] }> {
      const q = listValuedQuery.parse(query);
      const { timezone } = await workspaces.getWorkspaceCached(ws);
      const rows = await db
        .selectFrom('valued_customers as v')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'v.workspace_id').onRef('c.id', '=', 'v.customer_id'),
        )
        .leftJoin('users as u', (j) =>
          j.onRef('u.workspace_id', '=', 'v.workspace_id').onRef('u.id', '=', 'v.owner_id'),
        )
        .select([
          'v.customer_id',
          'c.name',
          'c.birthday',
          'c.anniversary',
          'v.owner_id',
          'u.email as owner_email',
        ])
        .select(['v.perks', 'v.source', 'v.alert_days', 'v.added_at'])
        .select((eb) =>
          eb
            .selectFrom('interactions as i')
            .select((e2) => e2.fn.max('i.occurred_at').as('m'))
            .whereRef('i.workspace_id', '=', 'v.workspace_id')
            .whereRef('i.customer_id', '=', 'v.customer_id')
            .where('i.kind', 'in', CONTACT_KINDS)
            .as('last_contact'),
        )
        .where('v.workspace_id', '=', ws)
        .$if(q.ownerId !== undefined, (x) => x.where('v.owner_id', '=', q.ownerId ?? ''))
        .orderBy('c.sort_name')
        .limit(1000)
        .execute();
      const value = await deps.predictedValueOf(
        ws,
        rows.map((r) => r.customer_id),
      );
      const today = DateTime.fromJSDate(clock(), { zone: timezone });
      const items = rows.map((r) => {
        const last = (r.last_contact as string | null) ?? null;
        const days = last ? Math.floor(today.diff(DateTime.fromISO(last), 'days').days) : null;
        const occasions = (
          [
            ['birthday', r.birthday],
            ['anniversary', r.anniversary],
          ] as const
        ).flatMap(([kind, date]) => {
          if (!date) return [];
          const on = nextOccurrence(date, today);
          const inDays = Math.round(on.diff(today.startOf('day'), 'days').days);
          return inDays <= OCCASION_DAYS ? [{ kind, on: on.toISODate() as string, inDays }] : [];
        });
        return {
          customerId: r.customer_id,
          name: r.name,
          ownerId: r.owner_id,
          ownerEmail: r.owner_email ?? null,
          perks: r.perks,
          source: r.source,
          alertDays: r.alert_days,
          predictedValue: value.get(r.customer_id) ?? null,
          lastContactAt: last,
          daysSinceContact: days,
          alert: days === null || days >= r.alert_days,
          occasions,
          addedAt: r.added_at,
        };
      });
      return { items: q.alerting === 'true' ? items.filter((i) => i.alert) : items };
    },

    /** Put a customer on the list, or change their owner, perks or alert (idempotent). */
    async put(ws: string, customerId: string, input: unknown) {
      const v = putValuedSchema.parse(input);
      await customers.existsOrThrow(ws, customerId);
      if (v.ownerId) await deps.userExists(ws, v.ownerId);
      const at = now();
      await writeTransaction(db, (trx) =>
        trx
          .insertInto('valued_customers')
          .values({
            workspace_id: ws,
            customer_id: customerId,
            owner_id: v.ownerId ?? null,
            perks: v.perks ?? null,
            source: 'chosen',
            alert_days: v.alertDays ?? 30,
            added_at: at,
            updated_at: at,
          })
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'customer_id']).doUpdateSet({
              ...(v.ownerId !== undefined && { owner_id: v.ownerId }),
              ...(v.perks !== undefined && { perks: v.perks }),
              ...(v.alertDays !== undefined && { alert_days: v.alertDays }),
              updated_at: at,
            }),
          )
          .execute(),
      );
      const item = (await this.list(ws, {})).items.find((i) => i.customerId === customerId);
      if (!item) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
      return item;
    },

    async remove(ws: string, customerId: string) {
      const r = await writeTransaction(db, (trx) =>
        trx
          .deleteFrom('valued_customers')
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', customerId)
          .executeTakeFirst(),
      );
      if (Number(r.numDeletedRows) !== 1) throw notFound('CUSTOMER_NOT_FOUND', 'Customer on the list');
    },

    /** Add the customers of highest predicted value (the newest prediction run) who are not listed yet. */
    async addFromPredicted(ws: string, input: unknown) {
      const v = addFromPredictedSchema.parse(input);
      if (v.ownerId) await deps.userExists(ws, v.ownerId);
      const top = await deps.topByValue(ws, v.count);
      const at = now();
      let added = 0;
      if (top.length)
        await writeTransaction(db, async (trx) => {
          const r = await trx
            .insertInto('valued_customers')
            .values(
              top.map((t) => ({
                workspace_id: ws,
                customer_id: t.customerId,
                owner_id: v.ownerId ?? null,
                perks: null,
                source: 'predicted' as const,
                alert_days: v.alertDays,
                added_at: at,
                updated_at: at,
              })),
            )
            .onConflict((oc) => oc.columns(['workspace_id', 'customer_id']).doNothing())
            .returning('customer_id')
            .execute();
          added = r.length;
        });
      return { added, considered: top.length };
    },

    moveOnMerge: async (trx: Kysely<Database>, ws: string, from: { id: string }, into: { id: string }) => {
      const listed = await trx
        .selectFrom('valued_customers')
        .select('customer_id')
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', into.id)
        .executeTakeFirst();
      if (!listed)
        await trx
          .updateTable('valued_customers')
          .set({ customer_id: into.id })
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', from.id)
          .execute();
    },
  };
}
export type ValuedService = ReturnType<typeof createValuedService>;
