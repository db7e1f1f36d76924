import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Retention (issue 16): answers to the "why did you stop?" survey sent by link. One answer per link (the
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
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('may_contact', 'integer', (c) => c.notNull())
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
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('survey_answers').execute();
}
