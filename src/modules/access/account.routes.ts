import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/server.ts';
import { changePasswordSchema, sessionSchema } from './access.schema.ts';
import { SESSION_COOKIE } from './access.routes.ts';
import { sessionIdOf, type AccountService } from './account.ts';

/** The signed-in user behind a request, and the stored id of its session (an API key has neither). */
function userOf(request: FastifyRequest) {
  const a = actorOf(request);
  if (a.kind !== 'user')
    throw new AppError('ACCOUNT_NEEDS_USER', 'Only a signed-in user has an account (not an API key)', 403);
  return { ws: a.workspaceId, userId: a.id, current: sessionIdOf(request.cookies[SESSION_COOKIE]) };
}

/** Settings → Account: the user's own password and sessions (issue 19). */
export function registerAccountRoutes(root: FastifyInstance, { account }: { account: AccountService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['account'];

  app.post(
    '/auth/password',
    {
      schema: {
        tags,
        summary: 'Change my password (the current one is required); my other sessions end',
        body: changePasswordSchema,
        response: { 200: z.object({ sessionsEnded: z.number().int() }) },
      },
    },
    async (request) => {
      const u = userOf(request);
      return account.changePassword(u.ws, u.userId, request.body, u.current);
    },
  );
  app.get(
    '/auth/sessions',
    {
      schema: {
        tags,
        summary: 'My signed-in sessions (device, address, opened, last seen), newest first',
        response: { 200: z.object({ items: z.array(sessionSchema) }) },
      },
    },
    async (request) => {
      const u = userOf(request);
      return { items: await account.listSessions(u.ws, u.userId, u.current) };
    },
  );
  app.delete(
    '/auth/sessions/:sessionId',
    {
      schema: {
        tags,
        summary: 'End one of my sessions',
        params: z.object({ sessionId: z.string().max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const u = userOf(request);
      await account.revokeSession(u.ws, u.userId, request.params.sessionId);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/auth/sessions/revoke-others',
    {
      schema: {
        tags,
        summary: 'End all my sessions but this one',
        response: { 200: z.object({ revoked: z.number().int() }) },
      },
    },
    async (request) => {
      const u = userOf(request);
      return { revoked: await account.revokeOtherSessions(u.ws, u.userId, u.current) };
    },
  );
}
