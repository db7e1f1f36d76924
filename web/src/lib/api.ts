import createClient from 'openapi-fetch';
import type { components, paths } from './api.gen.ts';

/*
 * The web app's side of the API contract. Every shape here comes from api.gen.ts, which `npm run gen:api`
 * generates from the server's OpenAPI document (the zod schemas of src/modules): nothing is written twice,
 * and a server change that breaks the web app fails its type check.
 */
type Schemas = components['schemas'];
/** The JSON a path answers with 2xx to a method. */
export type Answer<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer J } } }
    ? J
    : R extends { 201: { content: { 'application/json': infer J } } }
      ? J
      : R extends { 202: { content: { 'application/json': infer J } } }
        ? J
        : never
  : never;
/** The JSON a path answers to a method with one status. */
export type AnswerAt<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
  S extends number,
> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer J } } } } ? J : never;
/** The JSON body a path takes for a method. */
export type BodyOf<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type User = Schemas['User'];
export type Role = User['role'];
export type Workspace = Schemas['Workspace'];
export type Me = Answer<'/api/v1/me', 'get'>;
export type ApiKey = Schemas['ApiKey'];
export type Scope = ApiKey['scopes'][number];
export type Customer = Schemas['Customer'];
export type Kind = Customer['kind'];
export type Channel = NonNullable<Customer['preferredChannel']>;
export type Phone = Schemas['Phone'];
export type Email = Schemas['Email'];
export type Address = Schemas['Address'];
export type CustomerRef = NonNullable<Customer['business']>;
export type CustomFieldValue = Customer['customFields'][string];
export type CustomerSummary = Schemas['CustomerSummary'];
/** What creating a customer takes (the PATCH takes any part of it). */
export type CustomerInput = BodyOf<'/api/v1/customers/{id}', 'patch'> & BodyOf<'/api/v1/customers', 'post'>;
export type Interaction = Schemas['Interaction'];
export type InteractionKind = BodyOf<'/api/v1/customers/{id}/interactions', 'post'>['kind'];
export type PurchaseSummary = Schemas['PurchaseSummary'];
export type CallerCard = Schemas['CallerCard'];
export type CallEvent = Schemas['CallEvent'];
/** A page of a list: its items and the cursor of the next page (null on the last). */
export type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * Every member of a server enum, listed once for the UI (menus, chips): the type check fails when the list
 * misses a member or has one the server does not know.
 */
export const allOf =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> }),
  ) =>
    list;

export const INTERACTION_KINDS = allOf<InteractionKind>()([
  'call',
  'visit',
  'message',
  'email',
  'sms',
  'whatsapp',
  'note',
  'meeting',
]);

/** Every code an API error can carry (the server's error catalogue), and those the web app adds. */
export type ErrorCode = Schemas['Problem']['code'] | 'NETWORK' | `HTTP_${number}`;

/** An RFC 9457 problem from the API: a stable code, a sentence, and the failing fields' pointers. */
export type Problem = Omit<Schemas['Problem'], 'code' | 'type' | 'title'> & {
  code: ErrorCode;
  type?: string;
  title?: string;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `Request failed (${problem.status})`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }
}

export const isApiError = (e: unknown, status?: number): e is ApiError =>
  e instanceof ApiError && (status === undefined || e.status === status);

/** A human sentence for any error, for alerts. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return 'Cannot reach the Rapport server. Check the connection and try again.';
    if (e.code === 'RATE_LIMITED') return 'Too many attempts. Wait a minute and try again.';
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

const unreachable = () =>
  new ApiError({ status: 0, code: 'NETWORK', detail: 'Cannot reach the Rapport server.' });
const problemOf = (status: number, data: unknown) => {
  const p = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
  return new ApiError({ ...p, status, code: p.code ?? `HTTP_${status}` });
};

/** Query strings leave out what is not set (undefined, null, '' and false). */
function queryString(params: Record<string, unknown>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '' && v !== false) u.set(k, String(v));
  return u.toString();
}
export const qs = (params: Record<string, string | number | boolean | undefined | null>) => {
  const s = queryString(params);
  return s ? `?${s}` : '';
};

