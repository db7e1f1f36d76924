import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Retention (issue 16): answers to the surveys sent by link ("why did you stop?", NPS), the retention settings
 * and customers' reviews. One answer per link (the
 * token's hash is unique); the answer names the customer, the campaign and the message it came from, and the
 * complaint it opened when it named a problem.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('survey_answers')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('campaign_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('score', 'integer')
    .addColumn('staff_id', 'text')
    .addColumn('text', 'text')
    .addColumn('may_contact', 'integer')
    .addColumn('complaint_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_answers_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('survey_answers_token_uq', ['token_hash'])
    .execute();
  await db.schema
    .createIndex('survey_answers_time_idx')
    .on('survey_answers')
    .columns(['workspace_id', 'kind', 'created_at'])
    .execute();

  // NPS after a purchase or a closed complaint, the review link, and "not contacted in N days" (D4)
  await db.schema
    .createTable('retention_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('nps_enabled', 'integer', (c) => c.notNull())
    .addColumn('nps_channel', 'text', (c) => c.notNull())
    .addColumn('nps_every_days', 'integer', (c) => c.notNull())
    .addColumn('nps_delay_hours', 'integer', (c) => c.notNull())
    .addColumn('review_url', 'text')
    .addColumn('not_contacted_days', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // reviews the customer left on any platform
  await db.schema
    .createTable('reviews')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('stars', 'integer')
    .addColumn('text', 'text')
    .addColumn('url', 'text')
    .addColumn('reviewed_on', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reviews_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'reviews_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reviews').execute();
  await db.schema.dropTable('retention_settings').execute();
  await db.schema.dropTable('survey_answers').execute();
}
