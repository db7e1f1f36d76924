import { Readable } from 'node:stream';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
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
import { assertNotCrossSite, assertSameOriginCookieWrite, loggableUrl } from './guard.ts';
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

/** Where the API lives. Route files leave it out of their paths: they are mounted under it. */
export const API_PREFIX = '/api/v1';

/**
 * zod → OpenAPI for each route, and its error answer: every documented operation may answer a problem
 * (components.schemas.Problem, whose `code` is the error catalogue), so typed clients see the error shape.
 */
const withProblemAnswers: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const schema = out.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
  if (!schema || schema.hide) return out;
  schema.response = {
    ...(schema.response ?? { 200: { description: 'Default Response', type: 'null' } }),
    default: {
      description: 'An error (RFC 9457 problem details; `code` is one of the error catalogue)',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    },
  };
  return out;
};

export type ServerOptions = {
  logLevel: string;
  /** Where logs go (default: stdout). */
  logStream?: NodeJS.WritableStream;
  trustProxy: boolean;
  /** Resolve the caller from a bearer key or session cookie; undefined = not signed in. */
  authenticate: (request: FastifyRequest) => Promise<Actor | undefined>;
  /** Register every API route; they are mounted under API_PREFIX, so their paths leave it out. */
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
      ...(opts.logStream && { stream: opts.logStream }),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      // Fastify's request serializer, with the query's values redacted (phone numbers, search terms).
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: loggableUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          ...(req.socket?.remotePort !== undefined && { remotePort: req.socket.remotePort }),
        }),
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
  // Security headers on every answer. The web app is a Vite build: scripts only from this origin (no inline
  // script), inline styles allowed (Mantine writes style attributes and <style> tags), no framing at all.
  // No HSTS or upgrade-insecure-requests here: a shop may serve Rapport over plain HTTP on its own network;
  // the TLS-terminating proxy sets HSTS.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });
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
    transform: withProblemAnswers,
    // schemas registered with .meta({ id }) become components, so every $ref resolves
    transformObject: jsonSchemaTransformObject,
  });

  // Authentication is decided on the route fastify matched (its pattern, after percent-decoding), never on the
  // raw URL: `/%61pi/v1/…` reaches the same handler as `/api/v1/…` and needs the same key.
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) return;
    const cfg = request.routeOptions.config;
    if (cfg?.public) return assertNotCrossSite(request);
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
    if (actor.kind === 'user') assertSameOriginCookieWrite(request); // signed in by cookie: CSRF checks
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

  // every API route under one prefix: a route file says `/customers`, clients call `/api/v1/customers`
  await app.register(
    async (scoped) => {
      await opts.routes(scoped);
    },
    { prefix: API_PREFIX },
  );
  if (opts.afterRoutes) await opts.afterRoutes(app);
  return app;
}

/** The signed-in actor of an authenticated route (the onRequest hook guarantees it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED', 'Not signed in', 401);
  return request.actor;
}

export type { ZodTypeProvider };