/** The typed client of the API (openapi-fetch over api.gen.ts): paths, parameters and bodies are checked. */
export const client = createClient<paths>({
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
  querySerializer: queryString,
});

/** The data of a typed call, or an ApiError (status 0 when the server cannot be reached). */
export async function ok<D>(pending: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  let r: { data?: D; error?: unknown; response: Response };
  try {
    r = await pending;
  } catch {
    throw unreachable();
  }
  if (!r.response.ok) throw problemOf(r.response.status, r.error);
  return r.data as D;
}

/**
 * Send a file as the request body (what the import endpoints take), reporting upload progress (0–1).
 * Answers the parsed JSON (typed by the path's answer); errors are ApiErrors like ok()'s.
 */
export function uploadFile<T>(path: string, file: Blob, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(unreachable());
    xhr.onload = () => {
      let data: unknown = undefined;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
      reject(problemOf(xhr.status, data));
    };
    xhr.send(file);
  });
}

export type CustomerQuery = { q?: string; tag?: string; kind?: Kind; limit?: number; cursor?: string | null };

const id = (value: string) => ({ path: { id: value } });

/** Every call of the web app's core (sign-in, settings, customers), in one place. */
export const api = {
  setupStatus: () => ok(client.GET('/api/v1/setup')),
  setup: (body: BodyOf<'/api/v1/setup', 'post'>) => ok(client.POST('/api/v1/setup', { body })),
  login: (email: string, password: string) =>
    ok(client.POST('/api/v1/auth/login', { body: { email, password } })),
  logout: () => ok(client.POST('/api/v1/auth/logout')),
  me: () => ok(client.GET('/api/v1/me')),

  workspace: () => ok(client.GET('/api/v1/workspace')),
  updateWorkspace: (body: BodyOf<'/api/v1/workspace', 'patch'>) =>
    ok(client.PATCH('/api/v1/workspace', { body })),

  users: () => ok(client.GET('/api/v1/users')),
  createUser: (body: BodyOf<'/api/v1/users', 'post'>) => ok(client.POST('/api/v1/users', { body })),
  setUserEnabled: (userId: string, enabled: boolean) =>
    enabled
      ? ok(client.POST('/api/v1/users/{id}/enable', { params: id(userId) }))
      : ok(client.POST('/api/v1/users/{id}/disable', { params: id(userId) })),

  apiKeys: () => ok(client.GET('/api/v1/api-keys')),
  createApiKey: (name: string, scopes: Scope[]) =>
    ok(client.POST('/api/v1/api-keys', { body: { name, scopes } })),
  revokeApiKey: (keyId: string) => ok(client.DELETE('/api/v1/api-keys/{id}', { params: id(keyId) })),

  customers: (q: CustomerQuery) =>
    ok(
      client.GET('/api/v1/customers', {
        params: {
          query: {
            q: q.q?.trim(),
            tag: q.tag,
            kind: q.kind,
            limit: q.limit ?? 30,
            cursor: q.cursor ?? undefined,
          },
        },
      }),
    ),
  customer: (customerId: string) => ok(client.GET('/api/v1/customers/{id}', { params: id(customerId) })),
  createCustomer: (body: CustomerInput) => ok(client.POST('/api/v1/customers', { body })),
  updateCustomer: (customerId: string, body: Partial<CustomerInput>) =>
    ok(client.PATCH('/api/v1/customers/{id}', { params: id(customerId), body })),
  deleteCustomer: (customerId: string) =>
    ok(client.DELETE('/api/v1/customers/{id}', { params: id(customerId) })),
  timeline: (customerId: string, cursor?: string | null, limit = 20) =>
    ok(
      client.GET('/api/v1/customers/{id}/timeline', {
        params: { path: { id: customerId }, query: { limit, cursor: cursor ?? undefined } },
      }),
    ),
  addInteraction: (customerId: string, body: BodyOf<'/api/v1/customers/{id}/interactions', 'post'>) =>
    ok(client.POST('/api/v1/customers/{id}/interactions', { params: id(customerId), body })),
  card: (customerId: string) => ok(client.GET('/api/v1/customers/{id}/card', { params: id(customerId) })),
  lookup: (phone: string) => ok(client.GET('/api/v1/lookup', { params: { query: { phone } } })),
};
