import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, ImportRunTable } from '../../platform/db/schema.ts';

export type ImportCounts = {
  customers: { created: number; updated: number; unchanged: number };
  /** walkIn: of those, sales without a customer (kept, counted in no customer's figures). */
  orders: { created: number; unchanged: number; walkIn?: number };
  /** Timeline entries (Rapport's export); skipped: an order's entry, which comes with its order. */
  interactions?: { created: number; unchanged: number; skipped?: number };
  rejected: number;
  warnings: number;
  /** Rows joined to customers already stored, by why: the source's id, an email, a phone; doubtful: of those, names that differ. */
  matched?: { externalId: number; email: number; phone: number; doubtful: number };
};
export const emptyCounts = (): ImportCounts => ({
  customers: { created: 0, updated: 0, unchanged: 0 },
  orders: { created: 0, unchanged: 0, walkIn: 0 },
  rejected: 0,
  warnings: 0,
  matched: { externalId: 0, email: 0, phone: 0, doubtful: 0 },
});

export type ImportRun = {
  id: string;
  fileName: string;
  fileHash: string;
  fileBytes: number;
  preset: string;
  status: ImportRunTable['status'];
  recordsDone: number;
  bytesDone: number;
  counts: ImportCounts;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
};

/** A run's claim fields: who runs it and when it last said so (not part of the API's ImportRun). */
export type RunClaim = {
  id: string;
  status: ImportRunTable['status'];
  owner: string | null;
  updatedAt: string;
  activeKey: string | null;
};
const toClaim = (r: Selectable<ImportRunTable>): RunClaim => ({
  id: r.id,
  status: r.status,
  owner: r.owner,
  updatedAt: r.updated_at,
  activeKey: r.active_key,
});

