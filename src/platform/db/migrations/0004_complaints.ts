import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Complaints (C1–C6) with their history, the workspace's SLA settings, and enquiries (I1).
 * Due times are stored (computed in business time at each step), so queues filter and sort in SQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('complaints')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('product', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('words', 'text', (c) => c.notNull())
    .addColumn('paraphrase', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('first_response_due_at', 'text', (c) => c.notNull())
    .addColumn('first_response_warn_at', 'text', (c) => c.notNull())
    .addColumn('first_responded_at', 'text')
    .addColumn('resolution_due_at', 'text', (c) => c.notNull())
    .addColumn('resolution_warn_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('close_how', 'text')
    .addColumn('next_due_at', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('resolution_summary', 'text')
    .addColumn('apologized', 'integer', (c) => c.notNull())
    .addColumn('refunded', 'integer', (c) => c.notNull())
    .addColumn('refund_reason', 'text')
    .addColumn('root_cause', 'text')
    .addColumn('follow_up_due_at', 'text')
    .addColumn('follow_up_done_at', 'text')
    .addColumn('follow_up_outcome', 'text')
    .addColumn('reopen_count', 'integer', (c) => c.notNull())
    .addColumn('value_at_stake', 'bigint', (c) => c.notNull())
    .addColumn('value_currency', 'text', (c) => c.notNull())
    .addColumn('value_source', 'text', (c) => c.notNull())
    .addColumn('order_count', 'integer', (c) => c.notNull())
    .addColumn('customer_since', 'text')
    .addColumn('last_purchase_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('complaints_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'complaints_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .addForeignKeyConstraint('complaints_owner_fk', ['workspace_id', 'owner_id'], 'users', [
      'workspace_id',
      'id',
    ])
    .execute();
  // The queue: active complaints by value at stake, by next due time, by severity.
  await db.schema
    .createIndex('complaints_queue_value')
    .on('complaints')
    .columns(['workspace_id', 'active', 'value_at_stake', 'id'])
    .execute();
  await db.schema
    .createIndex('complaints_queue_due')
    .on('complaints')
    .columns(['workspace_id', 'active', 'next_due_at', 'id'])
    .execute();
  await db.schema
    .createIndex('complaints_queue_severity')
    .on('complaints')
    .columns(['workspace_id', 'active', 'severity_rank', 'next_due_at', 'id'])
    .execute();
  // Partial covering indexes of pending deadlines: the dashboard counts read only these, never the table.
  await db.schema
    .createIndex('complaints_awaiting_response')
    .on('complaints')
    .columns(['workspace_id', 'first_response_due_at', 'first_response_warn_at'])
    .where(sql.ref('first_responded_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('complaints_awaiting_resolution')
    .on('complaints')
    .columns(['workspace_id', 'resolution_due_at', 'resolution_warn_at', 'first_responded_at'])
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('complaints_follow_up')
    .on('complaints')
    .columns(['workspace_id', 'follow_up_due_at'])
    .where(sql.ref('follow_up_done_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('complaints_customer')
    .on('complaints')
    .columns(['workspace_id', 'customer_id', 'active'])
    .execute();
  await db.schema
    .createIndex('complaints_received')
    .on('complaints')
    .columns(['workspace_id', 'received_at'])
    .execute();

  await db.schema
    .createTable('complaint_events')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('complaint_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('complaint_events_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'complaint_events_complaint_fk',
      ['workspace_id', 'complaint_id'],
      'complaints',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('complaint_events_complaint')
    .on('complaint_events')
    .columns(['workspace_id', 'complaint_id', 'id'])
    .execute();

  await db.schema
    .createTable('complaint_settings')
    .addColumn('workspace_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('complaint_settings_workspace_fk', ['workspace_id'], 'workspaces', ['id'], (f) =>
      f.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('enquiries')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('first_response_due_at', 'text', (c) => c.notNull())
    .addColumn('first_response_warn_at', 'text', (c) => c.notNull())
    .addColumn('first_responded_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('outcome_at', 'text')
    .addColumn('outcome_note', 'text')
    .addColumn('value', 'bigint')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('enquiries_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'enquiries_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .addForeignKeyConstraint('enquiries_owner_fk', ['workspace_id', 'owner_id'], 'users', [
      'workspace_id',
      'id',
    ])
    .execute();
  await db.schema
    .createIndex('enquiries_inbox')
    .on('enquiries')
    .columns(['workspace_id', 'active', 'first_response_due_at', 'id'])
    .execute();
  await db.schema
    .createIndex('enquiries_customer')
    .on('enquiries')
    .columns(['workspace_id', 'customer_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['enquiries', 'complaint_settings', 'complaint_events', 'complaints'])
    await db.schema.dropTable(t).execute();
}
