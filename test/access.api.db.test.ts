import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`access: setup, sign-in, API keys, scopes (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());
    const json = (
      method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
      url: string,
      payload?: object,
      headers: Record<string, string> = {},
    ) => t.app.inject({ method, url, headers, ...(payload && { payload }) });

    it('runs first-run setup once, signs the owner in with a session cookie, and refuses a second setup', async () => {
      expect((await json('GET', '/api/v1/setup')).json()).toEqual({ needsSetup: true });
      const bad = await json('POST', '/api/v1/setup', {
        workspace: { name: 'B', timezone: 'Mars/Olympus', currency: 'NGN', region: 'NG' },
        owner: { email: 'a@b.co', password: 'longenough' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().pointer).toBe('/body/workspace/timezone');
      const res = await json('POST', '/api/v1/setup', {
        workspace: { name: 'Bakery', timezone: 'Africa/Lagos', currency: 'ngn', region: 'ng' },
        owner: { email: 'Owner@Bakery.ng', password: 'longenough' },
      });
      expect(res.statusCode).toBe(201);
      const cookie = res.cookies.find((c) => c.name === 'rapport_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      const me = await json('GET', '/api/v1/me', undefined, { cookie: `rapport_session=${cookie?.value}` });
      expect(me.json()).toMatchObject({
        user: { email: 'owner@bakery.ng', role: 'owner' },
        workspace: { name: 'Bakery', currency: 'NGN', region: 'NG' },
      });
      expect((await json('GET', '/api/v1/setup')).json()).toEqual({ needsSetup: false });
      const again = await json('POST', '/api/v1/setup', {
        workspace: { name: 'X', timezone: 'UTC', currency: 'USD', region: 'US' },
        owner: { email: 'x@y.co', password: 'longenough' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('SETUP_DONE');
    });

    it('signs in and out; a wrong password and an unknown email get the same 401', async () => {
      const wrong = await json('POST', '/api/v1/auth/login', {
        email: 'owner@bakery.ng',
        password: 'nope-nope',
      });
      const unknown = await json('POST', '/api/v1/auth/login', {
        email: 'ghost@bakery.ng',
        password: 'nope-nope',
      });
      expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
      expect(wrong.json().code).toBe(unknown.json().code);
      const ok = await json('POST', '/api/v1/auth/login', {
        email: 'OWNER@bakery.ng',
        password: 'longenough',
      });
      expect(ok.statusCode).toBe(200);
      const cookie = `rapport_session=${ok.cookies.find((c) => c.name === 'rapport_session')?.value}`;
      expect((await json('GET', '/api/v1/me', undefined, { cookie })).statusCode).toBe(200);
      expect((await json('POST', '/api/v1/auth/logout', undefined, { cookie })).statusCode).toBe(204);
      expect((await json('GET', '/api/v1/me', undefined, { cookie })).statusCode).toBe(401);
    });

    it('slows down password guessing: the 11th attempt in a minute answers 429', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'guess@x.ng', password: `guess-${i}` },
          remoteAddress: '10.9.9.9',
        });
        codes.push(res.statusCode);
        if (res.statusCode === 429) expect(res.json().code).toBe('RATE_LIMITED');
      }
      expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
      expect(codes[10]).toBe(429);
    });

    it('stores passwords with argon2 and API keys only as hashes', async () => {
      const w = await t.newWorkspace();
      const users = await t.conn.db.selectFrom('users').select('password_hash').execute();
      for (const u of users) expect(u.password_hash).toMatch(/^\$argon2id\$/);
      const keys = await t.conn.db
        .selectFrom('api_keys')
        .selectAll()
        .where('workspace_id', '=', w.workspaceId)
        .execute();
      for (const k of keys) {
        expect(k.key_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(k)).not.toContain(w.key.split('_')[2]);
      }
    });

    it('answers 401 without a valid key, 403 without the scope, and honours revocation', async () => {
      const w = await t.newWorkspace();
      expect((await json('GET', '/api/v1/customers')).json().code).toBe('UNAUTHENTICATED');
      expect(
        (await json('GET', '/api/v1/customers', undefined, { authorization: 'Bearer rpk_nope' })).statusCode,
      ).toBe(401);
      const ro = await json('POST', '/api/v1/api-keys', { name: 'reader', scopes: ['read'] }, w.auth);
      expect(ro.statusCode).toBe(201);
      const { key, apiKey } = ro.json();
      const readOnly = { authorization: `Bearer ${key}` };
      expect((await json('GET', '/api/v1/customers', undefined, readOnly)).statusCode).toBe(200);
      const denied = await json('POST', '/api/v1/customers', { name: 'X' }, readOnly);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().code).toBe('FORBIDDEN_SCOPE');
      expect((await json('GET', '/api/v1/api-keys', undefined, readOnly)).statusCode).toBe(403);
      const list = (await json('GET', '/api/v1/api-keys', undefined, w.auth)).json();
      expect(JSON.stringify(list)).not.toContain(key);
      expect(
        (await json('DELETE', `/api/v1/api-keys/${apiKey.id}`, undefined, w.auth)).json().revokedAt,
      ).not.toBeNull();
      expect((await json('GET', '/api/v1/customers', undefined, readOnly)).statusCode).toBe(401);
    });

    it('lets an owner create staff; staff cannot manage keys or users', async () => {
      const w = await t.newWorkspace();
      const created = await json(
        'POST',
        '/api/v1/users',
        { email: 'staff@shop.ng', password: 'staffpass1', role: 'staff' },
        w.auth,
      );
      expect(created.statusCode).toBe(201);
      const dup = await json(
        'POST',
        '/api/v1/users',
        { email: 'STAFF@shop.ng', password: 'staffpass1' },
        w.auth,
      );
      expect(dup.json().code).toBe('USER_EMAIL_TAKEN');
      const login = await json('POST', '/api/v1/auth/login', {
        email: 'staff@shop.ng',
        password: 'staffpass1',
      });
      const cookie = `rapport_session=${login.cookies.find((c) => c.name === 'rapport_session')?.value}`;
      const browser = { cookie, origin: 'http://localhost' }; // a browser sends Origin with every write
      expect((await json('POST', '/api/v1/customers', { name: 'Walk-in' }, browser)).statusCode).toBe(201);
      expect((await json('POST', '/api/v1/api-keys', { name: 'k' }, browser)).statusCode).toBe(403);
      expect(
        (await json('POST', `/api/v1/users/${created.json().id}/disable`, undefined, w.auth)).json()
          .disabledAt,
      ).not.toBeNull();
      expect((await json('GET', '/api/v1/me', undefined, { cookie })).statusCode).toBe(401);
      expect((await json('POST', `/api/v1/users/${w.ownerId}/disable`, undefined, w.auth)).json().code).toBe(
        'USER_LAST_OWNER',
      );
    });

    it('records changes in the audit log', async () => {
      const w = await t.newWorkspace();
      const c = (await json('POST', '/api/v1/customers', { name: 'Audited' }, w.auth)).json();
      await json('PATCH', `/api/v1/customers/${c.id}`, { needs: 'quiet corner' }, w.auth);
      const rows = await t.conn.db
        .selectFrom('audit_log')
        .select(['action', 'actor'])
        .where('workspace_id', '=', w.workspaceId)
        .where('entity_id', '=', c.id)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.action)).toEqual(['create', 'update']);
      expect(rows[0]?.actor).toMatch(/^apikey:/);
    });

    it('serves health and an OpenAPI 3.1 document generated from the schemas', async () => {
      expect((await json('GET', '/healthz')).statusCode).toBe(200);
      const doc = (await json('GET', '/openapi.json')).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/customers',
          '/api/v1/customers/{id}',
          '/api/v1/lookup',
          '/api/v1/calls',
          '/api/v1/customers/{id}/timeline',
        ]),
      );
      expect(JSON.stringify(doc.paths['/api/v1/customers'].post)).toContain('phones');
      // every $ref points at a component that exists
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
        (m) => m[1] ?? '',
      );
      expect(refs.length).toBeGreaterThan(10);
      for (const r of new Set(refs)) expect(doc.components.schemas, r).toHaveProperty(r);
    });
  });
}
