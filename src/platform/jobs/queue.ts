import { sql, type Kysely, type Selectable } from 'kysely';
import { newId, nowIso } from '../db/ids.ts';
import type { Database, JobTable } from '../db/schema.ts';
import type { DialectName } from '../db/connect.ts';

export type Job = {
  id: string;
  workspaceId: string;
  kind: string;
  payload: unknown;
  status: JobTable['status'];
  attempts: number;
  maxAttempts: number;
  progress: { done: number; total: number | null; message?: string } | null;
  result: unknown;
  error: string | null;
  runAt: string;
  createdAt: string;
  finishedAt: string | null;
};

const parse = (s: string | null): unknown => (s ? JSON.parse(s) : null);
const toJob = (r: Selectable<JobTable>): Job => ({
  id: r.id,
  workspaceId: r.workspace_id,
  kind: r.kind,
  payload: parse(r.payload),
  status: r.status,
  attempts: Number(r.attempts),
  maxAttempts: Number(r.max_attempts),
  progress: parse(r.progress) as Job['progress'],
  result: parse(r.result),
  error: r.error,
  runAt: r.run_at,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** The job queue over the jobs table. Every method is one short statement; no method holds a lock. */
export function createJobQueue(db: Kysely<Database>, dialect: DialectName) {
  return {
    /**
     * Queue a job. With an idempotency key, queuing the same (workspace, kind, key) again returns the
     * existing job instead of a second one.
     */
    async enqueue(j: {
      workspaceId: string;
      kind: string;
      payload: unknown;
      idempotencyKey?: string;
      runAt?: string;
      maxAttempts?: number;
    }): Promise<Job> {
      const at = nowIso();
      const id = newId();
      await db
        .insertInto('jobs')
        .values({
          id,
          workspace_id: j.workspaceId,
          kind: j.kind,
          payload: JSON.stringify(j.payload ?? null),
          idempotency_key: j.idempotencyKey ?? null,
          status: 'queued',
          attempts: 0,
          max_attempts: j.maxAttempts ?? 3,
          run_at: j.runAt ?? at,
          locked_by: null,
          locked_until: null,
          progress: null,
          result: null,
          error: null,
          created_at: at,
          updated_at: at,
          finished_at: null,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'idempotency_key']).doNothing())
        .execute();
      const row = j.idempotencyKey
        ? await db
            .selectFrom('jobs')
            .selectAll()
            .where('workspace_id', '=', j.workspaceId)
            .where('kind', '=', j.kind)
            .where('idempotency_key', '=', j.idempotencyKey)
            .executeTakeFirstOrThrow()
        : await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toJob(row);
    },

    /**
     * Take the next ready job of these kinds, or one whose lease expired (its worker died): the lease
     * makes a crashed run come back instead of being lost.
     */
    async claim(kinds: string[], workerId: string, leaseMs: number): Promise<Job | undefined> {
      if (!kinds.length) return undefined;
      const now = nowIso();
      const until = new Date(Date.now() + leaseMs).toISOString();
      const pick = db
        .selectFrom('jobs')
        .select('id')
        .where('kind', 'in', kinds)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
            eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
          ]),
        )
        .orderBy('run_at')
        .limit(1);
      const row = await db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          locked_by: workerId,
          locked_until: until,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', 'in', dialect === 'postgres' ? pick.forUpdate().skipLocked() : pick)
        .returningAll()
        .executeTakeFirst();
      return row && toJob(row);
    },

    /** Keep a running job's lease and publish its progress. */
    async heartbeat(id: string, workerId: string, leaseMs: number, progress?: Job['progress']) {
      await db
        .updateTable('jobs')
        .set({
          locked_until: new Date(Date.now() + leaseMs).toISOString(),
          updated_at: nowIso(),
          ...(progress !== undefined && { progress: JSON.stringify(progress) }),
        })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    async complete(id: string, workerId: string, result: unknown) {
      const at = nowIso();
      await db
        .updateTable('jobs')
        .set({
          status: 'done',
          result: JSON.stringify(result ?? null),
          error: null,
          locked_by: null,
          locked_until: null,
          updated_at: at,
          finished_at: at,
        })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    /** A failed attempt: retried with exponential backoff until max_attempts, then failed for good. */
    async fail(job: Job, workerId: string, message: string) {
      const at = nowIso();
      const final = job.attempts >= job.maxAttempts;
      const retryAt = new Date(Date.now() + 1000 * 2 ** job.attempts).toISOString();
      await db
        .updateTable('jobs')
        .set({
          status: final ? 'failed' : 'queued',
          error: message.slice(0, 2000),
          run_at: final ? job.runAt : retryAt,
          locked_by: null,
          locked_until: null,
          updated_at: at,
          finished_at: final ? at : null,
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    async get(workspaceId: string, id: string): Promise<Job | undefined> {
      const r = await db
        .selectFrom('jobs')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toJob(r);
    },

    async list(workspaceId: string, kind: string, limit: number): Promise<Job[]> {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', kind)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toJob);
    },

    /** Jobs waiting or running, for a health view. */
    async pendingCount(): Promise<number> {
      const r = await db
        .selectFrom('jobs')
        .select(sql<string | number>`count(*)`.as('n'))
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type JobQueue = ReturnType<typeof createJobQueue>;
