import { createHash } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { changePasswordSchema } from './access.schema.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The id a session is shown and revoked by: derived from its stored hash, never the hash itself. */
export const publicSessionId = (storedId: string) => sha256(`session:${storedId}`).slice(0, 24);
/** The stored id of the session a cookie token opens. */
export const sessionIdOf = (token: string | undefined) => (token ? sha256(token) : undefined);

export type SessionInfo = {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string | null;
  current: boolean;
};

type Deps = { db: Kysely<Database>; onRevoked: () => void };

/** A signed-in user's own account: their password and their sessions (issue 19). */
export function createAccountService({ db, onRevoked }: Deps) {
  const sessionsOf = (ws: string, userId: string) =>
    db
      .selectFrom('sessions')
      .select(['id', 'user_agent', 'ip', 'created_at', 'last_seen_at'])
      .where('workspace_id', '=', ws)
      .where('user_id', '=', userId)
      .where('expires_at', '>', nowIso())
      .orderBy('created_at', 'desc')
      .execute();

  /** Delete the user's sessions except `keep` (a stored id); answers how many. */
  const revokeOthers = async (
    trx: Kysely<Database>,
    ws: string,
    userId: string,
    keep: string | undefined,
  ) => {
    const r = await trx
      .deleteFrom('sessions')
      .where('workspace_id', '=', ws)
      .where('user_id', '=', userId)
      .$if(!!keep, (q) => q.where('id', '<>', keep as string))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  };

  return {
    async listSessions(ws: string, userId: string, current: string | undefined): Promise<SessionInfo[]> {
      return (await sessionsOf(ws, userId)).map((s) => ({
        id: publicSessionId(s.id),
        userAgent: s.user_agent,
        ip: s.ip,
        createdAt: s.created_at,
        lastSeenAt: s.last_seen_at,
        current: s.id === current,
      }));
    },

    async revokeSession(ws: string, userId: string, publicId: string): Promise<void> {
      const s = (await sessionsOf(ws, userId)).find((x) => publicSessionId(x.id) === publicId);
      const r = s
        ? await db
            .deleteFrom('sessions')
            .where('workspace_id', '=', ws)
            .where('user_id', '=', userId)
            .where('id', '=', s.id)
            .executeTakeFirst()
        : undefined;
      if (!r || Number(r.numDeletedRows) === 0) throw notFound('SESSION_NOT_FOUND', 'Session');
      onRevoked();
    },

    async revokeOtherSessions(ws: string, userId: string, current: string | undefined): Promise<number> {
      const n = await revokeOthers(db, ws, userId, current);
      if (n) onRevoked();
      return n;
    },

    /**
     * Change the password: the current one must be right; the hash is swapped by a conditional update (of
     * parallel changes with the same current password, one wins); every other session of the user ends.
     */
    async changePassword(ws: string, userId: string, input: unknown, current: string | undefined) {
      const v = changePasswordSchema.parse(input);
      const user = await db
        .selectFrom('users')
        .select('password_hash')
        .where('workspace_id', '=', ws)
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) throw notFound('USER_NOT_FOUND', 'User');
      if (!(await argonVerify(user.password_hash, v.currentPassword).catch(() => false)))
        throw new AppError('PASSWORD_WRONG', 'The current password is not right', 403);
      const next = await argonHash(v.newPassword);
      const revoked = await writeTransaction(db, async (trx) => {
        const r = await trx
          .updateTable('users')
          .set({ password_hash: next })
          .where('workspace_id', '=', ws)
          .where('id', '=', userId)
          .where('password_hash', '=', user.password_hash)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0)
          throw new AppError('PASSWORD_WRONG', 'The password was changed meanwhile; sign in again', 409);
        const n = await revokeOthers(trx, ws, userId, current);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: `user:${userId}`,
          action: 'change_password',
          entity: 'user',
          entityId: userId,
          data: { sessionsEnded: n },
        });
        return n;
      });
      onRevoked();
      return { sessionsEnded: revoked };
    },
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
