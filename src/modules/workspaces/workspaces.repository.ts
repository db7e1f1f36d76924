import { sql, type Kysely, type Selectable } from 'kysely';
import { isPostgres } from '../../platform/db/transaction.ts';
import type { Database, WorkspaceTable } from '../../platform/db/schema.ts';
import type { Workspace } from './workspaces.schema.ts';

const toWorkspace = (r: Selectable<WorkspaceTable>): Workspace => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  currency: r.currency,
  region: r.region,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createWorkspacesRepository(db: Kysely<Database>) {
  return {
    /**
     * Until the transaction ends, no other one creates a workspace (first-run setup checks "none yet" under it).
     * SQLite's write transactions already run one at a time.
     */
    async lockCreation(trx: Kysely<Database>): Promise<void> {
      if (isPostgres(trx)) await sql`lock table workspaces in share row exclusive mode`.execute(trx);
    },
    async insert(trx: Kysely<Database>, w: Workspace): Promise<void> {
      await trx
        .insertInto('workspaces')
        .values({
          id: w.id,
          name: w.name,
          timezone: w.timezone,
          currency: w.currency,
          region: w.region,
          created_at: w.createdAt,
          updated_at: w.updatedAt,
        })
        .execute();
    },
    async findById(id: string, trx: Kysely<Database> = db): Promise<Workspace | undefined> {
      const r = await trx.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toWorkspace(r);
    },
    async findByName(name: string): Promise<Workspace[]> {
      const rows = await db
        .selectFrom('workspaces')
        .selectAll()
        .where('name', '=', name)
        .orderBy('id')
        .execute();
      return rows.map(toWorkspace);
    },
    async list(): Promise<Workspace[]> {
      const rows = await db.selectFrom('workspaces').selectAll().orderBy('name').orderBy('id').execute();
      return rows.map(toWorkspace);
    },
    async count(trx: Kysely<Database> = db): Promise<number> {
      const r = await trx
        .selectFrom('workspaces')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async update(
      trx: Kysely<Database>,
      id: string,
      patch: { [K in keyof Omit<Workspace, 'id' | 'createdAt'>]?: Workspace[K] | undefined },
    ): Promise<void> {
      await trx
        .updateTable('workspaces')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.timezone !== undefined && { timezone: patch.timezone }),
          ...(patch.currency !== undefined && { currency: patch.currency }),
          ...(patch.region !== undefined && { region: patch.region }),
          ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
        })
        .where('id', '=', id)
        .execute();
    },
  };
}
export type WorkspacesRepository = ReturnType<typeof createWorkspacesRepository>;
