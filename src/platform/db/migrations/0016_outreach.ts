import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Outreach (issue 15): reaching customers by email, SMS and WhatsApp.
 * - outreach_settings: per workspace, the sender (From, Reply-To), quiet hours, the send rate and the SMS and
 *   WhatsApp providers' credentials (sealed: AES-256-GCM, never stored in clear).
 * - consents: consent per customer, channel and purpose, with its source, the text shown and the proof.
 *   Email marketing consent stays in customers.consent_marketing (the row here adds the text and proof).
 * - suppressions: addresses and numbers nothing may be sent to (scope 'marketing' after an unsubscribe,
 *   'all' after a hard bounce, a spam complaint or a STOP reply).
 * - message_templates, campaigns and messages (the outbox: one row per message to send; the unique
 *   dedupe_key makes each (campaign, customer) and each keyed single send exist once).
 * - public_tokens: the links in messages (unsubscribe, preferences, surveys), stored as a SHA-256 hash.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outreach_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('from_email', 'text')
    .addColumn('from_name', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('quiet_start', 'text', (c) => c.notNull())
    .addColumn('quiet_end', 'text', (c) => c.notNull())
    .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
    .addColumn('sms_provider', 'text')
    .addColumn('sms_config', 'text')
    .addColumn('whatsapp_config', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('consents')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('granted', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('text_shown', 'text')
    .addColumn('proof', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('consents_pk', ['workspace_id', 'customer_id', 'channel', 'purpose'])
    .addForeignKeyConstraint(
      'consents_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['workspace_id', 'channel', 'address'])
    .execute();

  await db.schema
    .createTable('message_templates')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('whatsapp_template', 'text')
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_templates_pk', ['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('whatsapp_template', 'text')
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('holdout_percent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('survey', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('queued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('excluded', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('queued_at', 'text')
    .addPrimaryKeyConstraint('campaigns_pk', ['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('body', 'text')
    .addColumn('extra', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('clicked_at', 'text')
    .addPrimaryKeyConstraint('messages_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('messages_dedupe_uq', ['workspace_id', 'dedupe_key'])
    .execute();
  // the outbox's claim: the next due messages of any workspace
  await db.schema
    .createIndex('messages_due_idx')
    .on('messages')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('messages_customer_idx')
    .on('messages')
    .columns(['workspace_id', 'customer_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('messages_campaign_idx')
    .on('messages')
    .columns(['workspace_id', 'campaign_id', 'status'])
    .execute();
  await db.schema
    .createIndex('messages_provider_idx')
    .on('messages')
    .columns(['channel', 'provider_id'])
    .execute();
  // the send rate: messages a workspace sent in the last minute
  await db.schema
    .createIndex('messages_sent_idx')
    .on('messages')
    .columns(['workspace_id', 'sent_at'])
    .execute();

  await db.schema
    .createTable('public_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('address', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'public_tokens',
    'messages',
    'campaigns',
    'message_templates',
    'suppressions',
    'consents',
    'outreach_settings',
  ])
    await db.schema.dropTable(t).execute();
}
