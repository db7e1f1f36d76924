import type {
  ApiKey,
  CallerCard,
  Customer,
  CustomerInput,
  CustomerSummary,
  Interaction,
  InteractionKind,
  Kind,
  Me,
  Page,
  Role,
  Scope,
  User,
  Workspace,
} from './types.ts';

/** An RFC 9457 problem from the API: a stable code, a sentence, and the failing fields' pointers. */
export type Problem = {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  pointer?: string;
  errors?: { pointer: string; message: string }[];
  requestId?: string;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK', detail: 'Cannot reach the Rapport server.' });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
    throw new ApiError({ ...p, status: res.status, code: p.code ?? `HTTP_${res.status}` });
  }
  return data as T;
}

/**
 * Send a file as the request body (what the import endpoints take), reporting upload progress (0–1).
 * Answers the parsed JSON; errors are ApiErrors like request()'s.
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
    xhr.onerror = () =>
      reject(new ApiError({ status: 0, code: 'NETWORK', detail: 'Cannot reach the Rapport server.' }));
    xhr.onload = () => {
      let data: unknown = undefined;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
      const p = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
      reject(new ApiError({ ...p, status: xhr.status, code: p.code ?? `HTTP_${xhr.status}` }));
    };
    xhr.send(file);
  });
}

export const qs = (params: Record<string, string | number | undefined | null>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};

export type CustomerQuery = { q?: string; tag?: string; kind?: Kind; limit?: number; cursor?: string | null };

/** Every call the web app makes, in one place. */
export const api = {
  setupStatus: () => request<{ needsSetup: boolean }>('GET', '/api/v1/setup'),
  setup: (body: {
    workspace: { name: string; timezone: string; currency: string; region: string };
    owner: { email: string; name?: string; password: string };
  }) => request<{ user: User }>('POST', '/api/v1/setup', body),
  login: (email: string, password: string) =>
    request<{ user: User }>('POST', '/api/v1/auth/login', { email, password }),
  logout: () => request<void>('POST', '/api/v1/auth/logout'),
  me: () => request<Me>('GET', '/api/v1/me'),

  workspace: () => request<Workspace>('GET', '/api/v1/workspace'),
  updateWorkspace: (body: Partial<Pick<Workspace, 'name' | 'timezone' | 'currency' | 'region'>>) =>
    request<Workspace>('PATCH', '/api/v1/workspace', body),

  users: () => request<{ items: User[] }>('GET', '/api/v1/users'),
  createUser: (body: { email: string; name?: string; password: string; role: Role }) =>
    request<{ user: User } | User>('POST', '/api/v1/users', body),
  setUserEnabled: (id: string, enabled: boolean) =>
    request<unknown>('POST', `/api/v1/users/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`),

  apiKeys: () => request<{ items: ApiKey[] }>('GET', '/api/v1/api-keys'),
  createApiKey: (name: string, scopes: Scope[]) =>
    request<{ key: string; apiKey: ApiKey }>('POST', '/api/v1/api-keys', { name, scopes }),
  revokeApiKey: (id: string) => request<unknown>('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`),

  customers: (q: CustomerQuery) =>
    request<Page<CustomerSummary>>(
      'GET',
      `/api/v1/customers${qs({ q: q.q?.trim(), tag: q.tag, kind: q.kind, limit: q.limit ?? 30, cursor: q.cursor })}`,
    ),
  customer: (id: string) => request<Customer>('GET', `/api/v1/customers/${encodeURIComponent(id)}`),
  createCustomer: (body: CustomerInput) => request<Customer>('POST', '/api/v1/customers', body),
  updateCustomer: (id: string, body: Partial<CustomerInput>) =>
    request<Customer>('PATCH', `/api/v1/customers/${encodeURIComponent(id)}`, body),
  deleteCustomer: (id: string) => request<unknown>('DELETE', `/api/v1/customers/${encodeURIComponent(id)}`),
  timeline: (id: string, cursor?: string | null, limit = 20) =>
    request<Page<Interaction>>(
      'GET',
      `/api/v1/customers/${encodeURIComponent(id)}/timeline${qs({ limit, cursor })}`,
    ),
  addInteraction: (
    id: string,
    body: { kind: InteractionKind; direction?: 'inbound' | 'outbound'; body?: string; occurredAt?: string },
  ) => request<Interaction>('POST', `/api/v1/customers/${encodeURIComponent(id)}/interactions`, body),
  card: (id: string) => request<CallerCard>('GET', `/api/v1/customers/${encodeURIComponent(id)}/card`),
  lookup: (phone: string) => request<CallerCard>('GET', `/api/v1/lookup${qs({ phone })}`),
};
