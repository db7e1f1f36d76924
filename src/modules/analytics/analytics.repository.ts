import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database as SqliteDb, Statement as SqliteStatement } from 'better-sqlite3';
import { sql, type Kysely, type Selectable } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { rawDriver, type DialectName, type RawDriver } from '../../platform/db/connect.ts';
import type { CustomerPredictionTable, Database, PredictionRunTable } from '../../platform/db/schema.ts';
import { fromJson, type CardPart, type PredictionBrief } from '../timeline/index.ts';

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
/** One value per column of PREDICTION_COLUMNS. */
export type PredictionValues = (string | number | null)[];

/** The lists kept with each run, best first: at risk and lapsed by value at stake, rising by trend slope. */
export type PredictionList = 'at_risk' | 'lapsed' | 'rising';
/**
 * Customers kept per list and run (the API pages through them with a cursor). A list longer than this keeps
 * the ones with the most at stake; the response's `total` says how many there were in all.
 */
export const LIST_LENGTH = 10_000;

const COLS = PREDICTION_COLUMNS.join(', ');
const ROW = `(${PREDICTION_COLUMNS.map(() => '?').join(', ')})`;
const SQLITE_ROWS = 50; // rows per prepared multi-row insert (1,300 parameters)
/** Rows per piece of COPY text handed to the stream (~200 kB): memory stays flat whatever the run's size. */
const COPY_ROWS = 1_000;
/** Orders a refit reads per query: a page holds the SQLite connection ~0.1 s, then the API's queries get a turn. */
const READ_PAGE = 100_000;

