import { afterEach, describe, expect, it } from 'vitest';
import {
  createAnalyticsRepository,
  PREDICTION_COLUMNS,
  type PredictionValues,
} from '../src/modules/analytics/analytics.repository.ts';
import { DIALECTS, freshDb } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`analytics store: prediction rows written as given (${dialect})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    it('keeps NULLs, numbers and text with backslashes, tabs and line breaks (the COPY text format on PostgreSQL)', async () => {
      const conn = await freshDb(dialect);
      cleanups.push(conn.close);
      const repo = createAnalyticsRepository(conn.db, dialect);
      const tricky = [
        'plain',
        'back\\slash \\N',
        'tab\there',
        'line\nbreak\r\nend',
        '\\',
        'naïve “quotes” ₦',
      ];
      const n = 2_503; // more than one piece of COPY text, not a multiple of anything
      const row = (k: number): PredictionValues =>
        PREDICTION_COLUMNS.map((c) => {
          switch (c) {
            case 'workspace_id':
              return 'w1';
            case 'run_id':
              return 'r1';
            case 'customer_id':
              return `c${String(k).padStart(5, '0')}`;
            case 'explanation':
              return tricky[k % tricky.length] as string;
            case 'segment':
              return k % 3 === 0 ? '\\N' : 'Champions';
            case 'p_alive':
            case 'expected_next_purchase_on':
              return k % 2 === 0 ? null : c === 'p_alive' ? 1 / (k + 3) : '2026-01-02';
            case 'trend_slope':
              return -1e-7 * (k + 1);
            case 'first_purchase_on':
            case 'last_purchase_on':
              return '2025-06-30';
            case 'lifecycle_stage':
              return 'repeat';
            case 'trend':
              return 'steady';
            default:
              return k % 7;
          }
        });
      // in reverse: the rows go in the order given by `order`
      const order = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
      await repo.insertPredictions(n, row, order, 1_000);
      const stored = await conn.db
        .selectFrom('customer_predictions')
        .selectAll()
        .where('workspace_id', '=', 'w1')
        .orderBy('customer_id')
        .execute();
      expect(stored).toHaveLength(n);
      for (let k = 0; k < n; k++) {
        const s = stored[k] as Record<string, unknown>;
        const want = row(k);
        PREDICTION_COLUMNS.forEach((c, i) => {
          const w = want[i];
          const got = s[c];
          if (w === null) expect(got, `${c} of row ${k}`).toBeNull();
          else if (typeof w === 'number') expect(Number(got), `${c} of row ${k}`).toBe(w);
          else expect(got, `${c} of row ${k}`).toBe(w);
        });
      }
    });
  });
}
