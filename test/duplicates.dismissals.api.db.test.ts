import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';

type Pair = { customers: { id: string; name: string }[]; reasons: { reason: string }[] };
const ids = (p: { customers: { id: string }[] }) => p.customers.map((c) => c.id).sort();

for (const dialect of DIALECTS) {
  describe(`duplicates: "not the same person" (${dialect})`, () => {
    let t: TestApp;
    let auth: { authorization: string };
    let other: { authorization: string };
    beforeAll(async () => {
      t = await startTestApp(dialect);
      ({ auth } = await t.newWorkspace());
      ({ auth: other } = await t.newWorkspace());
    });
    afterAll(() => t.closeAll());
    const send = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = auth) =>
      t.app.inject({ method, url, headers, ...(payload && { payload }) });
    const customer = async (body: object, headers = auth) =>
      (await send('POST', '/api/v1/customers', body, headers)).json() as { id: string; name: string };
    const suggested = async () =>
      ((await send('GET', '/api/v1/customers/duplicates')).json().items as Pair[]).map(ids);

    it('never suggests a dismissed pair again, in either order, until the dismissal is undone', async () => {
      const a = await customer({ name: 'Tunde Bakare', phones: [{ number: '0803 111 2222' }] });
      const b = await customer({
        name: 'Tunde Bakare',
        phones: [{ number: '+234 803 111 2222' }],
        emails: [{ address: 'tunde@example.com' }],
      });
      const c = await customer({ name: 'T. Bakare', emails: [{ address: 'Tunde@Example.com' }] });
      const ab = [a.id, b.id].sort();
      const bc = [b.id, c.id].sort();
      expect(await suggested()).toEqual(expect.arrayContaining([ab, bc]));

      // dismissed as (b, a): gone for both orders and every reason (same phone and same name)
      const first = await send('POST', '/api/v1/customers/duplicates/dismissals', {
        customerIds: [b.id, a.id],
      });
      expect(first.statusCode).toBe(201);
      expect(ids(first.json())).toEqual(ab);
      expect(first.json().dismissedBy).toMatch(/^apikey:/);
      expect(await suggested()).toEqual([bc]);

      // idempotent, in the other order too: one row, 200
      const again = await send('POST', '/api/v1/customers/duplicates/dismissals', {
        customerIds: [a.id, b.id],
      });
      expect(again.statusCode).toBe(200);
      expect(again.json().dismissedAt).toBe(first.json().dismissedAt);
      const listed = (await send('GET', '/api/v1/customers/duplicates/dismissals')).json().items;
      expect(listed.map(ids)).toEqual([ab]);
      expect(listed[0].customers.map((x: { name: string }) => x.name)).toEqual([
        'Tunde Bakare',
        'Tunde Bakare',
      ]);

      // undo (ids in the order not stored): suggested again
      expect(
        (await send('DELETE', `/api/v1/customers/duplicates/dismissals/${b.id}/${a.id}`)).statusCode,
      ).toBe(204);
      expect(await suggested()).toEqual(expect.arrayContaining([ab, bc]));
      expect((await send('GET', '/api/v1/customers/duplicates/dismissals')).json().items).toEqual([]);
      // nothing left to undo is fine
      expect(
        (await send('DELETE', `/api/v1/customers/duplicates/dismissals/${a.id}/${b.id}`)).statusCode,
      ).toBe(204);
    });

    it('forgets the dismissals of a customer merged away or deleted', async () => {
      const a = await customer({ name: 'Ngozi Eze', phones: [{ number: '0805 333 4444' }] });
      const b = await customer({ name: 'Ngozi Eze', phones: [{ number: '0805 333 4444' }] });
      const c = await customer({ name: 'Ngozi Eze' });
      const d = await customer({ name: 'Ngozi Eze' });
      for (const pair of [
        [a.id, c.id],
        [b.id, c.id],
        [c.id, d.id],
      ])
        expect(
          (await send('POST', '/api/v1/customers/duplicates/dismissals', { customerIds: pair })).statusCode,
        ).toBe(201);
      const mine = async () =>
        ((await send('GET', '/api/v1/customers/duplicates/dismissals')).json().items as Pair[])
          .map(ids)
          .filter((p) => [a.id, b.id, c.id, d.id].includes(p[0] ?? ''));
      expect(await mine()).toHaveLength(3);
      // b merged into a: b's dismissal goes; a's stays
      expect((await send('POST', `/api/v1/customers/${a.id}/merge`, { otherId: b.id })).statusCode).toBe(200);
      expect(await mine()).toEqual(expect.arrayContaining([[a.id, c.id].sort(), [c.id, d.id].sort()]));
      expect(await mine()).toHaveLength(2);
      // d deleted: its dismissal goes
      expect((await send('DELETE', `/api/v1/customers/${d.id}`)).statusCode).toBe(204);
      expect(await mine()).toEqual([[a.id, c.id].sort()]);
      // the pair (a, d) is not suggested: d is gone; (a, c) stays dismissed
      expect((await suggested()).filter((p) => p.includes(a.id))).toEqual([]);
    });

    it("answers 400 for the same customer twice and 404 for another workspace's customers", async () => {
      const a = await customer({ name: 'Musa Danjuma', phones: [{ number: '0806 222 3333' }] });
      const b = await customer({ name: 'Musa Danjuma', phones: [{ number: '0806 222 3333' }] });
      const theirs = await customer({ name: 'Musa Danjuma', phones: [{ number: '0806 222 3333' }] }, other);

      const same = await send('POST', '/api/v1/customers/duplicates/dismissals', {
        customerIds: [a.id, a.id],
      });
      expect(same.statusCode).toBe(400);
      expect(same.json()).toMatchObject({ code: 'DISMISS_SAME', pointer: '/body/customerIds/1' });
      const one = await send('POST', '/api/v1/customers/duplicates/dismissals', { customerIds: [a.id] });
      expect(one.statusCode).toBe(400);
      expect(one.json().code).toBe('VALIDATION_FAILED');
      expect(
        (await send('DELETE', `/api/v1/customers/duplicates/dismissals/${a.id}/${a.id}`)).json(),
      ).toMatchObject({ code: 'DISMISS_SAME', pointer: '/params/b' });

      // another workspace's id: 404, nothing stored, in both directions
      const cross = await send('POST', '/api/v1/customers/duplicates/dismissals', {
        customerIds: [a.id, theirs.id],
      });
      expect(cross.statusCode).toBe(404);
      expect(cross.json().code).toBe('CUSTOMER_NOT_FOUND');
      expect(
        (await send('POST', '/api/v1/customers/duplicates/dismissals', { customerIds: [a.id, b.id] }, other))
          .statusCode,
      ).toBe(404);
      expect(
        (await send('POST', '/api/v1/customers/duplicates/dismissals', { customerIds: [a.id, 'nope'] }))
          .statusCode,
      ).toBe(404);
      expect(
        (await send('DELETE', `/api/v1/customers/duplicates/dismissals/${a.id}/${b.id}`, undefined, other))
          .statusCode,
      ).toBe(404);

      // a dismissal in one workspace does not touch the other's suggestions
      expect(
        (await send('POST', '/api/v1/customers/duplicates/dismissals', { customerIds: [a.id, b.id] }))
          .statusCode,
      ).toBe(201);
      expect(
        (await send('GET', '/api/v1/customers/duplicates/dismissals', undefined, other)).json().items,
      ).toEqual([]);
      expect((await suggested()).some((p) => p.includes(a.id))).toBe(false);
    });
  });
}
