/**
 * bench/suggestions-api (issue 20): one customer's suggestions end to end — GET /api/v1/customers/:id/suggestions
 * through the app (the customer's lines, the newest run, the stored rows of their items, assembly) on SQLite,
 * after a refit of a seeded shop, and the refit's time with and without the co-purchase step.
 *
 *   node --import tsx bench/suggestions-api.ts [--customers 3000] [--lines 40] [--dialect sqlite]
 */
import { parseArgs } from 'node:util';
import type { Actor } from '../src/platform/http/actor.ts';
import { createRng } from '../src/stats/simulate.ts';
import { startTestApp } from '../test/kit.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '3000' },
    lines: { type: 'string', default: '40' },
    dialect: { type: 'string', default: 'sqlite' },
  },
});
const C = Number(args.customers);
const PER = Number(args.lines);
const ITEMS = 200;
const now = new Date('2026-06-01T12:00:00Z');
const t = await startTestApp(args.dialect as 'sqlite', { clock: () => now });
const shop = await t.newWorkspace();
const ws = shop.workspaceId;
const ids = await t.services.customers.createCustomers(
  ws,
  Array.from({ length: C }, (_, i) => ({ name: `Customer ${i}` })),
  'bench',
);
const rng = createRng(3);
const system: Actor = { workspaceId: ws, kind: 'cli', id: 'bench', scopes: new Set(['write']) };
const inputs: { refunded: number; input: object }[] = [];
for (let c = 0; c < C; c++) {
  const family = Math.floor(rng.uniform() * (ITEMS / 8));
  // 5 lines an order
  for (let o = 0; o < PER / 5; o++)
    inputs.push({
      refunded: 0,
      input: {
        customerId: ids[c] as string,
        placedAt: new Date(now.getTime() - Math.floor(rng.uniform() * 700) * 86_400_000).toISOString(),
        lines: Array.from({ length: 5 }, () => ({
          name: `Item ${rng.uniform() < 0.7 ? family * 8 + Math.floor(rng.uniform() * 8) : Math.floor(rng.uniform() * ITEMS)}`,
          unitPrice: 1000,
        })),
      },
    });
}
let t0 = performance.now();
for (let i = 0; i < inputs.length; i += 1000)
  await t.conn.db
    .transaction()
    .execute((trx) => t.services.orders.importOrders(trx, ws, inputs.slice(i, i + 1000) as never, system));
const loadMs = performance.now() - t0;
t0 = performance.now();
const out = await t.services.analytics.runRefit(ws, { trigger: 'manual' });
const refitMs = performance.now() - t0;
const times: number[] = [];
for (let i = 0; i < 300; i++) {
  const id = ids[Math.floor(rng.uniform() * C)] as string;
  const s = performance.now();
  const r = await t.app.inject({
    method: 'GET',
    url: `/api/v1/customers/${id}/suggestions`,
    headers: shop.auth,
  });
  times.push(performance.now() - s);
  if (r.statusCode !== 200) throw new Error(r.body);
}
times.sort((a, b) => a - b);
// the same app's answer for the customer's predictions (one indexed read), for comparison under the same load
const base: number[] = [];
for (let i = 0; i < 300; i++) {
  const id = ids[Math.floor(rng.uniform() * C)] as string;
  const s = performance.now();
  await t.app.inject({ method: 'GET', url: `/api/v1/customers/${id}/predictions`, headers: shop.auth });
  base.push(performance.now() - s);
}
base.sort((a, b) => a - b);
const ev = await t.app.inject({
  method: 'GET',
  url: '/api/v1/analytics/suggestions/evaluation',
  headers: shop.auth,
});
console.log(
  JSON.stringify(
    {
      dialect: args.dialect,
      customers: C,
      lines: C * PER,
      loadMs: Math.round(loadMs),
      refitMs: Math.round(refitMs),
      refitTimings: out.timings,
      evaluation: ev.json(),
      oneCustomerMs: {
        requests: times.length,
        median: +(times[150] as number).toFixed(2),
        p90: +(times[270] as number).toFixed(2),
        max: +(times.at(-1) as number).toFixed(2),
      },
      predictionsMedianMs: +(base[150] as number).toFixed(2),
    },
    null,
    2,
  ),
);
await t.closeAll();
