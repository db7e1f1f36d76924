import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Promises, each person's agenda and the calendar feed (issue 17).
 * - promises: what we said we would do for a customer, by whom and by when. due_at is a UTC instant; an
 *   all-day promise (all_day = 1) is due at the end of its local day in the workspace zone and due_date keeps
 *   that local date. status moves once from 'open' to 'kept', 'broken' or 'cancelled' (a conditional
 *   UPDATE ... WHERE status = 'open'); kept_late tells a promise kept after its due time. reminded_at is set
 *   once by the reminder job; late_notice_message_id names the service message that told the customer.
 * - agenda_snoozes: an agenda item (by its stable key) hidden for one person until a time, with a reason.
 * - calendar_feeds: one secret iCalendar feed URL per staff member, stored as the token's SHA-256 hash;
 *   revoking deletes the row, making a new one replaces the hash.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('promises')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('all_day', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_date', 'text')
    .addColumn('source_kind', 'text')
    .addColumn('source_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('kept_at', 'text')
    .addColumn('kept_late', 'integer')
    .addColumn('broken_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('reschedules', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('late_notice_message_id', 'text')
    .addColumn('reminded_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('promises_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'promises_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .addForeignKeyConstraint('promises_owner_fk', ['workspace_id', 'owner_id'], 'users', [
      'workspace_id',
      'id',
    ])
    .execute();
  await db.schema
    .createIndex('promises_owner_idx')
    .on('promises')
    .columns(['workspace_id', 'owner_id', 'status', 'due_at'])
    .execute();
  await db.schema
    .createIndex('promises_customer_idx')
    .on('promises')
    .columns(['workspace_id', 'customer_id'])
    .execute();
  // the reminder job: open promises of any workspace coming due
  await db.schema.createIndex('promises_due_idx').on('promises').columns(['status', 'due_at']).execute();

  await db.schema
    .createTable('agenda_snoozes')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('until', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('agenda_snoozes_pk', ['workspace_id', 'user_id', 'item_key'])
    .addForeignKeyConstraint(
      'agenda_snoozes_user_fk',
      ['workspace_id', 'user_id'],
      'users',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('calendar_feeds')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addPrimaryKeyConstraint('calendar_feeds_pk', ['workspace_id', 'user_id'])
    .addUniqueConstraint('calendar_feeds_token_uq', ['token_hash'])
    .addForeignKeyConstraint(
      'calendar_feeds_user_fk',
      ['workspace_id', 'user_id'],
      'users',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_feeds').execute();
  await db.schema.dropTable('agenda_snoozes').execute();
  await db.schema.dropTable('promises').execute();
}
