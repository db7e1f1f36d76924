import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type { DialectName } from '../../platform/db/connect.ts';
import type { CustomerPredictionTable, Database, PredictionRunTable } from '../../platform/db/schema.ts';

/** Columns of customer_predictions in insert order (bulk writes build their SQL from this list). */
export const PREDICTION_COLUMNS = [
  'workspace_id',
  'customer_id',
  'run_id',
  'purchases',
  'total_spent',
  'first_purchase_on',
  'last_purchase_on',
  'p_alive',
  'expected_30',
  'expected_90',
  'expected_365',
  'p_buy_30',
  'p_buy_90',
  'expected_next_purchase_on',
  'expected_spend',
  'clv_12m',
  'value_at_stake',
  'rfm_r',
  'rfm_f',
  'rfm_m',
  'segment',
  'lifecycle_stage',
  'trend',
  'trend_slope',
  'overdue_days',
  'explanation',
] as const satisfies readonly (keyof CustomerPredictionTable)[];
type PgType = 'text' | 'int' | 'bigint' | 'float8';
const PG_TYPES: Record<(typeof PREDICTION_COLUMNS)[number], PgType> = {
  workspace_id: 'text',
  customer_id: 'text',
  run_id: 'text',
  purchases: 'int',
  total_spent: 'bigint',
  first_purchase_on: 'text',
  last_purchase_on: 'text',
  p_alive: 'float8',
  expected_30: 'float8',
  expected_90: 'float8',
  expected_365: 'float8',
  p_buy_30: 'float8',
  p_buy_90: 'float8',
  expected_next_purchase_on: 'text',
  expected_spend: 'bigint',
  clv_12m: 'bigint',
  value_at_stake: 'bigint',
  rfm_r: 'int',
  rfm_f: 'int',
  rfm_m: 'int',
  segment: 'text',
  lifecycle_stage: 'text',
  trend: 'text',
  trend_slope: 'float8',
  overdue_days: 'int',
  explanation: 'text',
};
/** One value per column of PREDICTION_COLUMNS. */
export type PredictionValues = (string | number | null)[];

const COLS = PREDICTION_COLUMNS.join(', ');
const UPDATE_SET = PREDICTION_COLUMNS.slice(2)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');
const SQLITE_BATCH = 500; // 26 parameters a row: 13,000 per statement, under SQLite's 32,766
const PG_BATCH = 5_000; // one array parameter per column (unnest)

/** The raw order fields a refit reads, a page at a time. */
export type OrderPurchaseRow = { id: string; customer_id: string; placed_at: string; net: number | string };

