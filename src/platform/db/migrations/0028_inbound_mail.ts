import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Mail returned to Rapport's inbound SMTP listener (issue 15): one row per report acted on — a delivery status
 * notification (bounce or delay), a spam complaint, a mailto unsubscribe. The key (the report's own Message-ID,
 * or a hash of its content) makes each report count once, however often the remote server delivers it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbound_reports')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('report_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('address', 'text')
    .addColumn('status', 'text')
    .addColumn('diagnostic', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbound_reports_pk', ['workspace_id', 'report_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbound_reports').execute();
}