export function createAnalyticsRepository(db: Kysely<Database>, dialect: DialectName) {
  const driver = () => {
    const d = rawDriver(db);
    if (!d) throw new Error('analytics: bulk reads and writes need a connection opened by connect()');
    return d;
  };
  /** Prepared once per connection and reused (preparing a statement costs more than running it). */
  const prepared = new Map<string, SqliteStatement>();
  const prepare = (sqlite: SqliteDb, text: string) => {
    let st = prepared.get(text);
    if (!st) prepared.set(text, (st = sqlite.prepare(text)));
    return st;
  };
  /** Run synchronous raw SQLite work while holding Kysely's connection (no Kysely query interleaves). */
  const withSqlite = <T>(work: (sqlite: SqliteDb) => T): Promise<T> => {
    const d = driver();
    if (d.dialect !== 'sqlite') throw new Error('not SQLite');
    return db.connection().execute(async () => work(d.sqlite));
  };
  /** The newest finished run of a workspace: the one readers see (a running refit stays invisible). */
  const currentRun = (ws: string) =>
    db
      .selectFrom('prediction_runs')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('status', 'in', ['done', 'insufficient_data'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1);

  return {
    /**
     * Orders that count as purchases (not cancelled) in one currency, **grouped by customer** (each customer's
     * orders one after another, in time order), each handed to `each` as (customer id, local epoch day, net
     * amount) as it is read: the raw driver, only what the summary needs (the day is worked out by the
     * database: `offsetSeconds` is the workspace zone's offset), through the (workspace, customer, placed_at)
     * index — on SQLite a reused statement's row iterator over one range of customers at a time (about
     * READ_PAGE orders), on PostgreSQL a cursor; no page of rows is materialised. One pass over the workspace's
     * orders: it also answers how many orders of other currencies were left out of the models.
     */
    async eachPurchase(
      ws: string,
      currency: string,
      offsetSeconds: number,
      each: (customerId: string, day: number, net: number | string) => void,
    ): Promise<{ otherCurrency: number }> {
      const d = driver();
      let otherCurrency = 0;
      if (d.dialect === 'sqlite') {
        // INDEXED BY: walked in this index's order no sort is needed (a missing index fails loudly instead)
        const from = `from orders indexed by orders_customer where workspace_id = ? and customer_id > ?`;
        const read = (upTo: boolean) =>
          `select customer_id, cast(floor((unixepoch(placed_at) + ?) / 86400.0) as integer), total - refunded,
          currency = ? ${from} ${upTo ? 'and customer_id <= ?' : ''} and status not in ('cancelled', 'returned')
          order by customer_id, placed_at`;
        // the customer whose orders include the READ_PAGE-th after `after` ends the range (index only)
        const bound = `select customer_id ${from} order by customer_id limit 1 offset ${READ_PAGE - 1}`;
        // a range at a time: Kysely's connection is held ~0.1 s, then the API's queries get a turn
        for (let after = ''; ;) {
          const next = await withSqlite((sqlite) => {
            const upTo = prepare(sqlite, bound).pluck().get(ws, after) as string | undefined;
            const params = [offsetSeconds, currency, ws, after, ...(upTo === undefined ? [] : [upTo])];
            const rows = prepare(sqlite, read(upTo !== undefined))
              .raw(true)
              .iterate(...params) as IterableIterator<[string, number, number, number]>;
            for (const r of rows)
              if (r[3]) each(r[0], r[1], r[2]);
              else otherCurrency++;
            return upTo;
          });
          if (next === undefined) break;
          after = next;
        }
        return { otherCurrency };
      }
      const client = await d.pool.connect();
      try {
        // one snapshot for the whole read; the cursor streams the customer index's order without re-seeking
        await client.query('begin read only');
        await client.query(
          `declare refit_purchases no scroll cursor for
           select customer_id, floor((extract(epoch from placed_at::timestamptz) + $3) / 86400)::int,
             total - refunded, currency = $2
           from orders where workspace_id = $1 and customer_id is not null and status not in ('cancelled', 'returned')
           order by customer_id, placed_at`,
          [ws, currency, offsetSeconds],
        );
        for (;;) {
          const r = await client.query<[string, number, string, boolean]>({
            text: `fetch ${READ_PAGE} from refit_purchases`,
            rowMode: 'array',
          });
          for (const row of r.rows)
            if (row[3]) each(row[0], row[1], row[2]);
            else otherCurrency++;
          if (r.rows.length < READ_PAGE) break;
        }
        await client.query('commit');
        return { otherCurrency };
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
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
     * Write a run's predictions (row `order[i]` from `rowAt`, i = 0 … count − 1) under its run id: reused
     * prepared multi-row inserts on SQLite, `COPY … FROM STDIN` (text format, streamed) on PostgreSQL. Nobody reads a run before it
     * is marked finished, so the rows are plain inserts (no upsert). On SQLite each group of `perTransaction`
     * rows commits on its own: the API's writers never wait long behind a million-row refit. PostgreSQL's
     * writers do not wait on these inserts at all, so the run is one COPY. Rows are built a group at a time (a
     * million customers never sit in memory as row arrays or as text).
     */
    async insertPredictions(
      count: number,
      rowAt: (k: number) => PredictionValues,
      order?: Int32Array,
      perTransaction = 10_000,
    ): Promise<void> {
      const at = (i: number) => rowAt(order ? (order[i] as number) : i);
      // PostgreSQL: one COPY for the run (its writers never wait on inserts into a run nobody reads yet)
      if (dialect === 'postgres') return copyPredictions(driver(), 0, count, at);
      for (let g = 0; g < count; g += perTransaction) {
        const end = Math.min(count, g + perTransaction);
        await withSqlite((sqlite) => {
          const many = prepare(
            sqlite,
            `insert into customer_predictions (${COLS}) values ${Array(SQLITE_ROWS).fill(ROW).join(', ')}`,
          );
          const one = prepare(sqlite, `insert into customer_predictions (${COLS}) values ${ROW}`);
          // a synchronous bulk write on the raw driver (Kysely's connection held by withSqlite): better-sqlite3's
          // own transaction, immediate like every other SQLite write transaction
          // eslint-disable-next-line no-restricted-syntax -- writeTransaction is asynchronous; this must not yield
          sqlite
            .transaction(() => {
              let i = g;
              const params: PredictionValues = [];
              for (; i + SQLITE_ROWS <= end; i += SQLITE_ROWS) {
                params.length = 0;
                for (let j = i; j < i + SQLITE_ROWS; j++) params.push(...at(j));
                many.run(params);
              }
              for (; i < end; i++) one.run(at(i));
            })
            .immediate();
        });
      }
    },
    /** A run's lists (customer ids best first, at most LIST_LENGTH each). */
    async insertLists(ws: string, runId: string, lists: Record<PredictionList, string[]>) {
      for (const [list, ids] of Object.entries(lists))
        for (let i = 0; i < ids.length; i += 1_000)
          await db
            .insertInto('prediction_lists')
            .values(
              ids.slice(i, i + 1_000).map((customer_id, k) => ({
                workspace_id: ws,
                run_id: runId,
                list,
                position: i + k + 1,
                customer_id,
              })),
            )
            .execute();
    },
    /**
     * Delete the rows of runs that are no longer read: every run older than `runId` (run ids sort by creation
     * time), or `runId` itself with `only` (a failed run). On SQLite a chunk at a time, so API writes interleave.
     */
    async deleteRuns(ws: string, runId: string, which: 'older' | 'only'): Promise<number> {
      const op = which === 'older' ? '<' : '=';
      await db
        .deleteFrom('prediction_lists')
        .where('workspace_id', '=', ws)
        .where('run_id', op, runId)
        .execute();
      if (dialect === 'postgres') {
        const r = await db
          .deleteFrom('customer_predictions')
          .where('workspace_id', '=', ws)
          .where('run_id', op, runId)
          .executeTakeFirst();
        return Number(r.numDeletedRows);
      }
      const text = `delete from customer_predictions where (workspace_id, run_id, customer_id) in (
        select workspace_id, run_id, customer_id from customer_predictions
        where workspace_id = ? and run_id ${op} ? limit 20000)`;
      let total = 0;
      for (;;) {
        const n = await withSqlite((sqlite) => prepare(sqlite, text).run(ws, runId).changes);
        total += n;
        if (n === 0) return total;
      }
    },

    /** A customer's prediction in the newest finished run. */
    async prediction(ws: string, customerId: string) {
      return db
        .selectFrom('customer_predictions')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('run_id', '=', currentRun(ws))
        .where('customer_id', '=', customerId)
        .executeTakeFirst();
    },

    /** The newest run's `n` customers of highest predicted 12-month value (the most valued list, issue 18). */
    async topByValue(ws: string, n: number) {
      const rows = await db
        .selectFrom('customer_predictions')
        .select(['customer_id', 'clv_12m'])
        .where('workspace_id', '=', ws)
        .where('run_id', '=', currentRun(ws))
        .where('clv_12m', 'is not', null)
        .orderBy('clv_12m', 'desc')
        .orderBy('customer_id')
        .limit(n)
        .execute();
      return rows.map((r) => ({ customerId: r.customer_id, clv12m: Number(r.clv_12m) }));
    },
    /** The newest run's predicted 12-month value of these customers. */
    async valueOf(ws: string, ids: string[]) {
      if (!ids.length) return new Map<string, number>();
      const rows = await db
        .selectFrom('customer_predictions')
        .select(['customer_id', 'clv_12m'])
        .where('workspace_id', '=', ws)
        .where('run_id', '=', currentRun(ws))
        .where('customer_id', 'in', ids)
        .execute();
      return new Map(rows.map((r) => [r.customer_id, Number(r.clv_12m ?? 0)]));
    },

    /** The newest run's top `share` of customers by 12-month CLV whose last contact is before `before` (D4). */
    async valuableNotContacted(ws: string, share: number, before: string) {
      const ranked = db
        .selectFrom('customer_predictions')
        .where('workspace_id', '=', ws)
        .where('run_id', '=', currentRun(ws))
        .where('clv_12m', 'is not', null);
      const n = Number(
        (await ranked.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n,
      );
      const k = Math.max(1, Math.floor(n * share));
      if (!n) return [];
      const cut = await ranked
        .select('clv_12m')
        .orderBy('clv_12m', 'desc')
        .limit(1)
        .offset(k - 1)
        .executeTakeFirst();
      const rows = await db
        .selectFrom('customer_predictions as p')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'p.workspace_id').onRef('c.id', '=', 'p.customer_id'),
        )
        .select(['p.customer_id', 'c.name', 'p.clv_12m', 'c.last_interaction_at'])
        .where('p.workspace_id', '=', ws)
        .where('p.run_id', '=', currentRun(ws))
        .where('p.clv_12m', '>=', cut?.clv_12m ?? 0)
        .where((eb) =>
          eb.or([eb('c.last_interaction_at', 'is', null), eb('c.last_interaction_at', '<', before)]),
        )
        .orderBy('c.last_interaction_at')
        .limit(200)
        .execute();
      return rows.map((r) => ({
        customerId: r.customer_id,
        name: r.name,
        clv12m: r.clv_12m === null ? null : Number(r.clv_12m),
        lastContactAt: r.last_interaction_at,
      }));
    },

    /** Value at stake and segment of these customers in the newest run (reports by value lost). */
    async stakes(ws: string, ids: string[]) {
      const out: { customer_id: string; value_at_stake: number; segment: string }[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .selectFrom('customer_predictions')
          .select(['customer_id', 'value_at_stake', 'segment'])
          .where('workspace_id', '=', ws)
          .where('run_id', '=', currentRun(ws))
          .where('customer_id', 'in', ids.slice(i, i + 500))
          .execute();
        for (const r of rows)
          out.push({
            customer_id: r.customer_id,
            value_at_stake: Number(r.value_at_stake),
            segment: r.segment,
          });
      }
      return out;
    },

    /** Every customer of one of the newest run's lists, stages or segments (a campaign's audience), in list order. */
    async audienceIds(
      ws: string,
      by: { list: PredictionList } | { stage: string } | { segment: string },
    ): Promise<string[]> {
      if ('list' in by)
        return (
          await db
            .selectFrom('prediction_lists')
            .select('customer_id')
            .where('workspace_id', '=', ws)
            .where('run_id', '=', currentRun(ws))
            .where('list', '=', by.list)
            .orderBy('position')
            .execute()
        ).map((r) => r.customer_id);
      const q = db
        .selectFrom('customer_predictions')
        .select('customer_id')
        .where('workspace_id', '=', ws)
        .where('run_id', '=', currentRun(ws));
      const rows = await (
        'stage' in by ? q.where('lifecycle_stage', '=', by.stage) : q.where('segment', '=', by.segment)
      )
        .orderBy('value_at_stake', 'desc')
        .orderBy('customer_id')
        .execute();
      return rows.map((r) => r.customer_id);
    },

    /**
     * One of the newest finished run's lists after position `after` (0: from the start), with each customer's
     * name and list position (customers deleted since drop out).
     */
    async listPredictions(ws: string, list: PredictionList, limit: number, after = 0) {
      return db
        .selectFrom('prediction_lists as l')
        .innerJoin('customer_predictions as p', (j) =>
          j
            .onRef('p.workspace_id', '=', 'l.workspace_id')
            .onRef('p.run_id', '=', 'l.run_id')
            .onRef('p.customer_id', '=', 'l.customer_id'),
        )
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'l.workspace_id').onRef('c.id', '=', 'l.customer_id'),
        )
        .selectAll('p')
        .select(['c.name', 'l.position'])
        .where('l.workspace_id', '=', ws)
        .where('l.run_id', '=', currentRun(ws))
        .where('l.list', '=', list)
        .where('l.position', '>', after)
        .orderBy('l.position')
        .limit(limit)
        .execute();
    },

    /**
     * The newest run's customers in one segment or lifecycle stage, most at stake first (then by id), after the
     * keyset cursor `after` (value at stake, customer id), with their names.
     */
    async members(
      ws: string,
      by: { column: 'segment' | 'lifecycle_stage'; value: string },
      limit: number,
      after: { stake: number; id: string } | null,
    ) {
      let q = db
        .selectFrom('customer_predictions as p')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'p.workspace_id').onRef('c.id', '=', 'p.customer_id'),
        )
        .selectAll('p')
        .select('c.name')
        .where('p.workspace_id', '=', ws)
        .where('p.run_id', '=', currentRun(ws))
        .where(`p.${by.column}`, '=', by.value);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('p.value_at_stake', '<', after.stake),
            eb.and([eb('p.value_at_stake', '=', after.stake), eb('p.customer_id', '>', after.id)]),
          ]),
        );
      return q.orderBy('p.value_at_stake', 'desc').orderBy('p.customer_id').limit(limit).execute();
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

