import { Readable } from 'node:stream';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { newId } from '../db/ids.ts';
import { AppError } from '../errors.ts';
import { stripNulDeep } from '../values.ts';
import type { Actor, Scope } from './actor.ts';
import { handleError, sendProblem } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
  }
  interface FastifyContextConfig {
    /** Public routes skip authentication (setup, sign-in, health). */
    public?: boolean;
    /** The scope a route needs; default: `read` for GET/HEAD, `write` otherwise. */
    scope?: Scope;
  }
}

export type App = FastifyInstance;

export type ServerOptions = {
  logLevel: string;
  trustProxy: boolean;
  /** Resolve the caller from a bearer key or session cookie; undefined = not signed in. */
  authenticate: (request: FastifyRequest) => Promise<Actor | undefined>;
  /** Register every route on the app. */
  routes: (app: FastifyInstance) => Promise<void> | void;
  /** Register after the API (e.g. the web app's static files). */
  afterRoutes?: (app: FastifyInstance) => Promise<void> | void;
  ready: () => Promise<boolean>;
  version: string;
};

/**
 * The HTTP server: zod-validated routes, OpenAPI 3.1 at /openapi.json, problem+json errors,
 * request ids, and authentication for everything under /api/ except routes marked public.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: opts.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
    trustProxy: opts.trustProxy,
    genReqId: () => newId(),
    requestIdHeader: false,
    bodyLimit: 1_048_576,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      requestId: String(request.id),
    }),
  );
  app.decorateRequest('actor', undefined);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(cookie);
  // Off by default; routes that guess secrets (sign-in, setup) opt in with `config.rateLimit`.
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Rapport API',
        version: opts.version,
        description: 'Keep customers for life. All money in integer minor units; instants in UTC ISO-8601.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key: `Authorization: Bearer rpk_…`',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'rapport_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // schemas registered with .meta({ id }) become components, so every $ref resolves
    transformObject: jsonSchemaTransformObject,
  });

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const cfg = request.routeOptions.config;
    if (cfg?.public) return;
    const actor = await opts.authenticate(request);
    if (!actor)
      throw new AppError(
        'UNAUTHENTICATED',
        'Sign in, or send an API key as "Authorization: Bearer <key>"',
        401,
      );
    const needed: Scope =
      cfg?.scope ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    if (!actor.scopes.has(needed))
      throw new AppError('FORBIDDEN_SCOPE', `This needs the "${needed}" scope`, 403);
    request.actor = actor;
  });

  // NUL cannot be stored in PostgreSQL text and means nothing in a name or a note: every string a request
  // brings (body, query, path) loses it here, before validation, so both databases answer alike.
  app.addHook('preValidation', async (request) => {
    if (request.body && typeof request.body === 'object' && !(request.body instanceof Readable))
      request.body = stripNulDeep(request.body);
    if (request.query) request.query = stripNulDeep(request.query);
    if (request.params) request.params = stripNulDeep(request.params);
  });

  app.get('/healthz', { schema: { hide: true }, config: { public: true } }, async (_req, reply) => {
    const ok = await opts.ready().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());

  await app.register(async (scoped) => {
    await opts.routes(scoped);
  });
  if (opts.afterRoutes) await opts.afterRoutes(app);
  return app;
}

/** The signed-in actor of an authenticated route (the onRequest hook guarantees it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED', 'Not signed in', 401);
  return request.actor;
}

export type { ZodTypeProvider };
