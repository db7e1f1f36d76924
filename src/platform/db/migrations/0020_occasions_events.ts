import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Occasions and events (issue 18): the greeting per occasion kind, custom dates per customer, events with
 * their invitations (one per customer, answered by a public link), seats taken counted on the event so an
 * answer that would overbook is refused by one conditional update.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('occasion_settings')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('occasion_settings_pk', ['workspace_id', 'kind'])
    .execute();

  await db.schema
    .createTable('customer_occasions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('yearly', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_occasions_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'customer_occasions_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('customer_occasions_customer_idx')
    .on('customer_occasions')
    .columns(['workspace_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_local', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('description', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('seats_taken', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('public_token', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('events_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('events_public_token_uq', ['public_token'])
    .execute();
  await db.schema
    .createIndex('events_time_idx')
    .on('events')
    .columns(['workspace_id', 'starts_at'])
    .execute();

  await db.schema
    .createTable('event_invitations')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('guests', 'integer', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('checked_in_at', 'text')
    .addColumn('checked_in_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_invitations_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('event_invitations_customer_uq', ['workspace_id', 'event_id', 'customer_id'])
    .addUniqueConstraint('event_invitations_token_uq', ['token_hash'])
    .addForeignKeyConstraint(
      'event_invitations_event_fk',
      ['workspace_id', 'event_id'],
      'events',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'event_invitations_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('event_invitations').execute();
  await db.schema.dropTable('events').execute();
  await db.schema.dropTable('customer_occasions').execute();
  await db.schema.dropTable('occasion_settings').execute();
}