/** A value in COPY's text format: `\\N` for null; backslash, tab, newline and carriage return escaped. */
function copyText(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v); // NaN / Infinity are spelled as PostgreSQL's float8 reads them
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string) : v;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Rows `from` … `end − 1` into customer_predictions by one `COPY … FROM STDIN` on a pooled client: the text is
 * built COPY_ROWS rows at a time and handed to the stream as it drains (the server parses plain text instead of
 * 26 arrays a batch; nothing of the run but the current piece is held as text).
 */
async function copyPredictions(
  d: RawDriver,
  from: number,
  end: number,
  at: (i: number) => PredictionValues,
): Promise<void> {
  if (d.dialect !== 'postgres') throw new Error('not PostgreSQL');
  function* pieces() {
    for (let i = from; i < end; i += COPY_ROWS) {
      let text = '';
      for (let j = i, stop = Math.min(end, i + COPY_ROWS); j < stop; j++) {
        const row = at(j);
        let line = copyText(row[0] as string | number | null);
        for (let c = 1; c < row.length; c++) line += '\t' + copyText(row[c] as string | number | null);
        text += line + '\n';
      }
      yield text;
    }
  }
  const client = await d.pool.connect();
  try {
    await pipeline(
      Readable.from(pieces(), { objectMode: false }),
      client.query(copyFrom(`copy customer_predictions (${COLS}) from stdin`)),
    );
  } finally {
    client.release();
  }
}