export function createAnalyticsRepository(db: Kysely<Database>, dialect: DialectName) {
  function sqliteUpsert(n: number): string {
    const row = `(${PREDICTION_COLUMNS.map(() => '?').join(', ')})`;
    return `insert into customer_predictions (${COLS}) values ${Array.from({ length: n }, () => row).join(', ')} on conflict (workspace_id, customer_id) do update set ${UPDATE_SET}`;
  }
  const pgUpsert = `insert into customer_predictions (${COLS}) select * from unnest(${PREDICTION_COLUMNS.map(
    (c, i) => `$${i + 1}::${PG_TYPES[c]}[]`,
  ).join(', ')}) on conflict (workspace_id, customer_id) do update set ${UPDATE_SET}`;
  let sqliteFull: string | undefined;

  return {
    /**
     * Orders that count as purchases (not cancelled) in one currency, in id order after `afterId`; and how many
     * orders of other currencies the workspace has (left out of the models).
     */
    async purchasePage(
      ws: string,
      currency: string,
      afterId: string,
      limit: number,
    ): Promise<OrderPurchaseRow[]> {
      return db
        .selectFrom('orders')
        .select((eb) => ['id', 'customer_id', 'placed_at', eb('total', '-', eb.ref('refunded')).as('net')])
        .where('workspace_id', '=', ws)
        .where('id', '>', afterId)
        .where('status', '!=', 'cancelled')
        .where('currency', '=', currency)
        .orderBy('id')
        .limit(limit)
        .execute();
    },
    async otherCurrencyOrders(ws: string, currency: string): Promise<number> {
      const r = await db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('workspace_id', '=', ws)
        .where('currency', '!=', currency)
        .where('status', '!=', 'cancelled')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async insertRun(run: Selectable<PredictionRunTable>) {
      await db.insertInto('prediction_runs').values(run).execute();
    },
    async updateRun(ws: string, id: string, patch: Partial<Selectable<PredictionRunTable>>) {
      await db
        .updateTable('prediction_runs')
        .set(patch)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },
    /** The newest run that finished (done or insufficient data), or the newest of any status. */
    async latestRun(ws: string, finishedOnly: boolean): Promise<Selectable<PredictionRunTable> | undefined> {
      let q = db.selectFrom('prediction_runs').selectAll().where('workspace_id', '=', ws);
      if (finishedOnly) q = q.where('status', 'in', ['done', 'insufficient_data']);
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    },

    /**
     * Upsert predictions (row k from `rowAt(k)`) in batches: multi-row VALUES on SQLite, unnest
     * of column arrays on PostgreSQL; each group of `perTransaction` rows commits on its own, so the API's
     * writers never wait long behind a million-row refit.
     */
    async upsertPredictions(
      count: number,
      rowAt: (k: number) => PredictionValues,
      perTransaction = 10_000,
    ): Promise<void> {
      for (let g = 0; g < count; g += perTransaction) {
        // rows are built a group at a time: a million customers never sit in memory as row arrays
        const group = Array.from({ length: Math.min(perTransaction, count - g) }, (_, i) => rowAt(g + i));
        await db.transaction().execute(async (trx) => {
          if (dialect === 'sqlite') {
            for (let i = 0; i < group.length; i += SQLITE_BATCH) {
              const batch = group.slice(i, i + SQLITE_BATCH);
              const text =
                batch.length === SQLITE_BATCH
                  ? (sqliteFull ??= sqliteUpsert(SQLITE_BATCH))
                  : sqliteUpsert(batch.length);
              await trx.executeQuery(CompiledQuery.raw(text, batch.flat()));
            }
          } else {
            for (let i = 0; i < group.length; i += PG_BATCH) {
              const batch = group.slice(i, i + PG_BATCH);
              const params = PREDICTION_COLUMNS.map((_, c) => batch.map((r) => r[c] ?? null));
              await trx.executeQuery(CompiledQuery.raw(pgUpsert, params));
            }
          }
        });
      }
    },
    /** Drop predictions a run did not write (customers deleted, merged or without purchases now). */
    async deleteOtherRuns(ws: string, runId: string): Promise<number> {
      const r = await db
        .deleteFrom('customer_predictions')
        .where('workspace_id', '=', ws)
        .where('run_id', '!=', runId)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async prediction(ws: string, customerId: string) {
      return db
        .selectFrom('customer_predictions')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', customerId)
        .executeTakeFirst();
    },

    /** Predictions joined with the customer's name, by lifecycle stages or trend, best first. */
    async listPredictions(
      ws: string,
      f: { stages?: string[]; trend?: string; orderBy: 'value_at_stake' | 'trend_slope'; limit: number },
    ) {
      let q = db
        .selectFrom('customer_predictions as p')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'p.workspace_id').onRef('c.id', '=', 'p.customer_id'),
        )
        .selectAll('p')
        .select('c.name')
        .where('p.workspace_id', '=', ws);
      if (f.stages) q = q.where('p.lifecycle_stage', 'in', f.stages);
      if (f.trend) q = q.where('p.trend', '=', f.trend);
      return q.orderBy(`p.${f.orderBy}`, 'desc').orderBy('p.customer_id').limit(f.limit).execute();
    },

    /** Workspaces with orders whose newest run started before `cutoff` (or that never had one). */
    async workspacesDue(cutoff: string): Promise<string[]> {
      const rows = await db
        .selectFrom('workspaces as w')
        .select('w.id')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('orders as o').select(sql.lit(1).as('one')).whereRef('o.workspace_id', '=', 'w.id'),
          ),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('prediction_runs as r')
                .select(sql.lit(1).as('one'))
                .whereRef('r.workspace_id', '=', 'w.id')
                .where('r.created_at', '>=', cutoff),
            ),
          ),
        )
        .execute();
      return rows.map((r) => r.id);
    },

    async discountRate(ws: string): Promise<number | undefined> {
      const r = await db
        .selectFrom('analytics_settings')
        .select('monthly_discount_rate')
        .where('workspace_id', '=', ws)
        .executeTakeFirst();
      return r ? Number(r.monthly_discount_rate) : undefined;
    },
    async setDiscountRate(ws: string, rate: number, at: string) {
      await db
        .insertInto('analytics_settings')
        .values({ workspace_id: ws, monthly_discount_rate: rate, updated_at: at })
        .onConflict((oc) =>
          oc.column('workspace_id').doUpdateSet({ monthly_discount_rate: rate, updated_at: at }),
        )
        .execute();
    },
  };
}
export type AnalyticsRepository = ReturnType<typeof createAnalyticsRepository>;
