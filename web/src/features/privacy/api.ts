import { client, ok, type BodyOf } from '../../lib/api.ts';

/** Privacy and accounts (issue 19): a customer's data, erasing them; my password and sessions. */
export type PasswordInput = BodyOf<'/api/v1/auth/password', 'post'>;

export const privacyKeys = { sessions: ['account', 'sessions'] as const };

/** The readable page of everything held on a customer (opens in a new tab; print or save it). */
export const dataExportUrl = (id: string, format: 'html' | 'json') =>
  `/api/v1/customers/${encodeURIComponent(id)}/data-export${format === 'html' ? '?format=html' : ''}`;

export const privacyApi = {
  erase: (id: string, reason: string) =>
    ok(client.POST('/api/v1/customers/{id}/erase', { params: { path: { id } }, body: { reason } })),
  sessions: () => ok(client.GET('/api/v1/auth/sessions')),
  revokeSession: (sessionId: string) =>
    ok(client.DELETE('/api/v1/auth/sessions/{sessionId}', { params: { path: { sessionId } } })),
  revokeOthers: () => ok(client.POST('/api/v1/auth/sessions/revoke-others')),
  changePassword: (body: PasswordInput) => ok(client.POST('/api/v1/auth/password', { body })),
};

export type AccountSession = Awaited<ReturnType<typeof privacyApi.sessions>>['items'][number];
