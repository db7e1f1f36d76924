import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/** Methods that change state: the ones a cross-site page must not make on a signed-in user's behalf. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Content types an HTML form or a no-cors fetch may send without a CORS preflight. A cookie-authenticated
 * write in one of them is refused: the web app sends JSON or application/octet-stream (file uploads).
 */
const SIMPLE_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

const mediaType = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Does the request's `Origin` name this server (its own Host, or X-Forwarded-Host behind a trusted proxy)? */
function originMatches(origin: string, request: FastifyRequest): boolean {
  if (origin === 'null') return false;
  try {
    const o = new URL(origin);
    // Host as the Origin would spell it (a default port is left out of both)
    return o.host === new URL(`${o.protocol}//${request.host}`).host;
  } catch {
    return false;
  }
}

/**
 * Where a browser says the request comes from: 'same' (Origin matches, or Sec-Fetch-Site is same-origin or
 * none), 'cross' (it names another origin, including another port of the same host), or 'unknown' (neither
 * header: not a browser, or a very old one).
 */
export function requestProvenance(request: FastifyRequest): 'same' | 'cross' | 'unknown' {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== '') return originMatches(origin, request) ? 'same' : 'cross';
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '')
    return site === 'same-origin' || site === 'none' ? 'same' : 'cross';
  return 'unknown';
}

/**
 * CSRF defence for a state-changing request authenticated by the session cookie: the browser must say it
 * comes from this origin (Origin or Sec-Fetch-Site), and the body must not be in a type a cross-site form
 * can send. SameSite=Strict on the cookie does not cover another port of the same host ("same site").
 */
export function assertSameOriginCookieWrite(request: FastifyRequest) {
  if (!UNSAFE_METHODS.has(request.method)) return;
  const from = requestProvenance(request);
  if (from !== 'same')
    throw new AppError(
      'CROSS_ORIGIN_REFUSED',
      from === 'cross'
        ? 'This request comes from another site; it was refused'
        : 'A signed-in change needs an Origin header naming this server (or use an API key)',
      403,
    );
  const type = mediaType(request);
  if (SIMPLE_TYPES.includes(type))
    throw new AppError(
      'CONTENT_TYPE_REFUSED',
      `A signed-in change cannot be sent as ${type}: send application/json (or application/octet-stream for a file)`,
      415,
    );
}

/** A public write (sign-in, setup, sign-out) from another site is refused; clients without Origin are let by. */
export function assertNotCrossSite(request: FastifyRequest) {
  if (UNSAFE_METHODS.has(request.method) && requestProvenance(request) === 'cross')
    throw new AppError('CROSS_ORIGIN_REFUSED', 'This request comes from another site; it was refused', 403);
}

/** Query parameters whose values are harmless to log; every other value (phone, q, email, …) is redacted. */
const LOGGABLE_QUERY = new Set(['limit', 'preset', 'dryRun', 'status', 'sort', 'order', 'kind', 'days']);

/**
 * The URL as request logs show it: the path, and the query with every value redacted except a few harmless
 * ones, so phone numbers and search terms stay out of logs (`/api/v1/customers?q=[redacted]&limit=20`).
 */
export function loggableUrl(raw: string): string {
  // a public link's token is its only credential (unsubscribe, preferences, surveys): never in a log
  const url = raw.replace(/^\/p\/([a-z-]+)\/[^/?#]+/, '/p/$1/[redacted]');
  const i = url.indexOf('?');
  if (i < 0) return url;
  const parts = url
    .slice(i + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replaceAll('+', ' '));
      } catch {
        /* keep it raw */
      }
      if (eq < 0) return rawKey;
      return LOGGABLE_QUERY.has(key) ? pair : `${rawKey}=[redacted]`;
    });
  return `${url.slice(0, i)}?${parts.join('&')}`;
}
