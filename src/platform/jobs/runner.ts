import { randomBytes } from 'node:crypto';
import type { Job, JobQueue } from './queue.ts';

export type JobContext = {
  job: Job;
  /** Report progress (also renews the lease). */
  progress: (done: number, total: number | null, message?: string) => Promise<void>;
};
export type JobHandler = (ctx: JobContext) => Promise<unknown>;

/**
 * Polls the queue and runs handlers, one job at a time per runner. A job's lease is renewed while it runs;
 * if the process dies, the lease expires and another runner (or this one after a restart) takes it again,
 * so handlers must be idempotent (imports are: natural keys + checkpoints).
 */
export function createJobRunner(opts: {
  queue: JobQueue;
  handlers: Record<string, JobHandler>;
  pollMs?: number;
  leaseMs?: number;
  onError?: (err: unknown, job?: Job) => void;
}) {
  const workerId = `runner-${process.pid}-${randomBytes(4).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 60_000;
  const kinds = Object.keys(opts.handlers);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function runOne(): Promise<boolean> {
    const job = await opts.queue.claim(kinds, workerId, leaseMs);
    if (!job) return false;
    const handler = opts.handlers[job.kind];
    const beat = setInterval(
      () => void opts.queue.heartbeat(job.id, workerId, leaseMs).catch(() => {}),
      Math.max(1000, leaseMs / 3),
    );
    try {
      const result = await (handler as JobHandler)({
        job,
        progress: (done, total, message) =>
          opts.queue.heartbeat(job.id, workerId, leaseMs, { done, total, ...(message && { message }) }),
      });
      await opts.queue.complete(job.id, workerId, result);
    } catch (err) {
      opts.onError?.(err, job);
      await opts.queue.fail(job, workerId, err instanceof Error ? err.message : String(err)).catch(() => {});
    } finally {
      clearInterval(beat);
    }
    return true;
  }

  async function loop() {
    while (!stopped) {
      let worked = false;
      try {
        worked = await runOne();
      } catch (err) {
        opts.onError?.(err);
      }
      if (!worked && !stopped)
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, opts.pollMs ?? 1000);
        });
    }
  }

  return {
    workerId,
    start() {
      current ??= loop();
    },
    /** Look for work now (after enqueuing) instead of at the next poll. */
    poke() {
      if (timer) clearTimeout(timer);
      wake?.();
    },
    async stop() {
      stopped = true;
      this.poke();
      await current;
    },
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