/** The unique key of active runs was taken: another import of the same file is running. */
export const isUniqueViolation = (err: unknown): boolean => {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

const toRun = (r: Selectable<ImportRunTable>): ImportRun => ({
  id: r.id,
  fileName: r.file_name,
  fileHash: r.file_hash,
  fileBytes: Number(r.file_bytes),
  preset: r.preset,
  status: r.status,
  recordsDone: Number(r.records_done),
  bytesDone: Number(r.bytes_done),
  counts: JSON.parse(r.counts) as ImportCounts,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

export function createImportsRepository(db: Kysely<Database>) {
  return {
    async insertRun(r: Selectable<ImportRunTable>) {
      await db.insertInto('import_runs').values(r).execute();
    },
    /**
     * An unfinished run of the same file and preset (a crash or a kill): the import resumes it. With `options`,
     * only a run started with the same options (a column mapping's columns).
     */
    async findResumable(ws: string, hash: string, preset: string, options?: string) {
      let q = db
        .selectFrom('import_runs')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('file_hash', '=', hash)
        .where('preset', '=', preset);
      if (options !== undefined) q = q.where('options', '=', options);
      const r = await q
        .where('status', 'in', ['running', 'failed'])
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r && { run: toRun(r), claim: toClaim(r) };
    },
    /** The run now importing what `key` names (file, preset, mapping), if any. */
    async findActive(ws: string, key: string) {
      const r = await db
        .selectFrom('import_runs')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('active_key', '=', key)
        .executeTakeFirst();
      return r && { run: toRun(r), claim: toClaim(r) };
    },
    /** Every run of every workspace marked running (at start: which of them were interrupted). */
    async listRunning() {
      const rows = await db.selectFrom('import_runs').selectAll().where('status', '=', 'running').execute();
      return rows.map((r) => ({
        workspaceId: r.workspace_id,
        options: r.options,
        run: toRun(r),
        claim: toClaim(r),
      }));
    },
    /**
     * Take over a run as it was seen (compare-and-set on status, owner and last heartbeat): true when this
     * process now owns it; false when someone else changed it first. Throws a unique violation when another
     * run of the same file became active meanwhile.
     */
    async claim(ws: string, seen: RunClaim, owner: string, key: string, at: string) {
      let q = db
        .updateTable('import_runs')
        .set({ status: 'running', owner, active_key: key, updated_at: at, error: null, finished_at: null })
        .where('workspace_id', '=', ws)
        .where('id', '=', seen.id)
        .where('status', '=', seen.status)
        .where('updated_at', '=', seen.updatedAt);
      q = seen.owner === null ? q.where('owner', 'is', null) : q.where('owner', '=', seen.owner);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Say that `owner` still runs the run. */
    async heartbeat(ws: string, id: string, owner: string, at: string) {
      await db
        .updateTable('import_runs')
        .set({ updated_at: at })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where('owner', '=', owner)
        .where('status', '=', 'running')
        .execute();
    },
    async getAnyWorkspace(id: string) {
      const r = await db.selectFrom('import_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toRun(r);
    },
    async get(ws: string, id: string) {
      const r = await db
        .selectFrom('import_runs')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toRun(r);
    },
    async list(ws: string, limit: number) {
      const rows = await db
        .selectFrom('import_runs')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },
    /**
     * Save progress in the same transaction as the rows it covers, only while `owner` still owns the run: false
     * when another process took it over (the caller then rolls the batch back).
     */
    async checkpoint(
      trx: Kysely<Database>,
      ws: string,
      id: string,
      owner: string,
      p: { recordsDone: number; bytesDone: number; counts: ImportCounts; at: string },
    ) {
      const r = await trx
        .updateTable('import_runs')
        .set({
          records_done: p.recordsDone,
          bytes_done: p.bytesDone,
          counts: JSON.stringify(p.counts),
          updated_at: p.at,
        })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where('owner', '=', owner)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /**
     * End a run owned by `owner` (null: whoever owns it, for a run found interrupted), with its final counts and,
     * when done, its record count; it stops being the active run of its file.
     */
    async finish(
      ws: string,
      id: string,
      owner: string | null,
      end: {
        status: 'done' | 'failed';
        at: string;
        error: string | null;
        counts?: ImportCounts;
        recordsDone?: number;
      },
    ) {
      let q = db
        .updateTable('import_runs')
        .set({
          status: end.status,
          updated_at: end.at,
          finished_at: end.at,
          error: end.error,
          active_key: null,
          ...(end.counts && { counts: JSON.stringify(end.counts) }),
          ...(end.recordsDone !== undefined && { records_done: end.recordsDone }),
        })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where('status', '=', 'running');
      if (owner !== null) q = q.where('owner', '=', owner);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async addNotes(
      trx: Kysely<Database>,
      rows: {
        workspace_id: string;
        run_id: string;
        line: number;
        kind: 'rejected' | 'warning' | 'match';
        reason: string;
      }[],
    ) {
      if (rows.length)
        await trx
          .insertInto('import_rejections')
          .values(rows)
          .onConflict((oc) => oc.columns(['workspace_id', 'run_id', 'line', 'kind']).doNothing())
          .execute();
    },
    /** ANALYZE the tables an import fills (the same statement on SQLite and PostgreSQL). */
    /**
     * Which of these timeline entries of a source were imported already (or, for Rapport's own export imported
     * into the workspace it came from, are the workspace's own entries): found among the entries of the same
     * instant, through the (workspace, occurred_at) index. The timeline owns the table; this only reads the key
     * an import left in an entry's meta.
     */
    async importedInteractions(
      trx: Kysely<Database>,
      ws: string,
      items: { key: string; id: string; occurredAt: string }[],
    ): Promise<Set<string>> {
      const found = new Set<string>();
      const wanted = new Set(items.flatMap((i) => [i.key, `id:${i.id}`]));
      const instants = [...new Set(items.map((i) => i.occurredAt))];
      for (let i = 0; i < instants.length; i += 500)
        for (const r of await trx
          .selectFrom('interactions')
          .select(['id', 'meta'])
          .where('workspace_id', '=', ws)
          .where('occurred_at', 'in', instants.slice(i, i + 500))
          .execute()) {
          if (wanted.has(`id:${r.id}`)) found.add(`id:${r.id}`);
          const key = r.meta?.includes('"imported"')
            ? (JSON.parse(r.meta) as { imported?: unknown }).imported
            : undefined;
          if (typeof key === 'string' && wanted.has(key)) found.add(key);
        }
      return found;
    },
    /** Which of these ids are orders of the workspace (Rapport's export carries our ids). */
    async existingOrderIds(trx: Kysely<Database>, ws: string, ids: string[]): Promise<Set<string>> {
      const out = new Set<string>();
      const all = [...new Set(ids)];
      for (let i = 0; i < all.length; i += 500)
        for (const r of await trx
          .selectFrom('orders')
          .select('id')
          .where('workspace_id', '=', ws)
          .where('id', 'in', all.slice(i, i + 500))
          .execute())
          out.add(r.id);
      return out;
    },
    async refreshStatistics() {
      for (const t of [
        'customers',
        'customer_phones',
        'customer_emails',
        'customer_external_ids',
        'customer_tokens',
        'orders',
        'order_lines',
        'interactions',
      ])
        await sql`ANALYZE ${sql.table(t)}`.execute(db);
    },
    async notes(ws: string, runId: string, only?: { kind: 'rejected' | 'warning' | 'match'; limit: number }) {
      let q = db
        .selectFrom('import_rejections')
        .select(['line', 'kind', 'reason'])
        .where('workspace_id', '=', ws)
        .where('run_id', '=', runId);
      if (only) q = q.where('kind', '=', only.kind).limit(only.limit);
      const rows = await q.orderBy('line').orderBy('kind').execute();
      return rows.map((r) => ({ ...r, line: Number(r.line) }));
    },
  };
}
export type ImportsRepository = ReturnType<typeof createImportsRepository>;
