/**
 * Loyalty reconciler benchmark (issue 18).
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/loyalty-sync.ts [orders]
 *
 * Per dialect, a fresh database: C customers with N imported orders between them (10 % of them with a refund
 * recorded here), written in the importer's batches, none credited yet. Then: the first reconciler run (credits
 * every order, takes the refunds back, tiers), a second run (nothing left to do: the anti-joins only), and one
 * customer's run inside a sale's transaction (what every counter sale and API order pays). Wall-clock seconds.
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import { DIALECTS, startTestApp } from '../test/kit.ts';

const say = (line: string) => fs.writeSync(1, `${line}\n`);

const N = Number(process.argv[2] ?? 20_000);
const CUSTOMERS = Math.max(1, Math.floor(N / 10));
const secs = (t: number) => ((performance.now() - t) / 1000).toFixed(2);

async function main() {
  for (const dialect of DIALECTS.filter(
    (d) => !process.env.BENCH_DIALECT || d === process.env.BENCH_DIALECT,
  )) {
    const t = await startTestApp(dialect);
    const w = await t.newWorkspace();
    const s = t.services;
    await s.loyalty.updateSettings(w.workspaceId, { tiers: [{ name: 'Silver', minVisits: 6 }] });
    const actor = {
      workspaceId: w.workspaceId,
      kind: 'cli' as const,
      id: 'bench',
      scopes: new Set(['write'] as const),
    };
    const ids: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++)
      ids.push((await s.customers.createCustomer(w.workspaceId, { name: `Customer ${i}` }, 'bench')).id);
    say(`${dialect}: ${CUSTOMERS} customers`);
    const start = performance.now();
    for (let b = 0; b < N; b += 1000) {
      const inputs = Array.from({ length: Math.min(1000, N - b) }, (_, k) => {
        const i = b + k;
        return {
          input: {
            customerId: ids[i % CUSTOMERS],
            externalSource: 'bench',
            externalId: `O-${i}`,
            placedAt: new Date(Date.now() - (i % 700) * 86_400_000).toISOString(),
            lines: [{ name: 'Item', unitPrice: 1_000 + ((i * 7919) % 90_000) }],
          },
          refunded: 0,
        };
      });
      await t.conn.db
        .transaction()
        .execute((trx) => s.orders.importOrders(trx, w.workspaceId, inputs, actor));
    }
    await sql`ANALYZE orders`.execute(t.conn.db); // as the importer does after a run
    const importSecs = secs(start);
    const orders = await t.conn.db
      .selectFrom('orders')
      .select(['id', 'total'])
      .where('workspace_id', '=', w.workspaceId)
      .execute();
    // refunds recorded here (not through the API, so nothing is credited before the run)
    const refunds = orders.filter((_, i) => i % 10 === 0);
    for (const o of refunds)
      await t.conn.db
        .insertInto('order_refunds')
        .values({
          workspace_id: w.workspaceId,
          id: `r-${o.id}`,
          order_id: o.id,
          amount: Math.floor(Number(o.total) / 2),
          kind: 'refund',
          reason: 'bench',
          at: new Date().toISOString(),
        })
        .execute();
    let t0 = performance.now();
    const first = await s.loyalty.syncLoyalty(w.workspaceId);
    const firstSecs = secs(t0);
    t0 = performance.now();
    await s.loyalty.syncLoyalty(w.workspaceId);
    const secondSecs = secs(t0);
    t0 = performance.now();
    const runs = 50;
    for (let i = 0; i < runs; i++)
      await s.sales.recordSale(
        w.workspaceId,
        { customerId: ids[i % CUSTOMERS], items: [{ name: 'Pie', unitPrice: 500 }], paymentMethod: 'cash' },
        actor,
      );
    const saleMs = ((performance.now() - t0) / runs).toFixed(1);
    say(
      `${dialect}: ${N} orders of ${CUSTOMERS} customers imported in ${importSecs} s; first reconcile ${firstSecs} s ` +
        `(${first.earned} points credited, ${first.takenBack} taken back for ${refunds.length} refunds, ${first.tierMoves} tier moves); ` +
        `second run ${secondSecs} s; a counter sale with its points ${saleMs} ms`,
    );
    await t.closeAll();
  }
}
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
