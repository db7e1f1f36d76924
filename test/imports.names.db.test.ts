import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

const FIX = path.resolve(import.meta.dirname, 'fixtures/imports/corpus');

/**
 * #13: the best name wins. A customer first known by a stand-in (an email, a phone, or "Customer <id>" for an
 * order's buyer) takes the real name a later row gives, and search finds them by it at once: the name postings
 * are written again in the same transaction.
 */
for (const dialect of DIALECTS) {
  describe(`imports: the best name wins (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    const search = async (auth: { authorization: string }, q: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/customers?q=${encodeURIComponent(q)}`,
          headers: auth,
        })
      )
        .json()
        .items.map((c: { name: string }) => c.name);
    const tokens = async (ws: string, name: string) =>
      (
        await t.conn.db
          .selectFrom('customer_tokens as k')
          .innerJoin('customers as c', (j) =>
            j.onRef('c.workspace_id', '=', 'k.workspace_id').onRef('c.id', '=', 'k.customer_id'),
          )
          .select(['k.token', 'k.sort_name'])
          .where('k.workspace_id', '=', ws)
          .where('c.name', '=', name)
          .orderBy('k.token')
          .execute()
      ).map((r) => `${r.token}|${r.sort_name}`);

    it('a later row’s real name replaces an email or a phone, and search finds the new name', async () => {
      const w = await t.newWorkspace();
      const r = await t.services.imports.runImport({
        workspaceId: w.workspaceId,
        file: path.join(FIX, 'best-name.csv'),
        batchSize: 2,
      });
      expect(r.rejections).toEqual([]);
      expect(await search(w.auth, 'Obi')).toEqual(['Ada Obi']);
      expect(await search(w.auth, 'Chidi')).toEqual(['Chidi Eze']);
      expect(await tokens(w.workspaceId, 'Ada Obi')).toEqual(['ada|ada obi', 'obi|ada obi']);
      expect(await tokens(w.workspaceId, 'Chidi Eze')).toEqual(['chidi|chidi eze', 'eze|chidi eze']);
    });

    it('Rapport’s orders.csv before its customers.csv: the buyers known by id get their names, kind and business', async () => {
      const s = t.services;
      const a = await t.newWorkspace();
      const shop = await s.customers.createCustomer(
        a.workspaceId,
        { kind: 'business', name: 'Obi Stores' },
        'test',
      );
      const ada = await s.customers.createCustomer(
        a.workspaceId,
        { name: 'Ada Okafor', businessId: shop.id, customFields: { floor: 2 } },
        'test',
      );
      for (const [i, who] of [shop, ada].entries())
        await s.orders.createOrder(
          a.workspaceId,
          {
            customerId: who.id,
            number: `A-${i}`,
            placedAt: '2024-05-01T10:00:00.000Z',
            lines: [{ name: 'Rice', quantity: 1, unitPrice: 7500 }],
          },
          { kind: 'cli', id: 'test', scopes: new Set(['write']) } as never,
        );
      const dir = tmpDir();
      await s.exports.exportCsv(a.workspaceId, dir);
      const b = await t.newWorkspace();
      const first = await s.imports.runImport({
        workspaceId: b.workspaceId,
        file: path.join(dir, 'orders.csv'),
      });
      expect(first.counts.customers.created).toBe(2);
      expect(await search(b.auth, 'Obi')).toEqual([]);
      const then = await s.imports.runImport({
        workspaceId: b.workspaceId,
        file: path.join(dir, 'customers.csv'),
      });
      expect(then.counts.customers).toEqual({ created: 0, updated: 2, unchanged: 0 });
      expect(then.rejections).toEqual([]);
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/customers', headers: b.auth })).json()
        .items as { id: string; name: string; kind: string; businessId: string | null }[];
      const biz = list.find((c) => c.name === 'Obi Stores');
      expect(biz?.kind).toBe('business');
      const person = list.find((c) => c.name === 'Ada Okafor');
      expect(person?.businessId).toBe(biz?.id);
      const full = await s.customers.getCustomerOrThrow(b.workspaceId, person?.id ?? '');
      expect(full.customFields).toEqual({ floor: 2 });
      // found by her name and by her business's
      expect(await search(b.auth, 'Okafor')).toEqual(['Ada Okafor']);
      expect((await search(b.auth, 'Stores')).sort()).toEqual(['Ada Okafor', 'Obi Stores']);
      expect(await tokens(b.workspaceId, 'Ada Okafor')).toEqual([
        'ada|ada okafor',
        'obi|ada okafor',
        'okafor|ada okafor',
        'stores|ada okafor',
      ]);
    });
    it('a landline several customers share: a row none of them clearly is becomes a new customer, suggested as a duplicate of each', async () => {
      const w = await t.newWorkspace();
      const run = (file: string) =>
        t.services.imports.runImport({ workspaceId: w.workspaceId, file: path.join(FIX, file) });
      await run('shared-phone-household-before.csv');
      const r = await run('shared-phone-household.csv');
      expect(r.notes.filter((n) => n.kind === 'warning').map((n) => n.line)).toEqual([4, 5]);
      const pairs = (
        await t.app.inject({ method: 'GET', url: '/api/v1/customers/duplicates', headers: w.auth })
      ).json().items as { customers: { name: string }[]; reasons: { reason: string; value: string }[] }[];
      const named = pairs.map((p) =>
        p.customers
          .map((c) => c.name)
          .sort()
          .join(' + '),
      );
      for (const other of ['Ada Obi', 'Chidi Obi', 'Kemi Obi'])
        expect(named).toContain([other, 'Ngozi Eze'].sort().join(' + '));
      expect(pairs.every((p) => p.reasons.some((x) => x.value === '+2348051112222'))).toBe(true);
      // nobody was written over: each keeps their own email
      const list = (
        await t.app.inject({ method: 'GET', url: '/api/v1/customers?limit=100', headers: w.auth })
      ).json().items as { name: string; email: string | null }[];
      expect(list.map((c) => [c.name, c.email])).toEqual([
        ['0805 111 2222', null],
        ['Ada Obi', 'ada@example.com'],
        ['Chidi Obi', 'chidi@example.com'],
        ['Kemi Obi', 'kemi@example.com'],
        ['Ngozi Eze', 'ngozi@example.com'],
      ]);
    });
  });
}
