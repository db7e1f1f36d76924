import type { Kysely } from 'kysely';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { recordAudit } from '../audit/index.ts';
import { createWorkspacesRepository } from './workspaces.repository.ts';
import {
  createWorkspaceSchema,
  updateWorkspaceSchema,
  type CreateWorkspaceInput,
  type Workspace,
} from './workspaces.schema.ts';

export function createWorkspaceService({ db }: { db: Kysely<Database> }) {
  const repo = createWorkspacesRepository(db);

  async function getWorkspaceOrThrow(id: string, trx?: Kysely<Database>): Promise<Workspace> {
    const w = await repo.findById(id, trx);
    if (!w) throw notFound('WORKSPACE_NOT_FOUND', 'Workspace');
    return w;
  }

  const recent = new Map<string, { w: Workspace; until: number }>();

  return {
    getWorkspaceOrThrow,

    /** As getWorkspaceOrThrow, remembered for a few seconds: for hot paths (a caller card) that need its region or currency. */
    async getWorkspaceCached(id: string): Promise<Workspace> {
      const hit = recent.get(id);
      if (hit && hit.until > Date.now()) return hit.w;
      const w = await getWorkspaceOrThrow(id);
      recent.set(id, { w, until: Date.now() + 5000 });
      return w;
    },
    listWorkspaces: () => repo.list(),
    countWorkspaces: (trx?: Kysely<Database>) => repo.count(trx),
    /** Inside a write transaction: no other workspace is created until it ends. */
    lockCreation: (trx: Kysely<Database>) => repo.lockCreation(trx),

    /** Create a workspace (validated: IANA zone, ISO 4217 currency, phone region). */
    async createWorkspace(
      input: CreateWorkspaceInput,
      actor = 'cli',
      trx: Kysely<Database> = db,
    ): Promise<Workspace> {
      const v = createWorkspaceSchema.parse(input);
      const at = nowIso();
      const w: Workspace = { id: newId(), ...v, createdAt: at, updatedAt: at };
      const run = async (t: Kysely<Database>) => {
        await repo.insert(t, w);
        await recordAudit(t, {
          workspaceId: w.id,
          actor,
          action: 'create',
          entity: 'workspace',
          entityId: w.id,
          data: v,
        });
      };
      await writeTransaction(trx, run); // joins the caller's transaction when given one
      return w;
    },

    /** Find by id or by exact name; a name shared by several workspaces must be given as an id. */
    async findWorkspace(nameOrId: string): Promise<Workspace | undefined> {
      const byId = await repo.findById(nameOrId);
      if (byId) return byId;
      const byName = await repo.findByName(nameOrId);
      if (byName.length > 1)
        throw new AppError(
          'WORKSPACE_AMBIGUOUS',
          `Several workspaces are named "${nameOrId}"; give the id instead`,
          409,
        );
      return byName[0];
    },

    async updateWorkspace(id: string, input: unknown, actor: string): Promise<Workspace> {
      const v = updateWorkspaceSchema.parse(input);
      await getWorkspaceOrThrow(id);
      recent.delete(id);
      await writeTransaction(db, async (t) => {
        await repo.update(t, id, { ...v, updatedAt: nowIso() });
        await recordAudit(t, {
          workspaceId: id,
          actor,
          action: 'update',
          entity: 'workspace',
          entityId: id,
          data: v,
        });
      });
      return getWorkspaceOrThrow(id);
    },
  };
}
export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
