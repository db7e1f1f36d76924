import type { Kysely, Selectable } from 'kysely';
import type { Database, SuggestionRunTable } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';

/** Orders that are not purchases, as analytics counts them. */
const NOT_PURCHASES = ['cancelled', 'returned'];
/** A product's key: its name trimmed, spaces collapsed, lower case (as the products module keys names). */
export const itemKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();
const num = (v: unknown) => Number(v ?? 0);

/** All SQL of grow: reads over orders, products, complaints and predictions; its own run tables and settings. */
export function createGrowRepository(db: Kysely<Database>) {
  return {
    /**
     * Every purchased line (order not cancelled or returned, quantity above 0): who, when, what — a page at a
     * time in the lines' key order, so a big workspace never sits in memory as row objects.
     */
    async eachPurchasedLine(
      ws: string,
      each: (customerId: string, placedAt: string, name: string) => void,
      pageSize = 20_000,
    ) {
      let count = 0;
      for (let after = ''; ;) {
        const page = await db
          .selectFrom('order_lines as l')
          .innerJoin('orders as o', (j) =>
            j.onRef('o.workspace_id', '=', 'l.workspace_id').onRef('o.id', '=', 'l.order_id'),
          )
          .select(['l.id', 'o.customer_id', 'o.placed_at', 'l.name', 'o.status', 'l.quantity'])
          .where('l.workspace_id', '=', ws)
          .where('l.id', '>', after)
          .orderBy('l.id')
          .limit(pageSize)
          .execute();
        for (const r of page)
          if (r.customer_id !== null && !NOT_PURCHASES.includes(r.status) && Number(r.quantity) > 0) {
            each(r.customer_id, r.placed_at, r.name);
            count++;
          }
        if (page.length < pageSize) return count;
        after = page[page.length - 1]?.id as string;
      }
    },

    /** One customer's purchased lines: their orders by the customer index, then those orders' lines. */
    async customerLines(ws: string, customerId: string) {
      const orders = await db
        .selectFrom('orders')
        .select(['id', 'placed_at'])
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .where('status', 'not in', NOT_PURCHASES)
        .execute();
      const at = new Map(orders.map((o) => [o.id, o.placed_at]));
      const out: { customer_id: string; placed_at: string; name: string }[] = [];
      for (let i = 0; i < orders.length; i += 500)
        for (const l of await db
          .selectFrom('order_lines')
          .select(['order_id', 'name'])
          .where('workspace_id', '=', ws)
          .where(
            'order_id',
            'in',
            orders.slice(i, i + 500).map((o) => o.id),
          )
          .where('quantity', '>', 0)
          .execute())
          out.push({ customer_id: customerId, placed_at: at.get(l.order_id) as string, name: l.name });
      return out;
    },

    /** Store a run and its item rows, then drop the workspace's older runs. */
    async storeRun(
      run: Selectable<SuggestionRunTable>,
      rows: { item_key: string; name: string; neighbours: string }[],
    ) {
      // one transaction: readers see the whole new table or the old one, never a half-written run
      await writeTransaction(db, async (trx) => {
        await trx.insertInto('suggestion_runs').values(run).execute();
        for (let i = 0; i < rows.length; i += 200)
          await trx
            .insertInto('suggestion_neighbours')
            .values(
              rows.slice(i, i + 200).map((r) => ({ ...r, workspace_id: run.workspace_id, run_id: run.id })),
            )
            .execute();
      });
      // then the workspace's other runs up to this one's time (a later run, if any, stays)
      const older = db
        .selectFrom('suggestion_runs')
        .select('id')
        .where('workspace_id', '=', run.workspace_id)
        .where('created_at', '<=', run.created_at)
        .where('id', '!=', run.id);
      await db
        .deleteFrom('suggestion_neighbours')
        .where('workspace_id', '=', run.workspace_id)
        .where('run_id', 'in', older)
        .execute();
      await db
        .deleteFrom('suggestion_runs')
        .where('workspace_id', '=', run.workspace_id)
        .where('created_at', '<=', run.created_at)
        .where('id', '!=', run.id)
        .execute();
    },

    async latestRun(ws: string) {
      return db
        .selectFrom('suggestion_runs')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    async neighbourRows(ws: string, runId: string, keys: string[]) {
      if (!keys.length) return [];
      return db
        .selectFrom('suggestion_neighbours')
        .select(['item_key', 'name', 'neighbours'])
        .where('workspace_id', '=', ws)
        .where('run_id', '=', runId)
        .where('item_key', 'in', keys.slice(0, 500))
        .execute();
    },

    async customerExists(ws: string, id: string) {
      return !!(await db
        .selectFrom('customers')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst());
    },

    async customerNames(ws: string, ids: string[]) {
      const out = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 500)
        for (const r of await db
          .selectFrom('customers')
          .select(['id', 'name'])
          .where('workspace_id', '=', ws)
          .where('id', 'in', ids.slice(i, i + 500))
          .execute())
          out.set(r.id, r.name);
      return out;
    },

    /** Lines of customers' orders placed since `since` (returns included), with the product's cost and category. */
    async linesSince(ws: string, since: string) {
      const rows = await db
        .selectFrom('order_lines as l')
        .innerJoin('orders as o', (j) =>
          j.onRef('o.workspace_id', '=', 'l.workspace_id').onRef('o.id', '=', 'l.order_id'),
        )
        .select([
          'o.customer_id',
          'o.placed_at',
          'l.name',
          'l.category',
          'l.quantity',
          'l.unit_price',
          'l.discount',
          'l.total',
          'l.unit_cost',
        ])
        .where('l.workspace_id', '=', ws)
        .where('o.customer_id', 'is not', null)
        .where('o.status', '!=', 'cancelled')
        .where('o.placed_at', '>=', since)
        .execute();
      return rows.map((r) => ({
        customer: r.customer_id as string,
        placedAt: r.placed_at,
        key: itemKey(r.name),
        category: r.category,
        quantity: num(r.quantity),
        unitPrice: num(r.unit_price),
        discount: num(r.discount),
        total: num(r.total),
        unitCost: r.unit_cost === null ? null : num(r.unit_cost),
      }));
    },

    async ordersSince(ws: string, since: string) {
      const rows = await db
        .selectFrom('orders')
        .select(['customer_id', 'status', 'discount', 'refunded', 'total'])
        .where('workspace_id', '=', ws)
        .where('customer_id', 'is not', null)
        .where('status', '!=', 'cancelled')
        .where('placed_at', '>=', since)
        .execute();
      return rows.map((r) => ({
        customer: r.customer_id as string,
        discount: r.status === 'returned' ? 0 : num(r.discount),
        refunded: num(r.refunded),
        returned: r.status === 'returned' ? -num(r.total) : 0,
      }));
    },

    /** The workspace's products by key: cost and category. */
    async products(ws: string) {
      const rows = await db
        .selectFrom('products')
        .select(['name_key', 'cost', 'category'])
        .where('workspace_id', '=', ws)
        .execute();
      return new Map(
        rows.map((r) => [r.name_key, { cost: r.cost === null ? null : num(r.cost), category: r.category }]),
      );
    },

    async complaintsSince(ws: string, since: string) {
      const rows = await db
        .selectFrom('complaints')
        .select(['customer_id', db.fn.countAll<number | string>().as('n')])
        .where('workspace_id', '=', ws)
        .where('received_at', '>=', since)
        .groupBy('customer_id')
        .execute();
      return new Map(rows.map((r) => [r.customer_id, num(r.n)]));
    },

    /** Segment and first purchase day of every customer in the newest finished prediction run. */
    async segments(ws: string) {
      const run = await db
        .selectFrom('prediction_runs')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('status', 'in', ['done', 'insufficient_data'])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!run) return null;
      return db
        .selectFrom('customer_predictions')
        .select(['customer_id', 'segment', 'first_purchase_on'])
        .where('workspace_id', '=', ws)
        .where('run_id', '=', run.id)
        .execute();
    },

    async settings(ws: string) {
      return db.selectFrom('grow_settings').selectAll().where('workspace_id', '=', ws).executeTakeFirst();
    },

    async saveSettings(row: {
      workspace_id: string;
      default_margin: number;
      complaint_minutes: number;
      hourly_rate: number;
      updated_by: string;
      updated_at: string;
    }) {
      const { workspace_id: _ws, ...patch } = row;
      await db
        .insertInto('grow_settings')
        .values(row)
        .onConflict((oc) => oc.column('workspace_id').doUpdateSet(patch))
        .execute();
    },

    async timezone(ws: string) {
      const w = await db
        .selectFrom('workspaces')
        .select(['timezone', 'currency'])
        .where('id', '=', ws)
        .executeTakeFirstOrThrow();
      return w;
    },
  };
}
export type GrowRepository = ReturnType<typeof createGrowRepository>;
