import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

/**
 * Referrals and passing business (issue 20, H1/H2).
 * - referral_codes: one short code per customer, unique across all workspaces (the public link /p/ref/<code>
 *   names no workspace).
 * - referrals: who referred whom; one row per referred customer (its key), so a referrer is set exactly once.
 *   source: 'created' (given when the customer was created), 'link' (signed up through the public link) or
 *   'later' (set on the customer page). rewarded_at / reward_ref: the referrer's reward for the referred
 *   customer's first purchase, set once by a conditional UPDATE.
 * - referral_settings: per workspace, the loyalty points a referrer earns for each referred customer's first
 *   purchase (0: no reward).
 * - business_profiles: what a business customer offers and needs (normalised keyword lists as JSON text).
 * - introductions: two customers put in touch, one row per unordered pair (pair_key = the smaller id, '|', the
 *   larger); a_consent / b_consent move from 'asked' to 'yes' or 'no'; status is 'asked' until both said yes
 *   ('made') or one said no ('declined'). provider_id is the party the work is passed to (its ledger), value
 *   the optional value of business passed in minor units of the workspace currency.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral_codes')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_codes_pk', ['workspace_id', 'customer_id'])
    .addUniqueConstraint('referral_codes_code_uq', ['code'])
    .addForeignKeyConstraint(
      'referral_codes_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('referrals')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('referred_id', 'text', (c) => c.notNull())
    .addColumn('referrer_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('rewarded_at', 'text')
    .addColumn('reward_ref', 'text')
    .addPrimaryKeyConstraint('referrals_pk', ['workspace_id', 'referred_id'])
    .addForeignKeyConstraint(
      'referrals_referred_fk',
      ['workspace_id', 'referred_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'referrals_referrer_fk',
      ['workspace_id', 'referrer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('referrals_referrer_idx')
    .on('referrals')
    .columns(['workspace_id', 'referrer_id'])
    .execute();

  await db.schema
    .createTable('referral_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('reward_points', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('business_profiles')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('offers', 'text', (c) => c.notNull())
    .addColumn('needs', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('business_profiles_pk', ['workspace_id', 'customer_id'])
    .addForeignKeyConstraint(
      'business_profiles_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('introductions')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('pair_key', 'text', (c) => c.notNull())
    .addColumn('a_id', 'text', (c) => c.notNull())
    .addColumn('b_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('a_consent', 'text', (c) => c.notNull())
    .addColumn('b_consent', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint')
    .addColumn('made_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('introductions_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('introductions_pair_uq', ['workspace_id', 'pair_key'])
    .addForeignKeyConstraint(
      'introductions_a_fk',
      ['workspace_id', 'a_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'introductions_b_fk',
      ['workspace_id', 'b_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('introductions_a_idx')
    .on('introductions')
    .columns(['workspace_id', 'a_id'])
    .execute();
  await db.schema
    .createIndex('introductions_b_idx')
    .on('introductions')
    .columns(['workspace_id', 'b_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('introductions').execute();
  await db.schema.dropTable('business_profiles').execute();
  await db.schema.dropTable('referral_settings').execute();
  await db.schema.dropTable('referrals').execute();
  await db.schema.dropTable('referral_codes').execute();
}
