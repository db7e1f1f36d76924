import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Phone systems (issue 19): per-workspace settings (Twilio Voice credentials sealed, the number to forward to, the
 * secret of the Asterisk/FreePBX URLs) and every call a phone system told us about, keyed by the system's own
 * call id so a retried webhook is one call; a missed call from a known customer waits for a call-back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('phone_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('twilio_config', 'text') // sealed JSON {accountSid, authToken}
    .addColumn('forward_to', 'text')
    .addColumn('pbx_secret', 'text', (c) => c.notNull()) // sealed
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('phone_calls')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('interaction_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_number', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('duration_s', 'integer')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('follow_up', 'text') // null | open | called_back | dismissed
    .addColumn('follow_up_at', 'text')
    .addColumn('follow_up_by', 'text')
    .addPrimaryKeyConstraint('phone_calls_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('phone_calls_external_uq', ['workspace_id', 'source', 'external_id'])
    .execute();
  await db.schema
    .createIndex('phone_calls_follow_up_idx')
    .on('phone_calls')
    .columns(['workspace_id', 'follow_up', 'started_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('phone_calls').execute();
  await db.schema.dropTable('phone_settings').execute();
}
