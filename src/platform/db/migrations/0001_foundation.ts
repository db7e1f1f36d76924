import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time and not typed by the live schema */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workspaces_name').on('workspaces').column('name').execute();

  await db.schema
    .createTable('users')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .addPrimaryKeyConstraint('users_pk', ['workspace_id', 'id'])
    .addUniqueConstraint('users_email_uq', ['workspace_id', 'email'])
    .execute();
  await db.schema.createIndex('users_email').on('users').column('email').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint(
      'sessions_user_fk',
      ['workspace_id', 'user_id'],
      'users',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .addPrimaryKeyConstraint('api_keys_pk', ['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort_name', 'text', (c) => c.notNull())
    .addColumn('business_id', 'text')
    .addColumn('job_title', 'text')
    .addColumn('address', 'text')
    .addColumn('birthday', 'text')
    .addColumn('anniversary', 'text')
    .addColumn('preferred_channel', 'text')
    .addColumn('needs', 'text')
    .addColumn('custom_fields', 'text', (c) => c.notNull())
    .addColumn('consent_marketing', 'integer', (c) => c.notNull())
    .addColumn('consent_source', 'text')
    .addColumn('consent_at', 'text')
    .addColumn('last_interaction_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customers_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('customers_sort')
    .on('customers')
    .columns(['workspace_id', 'sort_name', 'id'])
    .execute();
  await db.schema
    .createIndex('customers_business')
    .on('customers')
    .columns(['workspace_id', 'business_id'])
    .execute();

  const child = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addForeignKeyConstraint(
        `${name}_customer_fk`,
        ['workspace_id', 'customer_id'],
        'customers',
        ['workspace_id', 'id'],
        (f) => f.onDelete('cascade'),
      );

  await child('customer_phones')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('e164', 'text')
    .addColumn('label', 'text')
    .addColumn('valid', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_phones_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('customer_phones_e164')
    .on('customer_phones')
    .columns(['workspace_id', 'e164', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_phones_customer')
    .on('customer_phones')
    .columns(['workspace_id', 'customer_id'])
    .execute();

  await child('customer_emails')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('normalized', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addPrimaryKeyConstraint('customer_emails_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('customer_emails_norm')
    .on('customer_emails')
    .columns(['workspace_id', 'normalized', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_emails_customer')
    .on('customer_emails')
    .columns(['workspace_id', 'customer_id'])
    .execute();

  await child('customer_tags')
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_tags_pk', ['workspace_id', 'tag', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_tags_customer')
    .on('customer_tags')
    // covering, and with the tag last: a card reads a customer's tags in order without touching other customers'
    .columns(['workspace_id', 'customer_id', 'tag'])
    .execute();

  await child('customer_tokens')
    .addColumn('token', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_tokens_pk', ['workspace_id', 'token', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_tokens_customer')
    .on('customer_tokens')
    .columns(['workspace_id', 'customer_id'])
    .execute();

  // Distinct name tokens per workspace, for typo-tolerant search (never shrinks; stale tokens match nobody).
  await db.schema
    .createTable('customer_vocab')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_vocab_pk', ['workspace_id', 'token'])
    .execute();

  await db.schema
    .createTable('interactions')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('direction', 'text')
    .addColumn('body', 'text')
    .addColumn('phone', 'text')
    .addColumn('phone_e164', 'text')
    .addColumn('author_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('meta', 'text')
    .addPrimaryKeyConstraint('interactions_pk', ['workspace_id', 'id'])
    .addForeignKeyConstraint(
      'interactions_customer_fk',
      ['workspace_id', 'customer_id'],
      'customers',
      ['workspace_id', 'id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('interactions_timeline')
    .on('interactions')
    .columns(['workspace_id', 'customer_id', 'occurred_at', 'id'])
    .execute();
  await db.schema
    .createIndex('interactions_recent')
    .on('interactions')
    .columns(['workspace_id', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .addPrimaryKeyConstraint('audit_log_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_entity')
    .on('audit_log')
    .columns(['workspace_id', 'entity', 'entity_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'audit_log',
    'interactions',
    'customer_vocab',
    'customer_tokens',
    'customer_tags',
    'customer_emails',
    'customer_phones',
    'customers',
    'api_keys',
    'sessions',
    'users',
    'workspaces',
  ])
    await db.schema.dropTable(t).execute();
}