/** For the caller card: the customer's line of the newest finished run (null before a refit covers them). */
export const predictionOnCard: CardPart<PredictionBrief | null> = {
  // The customer's row of the newest finished run: one subquery, read back as one JSON object (or null).
  columns: (eb, _ctx, { object }) => ({
    row: object(
      eb
        .selectFrom('customer_predictions as p')
        .select(['p.p_alive', 'p.segment', 'p.lifecycle_stage', 'p.explanation', 'p.clv_12m'])
        .whereRef('p.workspace_id', '=', 'c.workspace_id')
        .where('p.run_id', '=', (x) =>
          x
            .selectFrom('prediction_runs as r')
            .select('r.id')
            .whereRef('r.workspace_id', '=', 'c.workspace_id')
            .where('r.status', 'in', ['done', 'insufficient_data'])
            .orderBy('r.created_at', 'desc')
            .orderBy('r.id', 'desc')
            .limit(sql.lit(1)),
        )
        .whereRef('p.customer_id', '=', 'c.id'),
    ),
  }),
  read: (cols, { currency }) => {
    const p = fromJson<{
      p_alive: number | string | null;
      segment: string;
      lifecycle_stage: string;
      explanation: string;
      clv_12m: number | string | null;
    } | null>(cols.row);
    return p
      ? {
          pAlive: p.p_alive === null ? null : Number(p.p_alive),
          segment: String(p.segment),
          lifecycleStage: String(p.lifecycle_stage),
          explanation: String(p.explanation),
          clv12m: p.clv_12m === null ? null : Number(p.clv_12m),
          currency,
        }
      : null;
  },
};
