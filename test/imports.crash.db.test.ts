import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, tmpDir, type TestApp } from './kit.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');

/** A Shopify orders export: `n` orders of two line items each, by `n / 3` customers. */
function shopifyFile(n: number): string {
  const rows = [
    'Name,Email,Financial Status,Currency,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Phone,Id',
  ];
  for (let i = 1; i <= n; i++) {
    const c = i % Math.ceil(n / 3);
    const head = `#${1000 + i},c${c}@example.com,paid,USD,2024-01-${String((i % 28) + 1).padStart(2, '0')} 10:00:00 +0000`;
    rows.push(`${head},1,Bread,4.50,BR,Customer ${c},+1 415 555 ${String(1000 + c).slice(-4)},${900000 + i}`);
    rows.push(`#${1000 + i},,,,,2,Jam,3.25,JM,,,`);
  }
  const file = path.join(tmpDir(), 'orders.csv');
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

for (const dialect of DIALECTS) {
  describe(`an import killed with SIGKILL resumes to the same data as a clean run (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    const snapshot = async (ws: string) => {
      const db = t.conn.db;
      const orders = await db
        .selectFrom('orders')
        .select(['external_id', 'total', 'refunded'])
        .where('workspace_id', '=', ws)
        .orderBy('external_id')
        .execute();
      const lines = await db
        .selectFrom('order_lines')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('workspace_id', '=', ws)
        .executeTakeFirstOrThrow();
      const people = await db
        .selectFrom('customers')
        .innerJoin('customer_phones', (j) =>
          j
            .onRef('customer_phones.customer_id', '=', 'customers.id')
            .onRef('customer_phones.workspace_id', '=', 'customers.workspace_id'),
        )
        .select(['customers.name', 'customer_phones.e164'])
        .where('customers.workspace_id', '=', ws)
        .orderBy('customers.name')
        .execute();
      return {
        orders: orders.map((o) => `${o.external_id}:${Number(o.total)}`),
        lines: Number(lines.n),
        people: people.map((p) => `${p.name}:${p.e164}`),
      };
    };

    it('loses nothing and doubles nothing', async () => {
      const file = shopifyFile(4000);
      const clean = await t.newWorkspace({ region: 'US', name: 'Clean' });
      const crashed = await t.newWorkspace({ region: 'US', name: 'Crashed' });
      const cleanRun = await t.services.imports.runImport({
        workspaceId: clean.workspaceId,
        file,
        currency: 'USD',
      });

      const env = {
        ...process.env,
        RAPPORT_DATA_DIR: t.dataDir ?? '/nonexistent',
        DATABASE_URL: t.conn.url ?? '',
        LOG_LEVEL: 'silent',
      };
      const args = [BIN, 'import', file, '--workspace', crashed.workspaceId, '--currency', 'USD'];
      const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
      // wait until some batches are committed, then kill -9 in the middle
      let done = 0;
      for (let i = 0; i < 1800 && done < 1000; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const run = await t.conn.db
          .selectFrom('import_runs')
          .select('records_done')
          .where('workspace_id', '=', crashed.workspaceId)
          .executeTakeFirst();
        done = Number(run?.records_done ?? 0);
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const partial = await snapshot(crashed.workspaceId);
      expect(partial.orders.length).toBeGreaterThan(0);
      expect(partial.orders.length).toBeLessThan(4000);

      const resumed = await t.services.imports.runImport({
        workspaceId: crashed.workspaceId,
        file,
        currency: 'USD',
      });
      expect(resumed.resumed).toBe(true);
      const a = await snapshot(clean.workspaceId);
      const b = await snapshot(crashed.workspaceId);
      expect(b.orders).toHaveLength(4000);
      expect(b.lines).toBe(8000);
      expect(b).toEqual(a);
      // and the report says what a clean run says: counters exact, every row read, nothing left running
      expect(resumed.counts).toEqual(cleanRun.counts);
      expect(resumed.counts.orders.created).toBe(4000);
      expect(resumed.run).toMatchObject({ status: 'done', recordsDone: 8000 });
      expect(cleanRun.run).toMatchObject({ status: 'done', recordsDone: 8000 });
    }, 240_000);
  });
}
