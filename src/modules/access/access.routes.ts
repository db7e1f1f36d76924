import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { actorRef } from '../../platform/http/actor.ts';
import { workspaceSchema, type WorkspaceService } from '../workspaces/index.ts';
import { SignInLocked, type AccessService } from './access.service.ts';
import {
  apiKeySchema,
  createApiKeySchema,
  createUserSchema,
  loginSchema,
  setupSchema,
  userSchema,
} from './access.schema.ts';

export const SESSION_COOKIE = 'rapport_session';
const idParams = z.object({ id: z.string().max(100) });
/** Password guessing is slowed per client address (in this process); the per-account lockout is in the service. */
const SIGN_IN_LIMIT = { max: 10, timeWindow: '1 minute' };

/** The device and address a sign-in comes from (kept with the session, shown in the sessions list). */
const sessionMeta = (request: FastifyRequest) => ({
  userAgent: request.headers['user-agent'],
  ip: request.ip,
});

export function registerAccessRoutes(
  root: FastifyInstance,
  deps: { access: AccessService; workspaces: WorkspaceService; cookieSecure: 'auto' | 'true' | 'false' },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { access, workspaces } = deps;

  const setCookie = (request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string) => {
    const secure = deps.cookieSecure === 'auto' ? request.protocol === 'https' : deps.cookieSecure === 'true';
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      expires: new Date(expiresAt),
    });
  };

  app.get(
    '/setup',
    {
      config: { public: true },
      schema: {
        tags: ['access'],
        summary: 'Does this install still need its first-run setup?',
        response: { 200: z.object({ needsSetup: z.boolean() }) },
      },
    },
    async () => ({ needsSetup: (await workspaces.countWorkspaces()) === 0 }),
  );

  app.post(
    '/setup',
    {
      config: { public: true, rateLimit: SIGN_IN_LIMIT },
      schema: {
        tags: ['access'],
        summary: 'First run: create the workspace and its owner, signed in',
        body: setupSchema,
        response: { 201: z.object({ user: userSchema }) },
      },
    },
    async (request, reply) => {
      const s = await access.setup(request.body, sessionMeta(request));
      setCookie(request, reply, s.token, s.expiresAt);
      return reply.code(201).send({ user: s.user });
    },
  );

  app.post(
    '/auth/login',
    {
      config: { public: true, rateLimit: SIGN_IN_LIMIT },
      schema: {
        tags: ['access'],
        summary: 'Sign in (sets the session cookie)',
        description:
          'After 10 failed tries for one email in 15 minutes the account is locked for 15 minutes: 429 SIGN_IN_LOCKED with Retry-After.',
        body: loginSchema,
        response: { 200: z.object({ user: userSchema }) },
      },
    },
    async (request, reply) => {
      const s = await access.login(request.body, sessionMeta(request)).catch((e: unknown) => {
        if (e instanceof SignInLocked) reply.header('retry-after', String(e.retryAfterSeconds));
        throw e;
      });
      setCookie(request, reply, s.token, s.expiresAt);
      return { user: s.user };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { public: true },
      schema: { tags: ['access'], summary: 'Sign out', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await access.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['access'],
        summary: 'Who am I: the signed-in user (or API key) and their workspace',
        response: {
          200: z.object({
            user: userSchema.nullable(),
            scopes: z.array(z.string()),
            workspace: workspaceSchema,
          }),
        },
      },
    },
    async (request) => {
      const a = actorOf(request);
      const user = a.kind === 'user' ? await access.getUserOrThrow(a.workspaceId, a.id) : null;
      return { user, scopes: [...a.scopes], workspace: await workspaces.getWorkspaceOrThrow(a.workspaceId) };
    },
  );

  app.get(
    '/users',
    {
      schema: {
        tags: ['access'],
        summary: 'List users',
        response: { 200: z.object({ items: z.array(userSchema) }) },
      },
    },
    async (request) => ({
      items: await access.listUsers(actorOf(request).workspaceId),
    }),
  );

  app.post(
    '/users',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Create a user (owner or staff)',
        body: createUserSchema,
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await access.createUser(a.workspaceId, request.body, actorRef(a)));
    },
  );

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/users/:id/${verb}`,
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['access'],
          summary: `${verb === 'disable' ? 'Disable' : 'Re-enable'} a user`,
          params: idParams,
          response: { 200: userSchema },
        },
      },
      async (request) => {
        const a = actorOf(request);
        return access.setUserDisabled(a.workspaceId, request.params.id, disabled, actorRef(a));
      },
    );
  }

  app.get(
    '/api-keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'List API keys (never their secrets)',
        response: { 200: z.object({ items: z.array(apiKeySchema) }) },
      },
    },
    async (request) => ({ items: await access.listApiKeys(actorOf(request).workspaceId) }),
  );

  app.post(
    '/api-keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Create an API key; the key is shown once, in this response',
        body: createApiKeySchema,
        response: { 201: z.object({ key: z.string(), apiKey: apiKeySchema }) },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await access.createApiKey(a.workspaceId, request.body, actorRef(a)));
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Revoke an API key',
        params: idParams,
        response: { 200: apiKeySchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return access.revokeApiKey(a.workspaceId, request.params.id, actorRef(a));
    },
  );
}
