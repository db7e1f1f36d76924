import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/platform/db/ids.ts';
import { createJobQueue, type JobQueue } from '../src/platform/jobs/queue.ts';
import { createJobRunner } from '../src/platform/jobs/runner.ts';
import { DIALECTS, freshDb } from './kit.ts';

for (const dialect of DIALECTS) {
  describe(`job queue (${dialect})`, () => {
    let db: Awaited<ReturnType<typeof freshDb>>;
    let q: JobQueue;
    const ws = newId();
    beforeAll(async () => {
      db = await freshDb(dialect);
      q = createJobQueue(db.db, dialect);
    });
    afterAll(() => db.close());

    it('queues once per idempotency key', async () => {
      const a = await q.enqueue({ workspaceId: ws, kind: 'once', payload: { n: 1 }, idempotencyKey: 'k1' });
      const b = await q.enqueue({ workspaceId: ws, kind: 'once', payload: { n: 2 }, idempotencyKey: 'k1' });
      expect(b.id).toBe(a.id);
      expect(b.payload).toEqual({ n: 1 });
    });

    it('never hands the same job to two concurrent claimers', async () => {
      for (let i = 0; i < 10; i++) await q.enqueue({ workspaceId: ws, kind: 'race', payload: i });
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => q.claim(['race'], `w${i % 4}`, 60_000)),
      );
      const ids = claims.filter((c) => c).map((c) => c?.id);
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
    });

    it('takes back a job whose worker died (expired lease), and retries failures with backoff', async () => {
      const j = await q.enqueue({ workspaceId: ws, kind: 'crashy', payload: null, maxAttempts: 2 });
      const first = await q.claim(['crashy'], 'dead-worker', -1); // lease already expired: the worker "died"
      expect(first?.id).toBe(j.id);
      const again = await q.claim(['crashy'], 'live-worker', 60_000);
      expect(again).toMatchObject({ id: j.id, attempts: 2 });
      await q.fail(again as NonNullable<typeof again>, 'live-worker', 'boom');
      expect(await q.get(ws, j.id)).toMatchObject({ status: 'failed', error: 'boom' });
    });

    it('runs handlers, records results and progress', async () => {
      const seen: number[] = [];
      const runner = createJobRunner({
        queue: q,
        pollMs: 20,
        handlers: {
          double: async ({ job, progress }) => {
            await progress(1, 1, 'halfway');
            seen.push(job.payload as number);
            return (job.payload as number) * 2;
          },
        },
      });
      const job = await q.enqueue({ workspaceId: ws, kind: 'double', payload: 21 });
      runner.start();
      runner.poke();
      for (let i = 0; i < 500 && (await q.get(ws, job.id))?.status !== 'done'; i++)
        await new Promise((r) => setTimeout(r, 20));
      await runner.stop();
      expect(await q.get(ws, job.id)).toMatchObject({
        status: 'done',
        result: 42,
        progress: { done: 1, total: 1, message: 'halfway' },
      });
      expect(seen).toEqual([21]);
    });
  });
}
