import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/modules/orders/index.ts';
import { DIALECTS, startTestApp, type TestApp } from './kit.ts';
import { CORPUS, type Case } from './fixtures/imports/corpus/expected.ts';

const DIR = path.resolve(import.meta.dirname, 'fixtures/imports/corpus');

/** Keys made from a row's content sort together, by time (their hashes say nothing). */
const sortKey = (k: string | null) => (k?.startsWith('row:') ? 'row:' : String(k));

type Summary = { name: string; phones: string[]; emails: string[]; [k: string]: unknown };

/**
 * The import corpus (#13): every fixture under test/fixtures/imports/corpus imported into an empty workspace
 * gives exactly the expected customers, orders, lines, totals and rejections; the dry run's counts equal the
 * real import's; importing it again changes nothing.
 */
for (const dialect of DIALECTS) {
  describe(`import corpus (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    let n = 0;
    async function workspace(c: Case) {
      const s = t.services;
      const w = await s.workspaces.createWorkspace({
        name: `Corpus ${++n}`,
        timezone: c.workspace?.timezone ?? 'Africa/Lagos',
        currency: c.workspace?.currency ?? 'NGN',
        region: c.workspace?.region ?? 'NG',
      });
      const { key } = await s.access.createApiKey(w.id, { name: 'test', scopes: ['read', 'write'] }, 'test');
      return { ws: w.id, auth: { authorization: `Bearer ${key}` } };
    }

    async function snapshot(ws: string, auth: { authorization: string }) {
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/customers?limit=1000', headers: auth });
      const ids = (list.json().items as { id: string }[]).map((c) => c.id);
      const people = new Map<string, Summary & { spent: number }>();
      for (const id of ids) {
        const c = (
          await t.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: auth })
        ).json();
        const p = (
          await t.app.inject({ method: 'GET', url: `/api/v1/customers/${id}/purchases`, headers: auth })
        ).json();
        people.set(id, {
          name: c.name,
          phones: c.phones.map((x: { e164: string | null; raw: string }) => x.e164 ?? x.raw),
          emails: c.emails.map((x: { address: string }) => x.address),
          ...(c.birthday && { birthday: c.birthday }),
          ...(c.anniversary && { anniversary: c.anniversary }),
          ...(c.address && { address: c.address }),
          ...(c.tags.length && { tags: c.tags }),
          ...(c.needs && { needs: c.needs }),
          ...(c.jobTitle && { jobTitle: c.jobTitle }),
          ...(c.businessId && { business: c.business?.name }),
          ...(c.preferredChannel && { preferredChannel: c.preferredChannel }),
          ...(c.consent.at && { consent: c.consent }),
          spent: p.totalSpent,
        });
      }
      const orders: Order[] = [];
      for await (const page of t.services.orders.allOrders(ws)) orders.push(...page);
      return {
        customers: [...people.values()].sort((a, b) => a.name.localeCompare(b.name)),
        orders: orders
          .map((o) => ({
            key: o.number ?? o.externalId,
            customer: o.customerId === null ? null : (people.get(o.customerId)?.name ?? '?'),
            placedAt: o.placedAt,
            status: o.status,
            total: o.total,
            refunded: o.refunded,
            lines: o.lines.map((l) => [l.name, l.quantity, l.unitPrice, l.total]),
          }))
          .sort(
            (a, b) =>
              sortKey(a.key).localeCompare(sortKey(b.key)) ||
              a.placedAt.localeCompare(b.placedAt) ||
              a.total - b.total,
          ),
        revenue: orders.filter((o) => o.status !== 'cancelled').reduce((s, o) => s + o.total - o.refunded, 0),
      };
    }

    for (const c of CORPUS)
      it(`${c.file}: ${c.what}`, async () => {
        const { ws, auth } = await workspace(c);
        const file = path.join(DIR, c.file);
        if (c.before) await t.services.imports.runImport({ workspaceId: ws, file: path.join(DIR, c.before) });
        const opts = { workspaceId: ws, file, ...c.options };
        // batches of 2 records: what a later batch finds of an earlier one is counted the same in both
        const dry = await t.services.imports.runImport({ ...opts, batchSize: 2, dryRun: true });
        const real = await t.services.imports.runImport({ ...opts, batchSize: 2 });
        expect(real.counts).toEqual(dry.counts);
        expect(real.rejections).toEqual(dry.rejections);
        if (c.preset) expect(real.preset).toBe(c.preset);
        expect(real.rejections).toEqual(c.rejections ?? []);
        if (c.counts) expect(real.counts).toMatchObject(c.counts);
        if (c.notes) {
          const notes = await t.services.imports.notes(ws, real.run?.id ?? '');
          expect(
            notes
              .filter((x: { kind: string }) => x.kind !== 'rejected')
              .map((x: { line: number; kind: string; reason: string }) => ({
                line: x.line,
                kind: x.kind,
                reason: x.reason,
              })),
          ).toEqual(c.notes);
        }
        const got = await snapshot(ws, auth);
        expect(got.customers).toEqual(c.customers);
        if (c.orders) expect(got.orders).toEqual(c.orders);
        if (c.revenue !== undefined) expect(got.revenue).toBe(c.revenue);

        // again: nothing new, nothing changed
        const again = await t.services.imports.runImport(opts);
        expect(again.counts.customers.created).toBe(0);
        expect(again.counts.customers.updated).toBe(0);
        expect(again.counts.orders.created).toBe(0);
        expect(await snapshot(ws, auth)).toEqual(got);
      });
  });
}
