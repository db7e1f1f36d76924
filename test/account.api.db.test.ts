import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

/**
 * Accounts (issue 19): a signed-in user's sessions are listed with their device and address and can be ended one
 * by one or all but this one; a password change needs the current password, happens once under parallel
 * requests, and ends every other session.
 */
for (const dialect of DIALECTS) {
  describe(`account (${dialect})`, () => {
    let t: TestApp;
    let ws: Awaited<ReturnType<TestApp['newWorkspace']>>;
    let email: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ws = await t.newWorkspace();
      const users = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: ws.auth });
      email = users.json().items[0].email;
    });
    afterAll(() => t.closeAll());

    const login = async (password = 'correct horse', agent = 'Test browser', who = email) => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'user-agent': agent },
        payload: { email: who, password },
      });
      if (r.statusCode !== 200) return undefined;
      const c = r.headers['set-cookie'];
      return { cookie: String(Array.isArray(c) ? c[0] : c).split(';')[0] as string };
    };
    const as = (
      s: { cookie: string } | undefined,
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: object,
    ) =>
      t.app.inject({
        method,
        url,
        headers: { cookie: s?.cookie ?? '', origin: 'http://localhost:80' },
        ...(payload && { payload }),
      });
    const signedIn = async (s: { cookie: string } | undefined) =>
      (await as(s, 'GET', '/api/v1/me')).statusCode;

    it('lists my sessions and ends one, or all but this one', async () => {
      const phone = await login(undefined, 'Phone A');
      const laptop = await login(undefined, 'Laptop B');
      const tablet = await login(undefined, 'Tablet C');
      const list = (await as(phone, 'GET', '/api/v1/auth/sessions')).json().items;
      expect(list).toHaveLength(3);
      expect(list.filter((s: { current: boolean }) => s.current)).toMatchObject([{ userAgent: 'Phone A' }]);
      expect(list.every((s: { ip: string; createdAt: string }) => s.ip && s.createdAt)).toBe(true);
      const idOf = (agent: string) =>
        list.find((s: { userAgent: string }) => s.userAgent === agent).id as string;

      const end = await as(phone, 'DELETE', `/api/v1/auth/sessions/${idOf('Laptop B')}`);
      expect(end.statusCode).toBe(204);
      expect(await signedIn(laptop)).toBe(401);
      expect(await signedIn(phone)).toBe(200);

      // 50 at once: one ends it, the others find nothing
      const many = await Promise.all(
        Array.from({ length: 50 }, () => as(phone, 'DELETE', `/api/v1/auth/sessions/${idOf('Tablet C')}`)),
      );
      expect(many.filter((r) => r.statusCode === 204)).toHaveLength(1);
      expect(many.filter((r) => r.statusCode === 404)).toHaveLength(49);
      expect(await signedIn(tablet)).toBe(401);

      // another workspace's user cannot end mine; an API key has no sessions
      const other = await t.newWorkspace();
      const otherEmail = (
        await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: other.auth })
      ).json().items[0].email;
      const stranger = await login(undefined, 'Stranger', otherEmail);
      expect((await as(stranger, 'DELETE', `/api/v1/auth/sessions/${idOf('Phone A')}`)).statusCode).toBe(404);
      expect(await signedIn(phone)).toBe(200);
      const key = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: ws.auth });
      expect(key.statusCode).toBe(403);

      const again = await login(undefined, 'Laptop B');
      const others = await Promise.all(
        Array.from({ length: 50 }, () => as(phone, 'POST', '/api/v1/auth/sessions/revoke-others')),
      );
      expect(others.every((r) => r.statusCode === 200)).toBe(true);
      expect(others.reduce((s, r) => s + (r.json().revoked as number), 0)).toBe(1);
      expect(await signedIn(again)).toBe(401);
      expect(await signedIn(phone)).toBe(200);
    });

    it('changes my password once, with the current one, and ends my other sessions', async () => {
      const here = await login();
      const there = await login(undefined, 'Other device');
      const wrong = await as(here, 'POST', '/api/v1/auth/password', {
        currentPassword: 'not it',
        newPassword: 'new horse battery',
      });
      expect(wrong.statusCode).toBe(403);
      const weak = await as(here, 'POST', '/api/v1/auth/password', {
        currentPassword: 'correct horse',
        newPassword: 'password',
      });
      expect(weak.statusCode).toBe(400);
      const all = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          as(here, 'POST', '/api/v1/auth/password', {
            currentPassword: 'correct horse',
            newPassword: `new horse battery ${i}`,
          }),
        ),
      );
      expect(all.every((r) => r.statusCode < 500)).toBe(true);
      const won = all.filter((r) => r.statusCode === 200);
      expect(won).toHaveLength(1);
      expect(all.filter((r) => r.statusCode !== 200).every((r) => [403, 409].includes(r.statusCode))).toBe(
        true,
      );
      const winner = all.indexOf(won[0] as (typeof all)[number]);
      expect(await signedIn(there)).toBe(401);
      expect(await signedIn(here)).toBe(200);
      expect(await login('correct horse')).toBeUndefined();
      expect(await login(`new horse battery ${winner}`)).toBeDefined();
      // audited without the password
      const audit = await t.conn.db
        .selectFrom('audit_log')
        .selectAll()
        .where('workspace_id', '=', ws.workspaceId)
        .where('action', '=', 'change_password')
        .execute();
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit)).not.toContain('horse');
    });
  });
}
