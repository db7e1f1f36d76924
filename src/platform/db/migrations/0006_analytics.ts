import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Predictions (B2–B5, D1): one row per refit of a workspace (model, parameters, fit diagnostics, the
 * insight charts' data) and the latest prediction per customer. `customer_predictions` has no foreign key
 * to customers on purpose: a refit writes a million rows in batches while customers may be merged or
 * deleted meanwhile; readers join customers, and the next refit drops rows of customers that are gone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('prediction_runs')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('log_likelihood', 'double precision')
    .addColumn('diagnostics', 'text', (c) => c.notNull())
    .addColumn('insights', 'text', (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('timings', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addPrimaryKeyConstraint('prediction_runs_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('prediction_runs_latest')
    .on('prediction_runs')
    .columns(['workspace_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('customer_predictions')
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
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_predictions_pk', ['workspace_id', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_predictions_stage')
    .on('customer_predictions')
    .columns(['workspace_id', 'lifecycle_stage', 'value_at_stake'])
    .execute();
  await db.schema
    .createIndex('customer_predictions_trend')
    .on('customer_predictions')
    .columns(['workspace_id', 'trend', 'trend_slope'])
    .execute();
  await db.schema
    .createIndex('customer_predictions_run')
    .on('customer_predictions')
    .columns(['workspace_id', 'run_id'])
    .execute();

  await db.schema
    .createTable('analytics_settings')
    .addColumn('workspace_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('monthly_discount_rate', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['analytics_settings', 'customer_predictions', 'prediction_runs'])
    await db.schema.dropTable(t).execute();
}
