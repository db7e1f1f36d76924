import { sql, SqliteAdapter, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

const COLUMNS = [
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
];

/** The predictions table of 0006, under another name and primary key. */
function predictionsTable(db: Kysely<any>, name: string) {
  return db.schema
    .createTable(name)
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('purchases', 'integer', (c) => c.notNull())
    .addColumn('total_spent', 'bigint', (c) => c.notNull())
    .addColumn('first_purchase_on', 'text', (c) => c.notNull())
    .addColumn('last_purchase_on', 'text', (c) => c.notNull())
    .addColumn('p_alive', 'double precision')
    .addColumn('expected_30', 'double precision')
    .addColumn('expected_90', 'double precision')
    .addColumn('expected_365', 'double precision')
    .addColumn('p_buy_30', 'double precision')
    .addColumn('p_buy_90', 'double precision')
    .addColumn('expected_next_purchase_on', 'text')
    .addColumn('expected_spend', 'bigint')
    .addColumn('clv_12m', 'bigint')
    .addColumn('value_at_stake', 'bigint', (c) => c.notNull())
    .addColumn('rfm_r', 'integer', (c) => c.notNull())
    .addColumn('rfm_f', 'integer', (c) => c.notNull())
    .addColumn('rfm_m', 'integer', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
    .addColumn('trend', 'text', (c) => c.notNull())
    .addColumn('trend_slope', 'double precision', (c) => c.notNull())
    .addColumn('overdue_days', 'integer', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull());
}

const LISTS = [
  { list: 'at_risk', where: `lifecycle_stage = 'at risk'`, order: 'value_at_stake desc' },
  { list: 'lapsed', where: `lifecycle_stage = 'lapsed'`, order: 'value_at_stake desc' },
  { list: 'rising', where: `trend = 'rising'`, order: 'trend_slope desc' },
];

/**
 * Predictions keyed by run (issue 5, a refit of a million customers): a refit writes its rows under its own
 * run id, readers read the newest finished run's rows, and older runs' rows are deleted once the new run is
 * visible. No upsert of a million rows in place, and no reader ever sees half a refit.
 * The at-risk, lapsed and rising lists are kept with each run (their first 1,000 customers in order) instead of
 * two secondary indexes over every prediction, which a refit would otherwise maintain row by row.
 * Existing rows move to the newest finished run of their workspace (the old table held one row per customer).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  let create = predictionsTable(db, 'customer_predictions_0007').addPrimaryKeyConstraint(
    'customer_predictions_run_pk',
    ['workspace_id', 'run_id', 'customer_id'],
  );
  // one b-tree: rows are stored in key order and a refit's rows (sorted by customer) are appended
  if (sqlite) create = create.modifyEnd(sql`without rowid`);
  await create.execute();
  const cols = COLUMNS.filter((c) => c !== 'run_id');
  await sql`insert into customer_predictions_0007 (${sql.raw(cols.join(', '))}, run_id)
    select ${sql.raw(cols.map((c) => `p.${c}`).join(', '))}, coalesce((
      select r.id from prediction_runs r
      where r.workspace_id = p.workspace_id and r.status in ('done', 'insufficient_data')
      order by r.created_at desc, r.id desc limit 1), p.run_id)
    from customer_predictions p`.execute(db);
  await db.schema.dropTable('customer_predictions').execute();
  await db.schema.alterTable('customer_predictions_0007').renameTo('customer_predictions').execute();

  await db.schema
    .createTable('prediction_lists')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('prediction_lists_pk', ['workspace_id', 'run_id', 'list', 'position'])
    .execute();
  for (const l of LISTS)
    await sql`insert into prediction_lists (workspace_id, run_id, list, position, customer_id)
      select workspace_id, run_id, ${l.list}, n, customer_id from (
        select workspace_id, run_id, customer_id, row_number() over (
          partition by workspace_id, run_id order by ${sql.raw(l.order)}, customer_id) as n
        from customer_predictions where ${sql.raw(l.where)}) ranked
      where n <= 1000`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('prediction_lists').execute();
  await predictionsTable(db, 'customer_predictions_0006')
    .addPrimaryKeyConstraint('customer_predictions_pk', ['workspace_id', 'customer_id'])
    .execute();
  await sql`insert into customer_predictions_0006 (${sql.raw(COLUMNS.join(', '))})
    select ${sql.raw(COLUMNS.join(', '))} from customer_predictions`.execute(db);
  await db.schema.dropTable('customer_predictions').execute();
  await db.schema.alterTable('customer_predictions_0006').renameTo('customer_predictions').execute();
  for (const [name, columns] of [
    ['customer_predictions_stage', ['workspace_id', 'lifecycle_stage', 'value_at_stake']],
    ['customer_predictions_trend', ['workspace_id', 'trend', 'trend_slope']],
    ['customer_predictions_run', ['workspace_id', 'run_id']],
  ] as const)
    await db.schema
      .createIndex(name)
      .on('customer_predictions')
      .columns([...columns])
      .execute();
}
