import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

const customerFk = (t: string): [string, any[], string, string[]] => [
  `${t}_customer_fk`,
  ['workspace_id', 'customer_id'],
  'customers',
  ['workspace_id', 'id'],
];

/**
 * Reward and delight (issue 18): points, tiers, gift vouchers and the most valued list.
 * - loyalty_settings: the workspace's earn rules and tiers (JSON, validated by the loyalty module).
 * - loyalty_accounts: one per customer, the balance (the sum of the ledger, kept in step in the same transaction:
 *   a redemption is a conditional UPDATE on it) and the current tier.
 * - loyalty_entries: the double-entry ledger; every movement names its accounts, its reason and its source, and
 *   (workspace, source_kind, source_id) is unique, so an order earns once and a refund takes back once.
 * - vouchers + voucher_redemptions: codes stored as their SHA-256 only (a voucher is bearer value).
 * - valued_customers: the most valued list, with an owner and perks per customer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('loyalty_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('loyalty_accounts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('tier_since', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('loyalty_accounts_pk', ['workspace_id', 'customer_id'])
    .addForeignKeyConstraint(...customerFk('loyalty_accounts'), (f) => f.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('loyalty_entries')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('debit', 'text', (c) => c.notNull())
    .addColumn('credit', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('note', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('loyalty_entries_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('loyalty_entries_source_uq', ['workspace_id', 'source_kind', 'source_id'])
    .addForeignKeyConstraint(...customerFk('loyalty_entries'), (f) => f.onDelete('cascade'))
    .execute();
  await db.schema
    .createIndex('loyalty_entries_customer_idx')
    .on('loyalty_entries')
    .columns(['workspace_id', 'customer_id', 'at'])
    .execute();

  await db.schema
    .createTable('vouchers')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('code_hint', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint')
    .addColumn('percent', 'integer')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('remaining', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vouchers_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('vouchers_code_uq', ['workspace_id', 'code_hash'])
    .execute();
  await db.schema
    .createTable('voucher_redemptions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('voucher_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint')
    .addColumn('customer_id', 'text')
    .addColumn('order_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('voucher_redemptions_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'voucher_redemptions_voucher_fk',
      ['workspace_id', 'voucher_id'],
      'vouchers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('voucher_redemptions_voucher_idx')
    .on('voucher_redemptions')
    .columns(['workspace_id', 'voucher_id'])
    .execute();

  await db.schema
    .createTable('valued_customers')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('perks', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('alert_days', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('valued_customers_pk', ['workspace_id', 'customer_id'])
    .addForeignKeyConstraint(...customerFk('valued_customers'), (f) => f.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'valued_customers',
    'voucher_redemptions',
    'vouchers',
    'loyalty_entries',
    'loyalty_accounts',
    'loyalty_settings',
  ])
    await db.schema.dropTable(t).execute();
}
