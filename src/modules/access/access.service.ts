import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { Actor, Scope } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { createAccessRepository } from './access.repository.ts';
import {
  createApiKeySchema,
  createUserSchema,
  loginSchema,
  setupSchema,
  type ApiKey,
  type User,
} from './access.schema.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const ROLE_SCOPES: Record<User['role'], ReadonlySet<Scope>> = {
  owner: new Set(['read', 'write', 'admin']),
  staff: new Set(['read', 'write']),
};
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function randomText(n: number): string {
  const bytes = randomBytes(n * 2);
  let out = '';
  for (let i = 0; out.length < n && i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out.length === n ? out : out + randomText(n - out.length);
}
// A real hash, used when the email is unknown, so sign-in takes the same time either way.
const DUMMY_HASH = argonHash('not-a-password-' + randomText(16));

/** Sign-in guessing, per account and shared by every process: 10 tries in 15 minutes, then locked 15 minutes. */
export const SIGN_IN_MAX_FAILURES = 10;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const SIGN_IN_LOCK_MS = 15 * 60_000;

/** Too many failed sign-ins for one account: answered 429 with Retry-After (seconds). */
export class SignInLocked extends AppError {
  readonly retryAfterSeconds: number;
  constructor(until: string, now: number) {
    const seconds = Math.max(1, Math.ceil((Date.parse(until) - now) / 1000));
    const minutes = Math.ceil(seconds / 60);
    super(
      'SIGN_IN_LOCKED',
      `Too many failed sign-ins for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      429,
    );
    this.retryAfterSeconds = seconds;
  }
}

/** Where a session was opened from (shown in the sessions list). */
export type SessionMeta = { userAgent?: string | undefined; ip?: string | undefined };

export type AccessDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  sessionDays: number;
  clock?: () => Date;
};

export function createAccessService({ db, workspaces, sessionDays, clock = () => new Date() }: AccessDeps) {
  const repo = createAccessRepository(db);
  // Told when a credential stops being valid in this process (key revoked, user disabled, signed out), so that
  // open event streams re-check theirs at once.
  const revokedListeners = new Set<() => void>();
  const revoked = () => {
    for (const l of revokedListeners) l();
  };
  const touched = new Map<string, number>();
  // a session's "last seen", written at most once a minute per session by this process
  const seenAt = new Map<string, number>();
  const seen = (id: string) => {
    const now = Date.now();
    if ((seenAt.get(id) ?? 0) > now - 60_000) return;
    if (seenAt.size > 10_000) seenAt.clear();
    seenAt.set(id, now);
    void repo.touchSession(id, new Date(now).toISOString()).catch(() => {});
  };
  // Resolved API keys by their hash, for a few seconds: an integration calls many times a second, and the
  // caller lookup is the hot path. A revocation here drops the entry at once; one made by another process
  // (the CLI, a second server) takes effect within KEY_CACHE_MS.
  const KEY_CACHE_MS = 5_000;
  const resolvedKeys = new Map<string, { actor: Actor; until: number }>();

  /** Validate and hash outside any transaction (argon2 is slow on purpose); then `insertUser` inside one. */
  async function prepareUser(input: unknown) {
    const v = createUserSchema.parse(input);
    return { ...v, passwordHash: await argonHash(v.password) };
  }

  async function insertUser(
    trx: Kysely<Database>,
    workspaceId: string,
    v: Awaited<ReturnType<typeof prepareUser>>,
    actor: string,
  ): Promise<User> {
    if (await repo.findUserByEmail(workspaceId, v.email, trx))
      throw conflict('USER_EMAIL_TAKEN', `A user with ${v.email} already exists in this workspace`);
    const user: User = {
      id: newId(),
      workspaceId,
      email: v.email,
      name: v.name || v.email.split('@')[0] || v.email,
      role: v.role,
      createdAt: nowIso(),
      disabledAt: null,
    };
    await repo.insertUser(trx, { ...user, passwordHash: v.passwordHash });
    await recordAudit(trx, {
      workspaceId,
      actor,
      action: 'create',
      entity: 'user',
      entityId: user.id,
      data: { email: user.email, role: user.role },
    });
    return user;
  }

  async function startSession(user: User, meta: SessionMeta = {}) {
    const token = randomBytes(32).toString('base64url');
    const createdAt = nowIso();
    const expiresAt = new Date(Date.now() + sessionDays * 86_400_000).toISOString();
    await repo.insertSession({
      id: sha256(token),
      workspaceId: user.workspaceId,
      userId: user.id,
      createdAt,
      expiresAt,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip ?? null,
    });
    return { token, expiresAt, user };
  }

  return {
    listUsers: (workspaceId: string) => repo.listUsers(workspaceId),

    async getUserOrThrow(workspaceId: string, id: string) {
      const u = await repo.findUser(workspaceId, id);
      if (!u) throw notFound('USER_NOT_FOUND', 'User');
      return u;
    },

    async createUser(workspaceId: string, input: unknown, actor: string): Promise<User> {
      await workspaces.getWorkspaceOrThrow(workspaceId);
      const v = await prepareUser(input);
      return writeTransaction(db, (t) => insertUser(t, workspaceId, v, actor), {
        rerunOnUniqueViolation: true,
      });
    },

    async setUserDisabled(workspaceId: string, id: string, disabled: boolean, actor: string): Promise<User> {
      await writeTransaction(db, async (t) => {
        // under the owners' row locks: two owners disabled at once never leave the workspace without one
        const owners = disabled ? await repo.countOwners(workspaceId, t, true) : 0;
        const u = await repo.findUser(workspaceId, id, t, true);
        if (!u) throw notFound('USER_NOT_FOUND', 'User');
        if (disabled && u.role === 'owner' && !u.disabledAt && owners <= 1)
          throw conflict('USER_LAST_OWNER', 'A workspace keeps at least one active owner');
        // already so: nothing changes, nothing is logged
        if (!(await repo.setUserDisabled(t, workspaceId, id, disabled ? nowIso() : null))) return;
        await recordAudit(t, {
          workspaceId,
          actor,
          action: disabled ? 'disable' : 'enable',
          entity: 'user',
          entityId: id,
        });
      });
      if (disabled) revoked();
      return (await repo.findUser(workspaceId, id)) as User;
    },

    /** First run: only while the install has no workspace. Creates the workspace and its owner, and signs them in. */
    async setup(input: unknown, meta: SessionMeta = {}) {
      const v = setupSchema.parse(input);
      if ((await workspaces.countWorkspaces()) > 0)
        throw conflict('SETUP_DONE', 'Rapport is already set up; sign in instead');
      const owner = await prepareUser({ ...v.owner, role: 'owner' });
      const user = await writeTransaction(db, async (t) => {
        await workspaces.lockCreation(t); // a parallel setup waits here, then finds the workspace (409)
        if ((await workspaces.countWorkspaces(t)) > 0)
          throw conflict('SETUP_DONE', 'Rapport is already set up; sign in instead');
        const ws = await workspaces.createWorkspace(v.workspace, 'setup', t);
        return insertUser(t, ws.id, owner, 'setup');
      });
      return startSession(user, meta);
    },

    /**
     * Sign in with email and password; the same answer for an unknown email and a wrong password. Every try
     * is counted against the email in the database before the password is checked (so parallel guesses and
     * other processes count too); past SIGN_IN_MAX_FAILURES in the window the account is locked (429) for
     * SIGN_IN_LOCK_MS, whatever the password. A successful sign-in clears the count.
     */
    async login(input: unknown, meta: SessionMeta = {}) {
      const v = loginSchema.parse(input);
      const now = clock().getTime();
      const attempt = await repo.countSignInAttempt(v.email, {
        now: new Date(now).toISOString(),
        windowStart: new Date(now - SIGN_IN_WINDOW_MS).toISOString(),
        lockUntil: new Date(now + SIGN_IN_LOCK_MS).toISOString(),
        max: SIGN_IN_MAX_FAILURES,
      });
      if (attempt.locked_until && Date.parse(attempt.locked_until) > now)
        throw new SignInLocked(attempt.locked_until, now);
      const candidates = await repo.findLoginCandidates(v.email);
      if (candidates.length === 0) await argonVerify(await DUMMY_HASH, v.password).catch(() => false);
      for (const c of candidates) {
        if (await argonVerify(c.passwordHash, v.password).catch(() => false)) {
          await repo.clearSignInAttempts(v.email);
          return startSession(c.user, meta);
        }
      }
      throw new AppError('LOGIN_FAILED', 'Email or password is not right', 401);
    },

    async logout(token: string) {
      await repo.deleteSession(sha256(token));
      revoked();
    },

    /** Tell open event streams in this process to re-check their credential (a session was revoked). */
    notifyRevoked: () => revoked(),

    /** Listen for credentials revoked in this process; answers the unsubscribe. */
    onRevoked(listener: () => void): () => void {
      revokedListeners.add(listener);
      return () => revokedListeners.delete(listener);
    },

    async resolveSession(token: string): Promise<Actor | undefined> {
      if (token.length > 100) return undefined;
      const s = await repo.findSession(sha256(token), nowIso());
      if (!s || s.disabled_at) return undefined;
      seen(sha256(token));
      return {
        workspaceId: s.workspace_id,
        kind: 'user',
        id: s.user_id,
        role: s.role,
        scopes: ROLE_SCOPES[s.role],
      };
    },

    /** Create an API key. The secret is returned once here and stored only as a hash. */
    async createApiKey(
      workspaceId: string,
      input: unknown,
      actor: string,
    ): Promise<{ key: string; apiKey: ApiKey }> {
      await workspaces.getWorkspaceOrThrow(workspaceId);
      const v = createApiKeySchema.parse(input);
      const prefix = randomText(12);
      const key = `rpk_${prefix}_${randomText(32)}`;
      const apiKey: ApiKey = {
        id: newId(),
        name: v.name,
        prefix,
        scopes: [...new Set(v.scopes)],
        createdAt: nowIso(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await writeTransaction(db, async (t) => {
        await repo.insertApiKey(t, { ...apiKey, workspaceId, keyHash: sha256(key), createdBy: actor });
        await recordAudit(t, {
          workspaceId,
          actor,
          action: 'create',
          entity: 'api_key',
          entityId: apiKey.id,
          data: { name: apiKey.name, scopes: apiKey.scopes },
        });
      });
      return { key, apiKey };
    },

    listApiKeys: (workspaceId: string) => repo.listApiKeys(workspaceId),

    async revokeApiKey(workspaceId: string, id: string, actor: string): Promise<ApiKey> {
      const existing = await repo.findApiKey(workspaceId, id);
      if (!existing) throw notFound('API_KEY_NOT_FOUND', 'API key');
      await writeTransaction(db, async (t) => {
        if (await repo.revokeApiKey(t, workspaceId, id, nowIso()))
          await recordAudit(t, { workspaceId, actor, action: 'revoke', entity: 'api_key', entityId: id });
      });
      for (const [hash, hit] of resolvedKeys) if (hit.actor.id === id) resolvedKeys.delete(hash);
      revoked();
      return (await repo.findApiKey(workspaceId, id)) as ApiKey;
    },

    /** The actor of an API key. `fresh`: read the database, not the few-seconds cache (event streams re-check). */
    async resolveApiKey(key: string, opts: { fresh?: boolean } = {}): Promise<Actor | undefined> {
      const m = /^rpk_([A-Za-z0-9]{12})_[A-Za-z0-9]{32}$/.exec(key);
      if (!m?.[1]) return undefined;
      const hash = sha256(key);
      const now = Date.now();
      const hit = resolvedKeys.get(hash);
      if (hit && hit.until > now && !opts.fresh) return hit.actor;
      const found = await repo.findApiKeyByPrefix(m[1]);
      if (!found || found.key.revokedAt) {
        resolvedKeys.delete(hash);
        return undefined;
      }
      const a = Buffer.from(found.keyHash, 'hex');
      const b = Buffer.from(hash, 'hex');
      if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
      if ((touched.get(found.key.id) ?? 0) < now - 60_000) {
        touched.set(found.key.id, now);
        void repo.touchApiKey(found.workspaceId, found.key.id, new Date(now).toISOString()).catch(() => {});
      }
      const actor: Actor = {
        workspaceId: found.workspaceId,
        kind: 'apikey',
        id: found.key.id,
        scopes: new Set(found.key.scopes),
      };
      if (resolvedKeys.size >= 10_000) resolvedKeys.clear();
      resolvedKeys.set(hash, { actor, until: now + KEY_CACHE_MS });
      return actor;
    },

    async deleteExpiredSessions() {
      await repo.deleteExpiredSessions(nowIso());
      const now = clock().getTime();
      await repo.deleteStaleSignInAttempts(
        new Date(now).toISOString(),
        new Date(now - SIGN_IN_WINDOW_MS).toISOString(),
      );
    },
  };
}
export type AccessService = ReturnType<typeof createAccessService>;
