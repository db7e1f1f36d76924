import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApiKeyTable, Database, UserTable } from '../../platform/db/schema.ts';
import type { Scope } from '../../platform/http/actor.ts';
import type { ApiKey, User } from './access.schema.ts';

const toUser = (r: Selectable<UserTable>): User => ({
  id: r.id,
  workspaceId: r.workspace_id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});
const toApiKey = (r: Selectable<ApiKeyTable>): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes.split(',').filter(Boolean) as Scope[],
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export function createAccessRepository(db: Kysely<Database>) {
  return {
    async insertUser(trx: Kysely<Database>, u: User & { passwordHash: string }) {
      await trx
        .insertInto('users')
        .values({
          workspace_id: u.workspaceId,
          id: u.id,
          email: u.email,
          name: u.name,
          password_hash: u.passwordHash,
          role: u.role,
          created_at: u.createdAt,
          disabled_at: null,
        })
        .execute();
    },
    async findUserByEmail(workspaceId: string, email: string, trx: Kysely<Database> = db) {
      const r = await trx
        .selectFrom('users')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('email', '=', email)
        .executeTakeFirst();
      return r && toUser(r);
    },
    /** Every enabled account with this email, across workspaces, with its hash (sign-in). */
    async findLoginCandidates(email: string) {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email)
        .where('disabled_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({ user: toUser(r), passwordHash: r.password_hash }));
    },
    /** With `lock`, the user's row stays locked until the transaction ends (PostgreSQL; SQLite's is alone). */
    async findUser(workspaceId: string, id: string, trx: Kysely<Database> = db, lock = false) {
      const r = await trx
        .selectFrom('users')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .$if(lock, (q) => q.forUpdate())
        .executeTakeFirst();
      return r && toUser(r);
    },
    async listUsers(workspaceId: string) {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .execute();
      return rows.map(toUser);
    },
    /** Disable (at) or enable (null) a user that is not so already; the number of rows changed (0 or 1). */
    async setUserDisabled(trx: Kysely<Database>, workspaceId: string, id: string, at: string | null) {
      const r = await trx
        .updateTable('users')
        .set({ disabled_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('disabled_at', at ? 'is' : 'is not', null)
        .executeTakeFirst();
      if (at)
        await trx
          .deleteFrom('sessions')
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', id)
          .execute();
      return Number(r.numUpdatedRows);
    },
    /** Active owners; in a write transaction, `lock` holds the owners' rows until it ends. */
    async countOwners(workspaceId: string, trx: Kysely<Database> = db, lock = false) {
      if (lock)
        await trx
          .selectFrom('users')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('role', '=', 'owner')
          .forUpdate()
          .execute();
      const r = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('role', '=', 'owner')
        .where('disabled_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async insertSession(s: {
      id: string;
      workspaceId: string;
      userId: string;
      createdAt: string;
      expiresAt: string;
      userAgent?: string | null;
      ip?: string | null;
    }) {
      await db
        .insertInto('sessions')
        .values({
          id: s.id,
          workspace_id: s.workspaceId,
          user_id: s.userId,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          user_agent: s.userAgent ?? null,
          ip: s.ip ?? null,
          last_seen_at: s.createdAt,
        })
        .execute();
    },
    async touchSession(id: string, at: string) {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
    async findSession(id: string, now: string) {
      return db
        .selectFrom('sessions')
        .innerJoin('users', (j) =>
          j
            .onRef('users.workspace_id', '=', 'sessions.workspace_id')
            .onRef('users.id', '=', 'sessions.user_id'),
        )
        .select(['sessions.workspace_id', 'sessions.user_id', 'users.role', 'users.disabled_at'])
        .where('sessions.id', '=', id)
        .where('sessions.expires_at', '>', now)
        .executeTakeFirst();
    },
    async deleteSession(id: string) {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },
    async deleteExpiredSessions(now: string) {
      await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    },

    /**
     * Count one sign-in attempt of this email, atomically (one statement, whatever the concurrency or the
     * process): a new window when the last one ended, nothing while locked, and a lock from `lockUntil` when
     * the count passes `max`. Answers the count and the lock after this attempt.
     */
    async countSignInAttempt(
      email: string,
      a: { now: string; windowStart: string; lockUntil: string; max: number },
    ) {
      const t = sql.ref('sign_in_attempts');
      const locked = sql`${t}.locked_until > ${a.now}`;
      const expired = sql`${t}.window_started_at <= ${a.windowStart}`;
      return db
        .insertInto('sign_in_attempts')
        .values({
          email,
          failures: 1,
          window_started_at: a.now,
          locked_until: a.max < 1 ? a.lockUntil : null,
        })
        .onConflict((oc) =>
          oc.column('email').doUpdateSet({
            failures: sql<number>`CASE WHEN ${locked} THEN ${t}.failures WHEN ${expired} THEN 1
              ELSE ${t}.failures + 1 END`,
            window_started_at: sql<string>`CASE WHEN ${locked} THEN ${t}.window_started_at
              WHEN ${expired} THEN ${a.now} ELSE ${t}.window_started_at END`,
            locked_until: sql<string | null>`CASE WHEN ${locked} THEN ${t}.locked_until
              WHEN ${expired} THEN NULL WHEN ${t}.failures + 1 > ${a.max} THEN ${a.lockUntil} ELSE NULL END`,
          }),
        )
        .returning(['failures', 'locked_until'])
        .executeTakeFirstOrThrow();
    },
    async clearSignInAttempts(email: string) {
      await db.deleteFrom('sign_in_attempts').where('email', '=', email).execute();
    },
    /** Forget attempts whose window and lock are both over. */
    async deleteStaleSignInAttempts(now: string, windowStart: string) {
      await db
        .deleteFrom('sign_in_attempts')
        .where('window_started_at', '<=', windowStart)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .execute();
    },

    async insertApiKey(
      trx: Kysely<Database>,
      k: ApiKey & { workspaceId: string; keyHash: string; createdBy: string | null },
    ) {
      await trx
        .insertInto('api_keys')
        .values({
          workspace_id: k.workspaceId,
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          key_hash: k.keyHash,
          scopes: k.scopes.join(','),
          created_by: k.createdBy,
          created_at: k.createdAt,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
    },
    async findApiKeyByPrefix(prefix: string) {
      const r = await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
      return r && { key: toApiKey(r), workspaceId: r.workspace_id, keyHash: r.key_hash };
    },
    async listApiKeys(workspaceId: string) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toApiKey);
    },
    async revokeApiKey(trx: Kysely<Database>, workspaceId: string, id: string, at: string) {
      const r = await trx
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async touchApiKey(workspaceId: string, id: string, at: string) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    },
    async findApiKey(workspaceId: string, id: string) {
      const r = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toApiKey(r);
    },
  };
}
export type AccessRepository = ReturnType<typeof createAccessRepository>;
