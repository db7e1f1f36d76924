import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { eraseCustomer, type ErasureResult } from './privacy.erase.ts';
import { collectCustomer } from './privacy.repository.ts';
import { DIRECT_TABLES } from './privacy.tables.ts';

export type CustomerExport = {
  exportedAt: string;
  workspace: { id: string; name: string };
  customer: Record<string, unknown>;
  tables: Record<string, Record<string, unknown>[]>;
};

type Deps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
  /** Called after an erasure that touched orders (the predictions are refitted). */
  onOrdersChanged?: (ws: string) => void;
};

/** Privacy (issue 19, J4): what is held on one customer, and erasing them. */
export function createPrivacyService({ db, workspaces, onOrdersChanged }: Deps) {
  return {
    async exportCustomer(ws: string, id: string): Promise<CustomerExport> {
      const found = await collectCustomer(db, ws, id, DIRECT_TABLES);
      if (!found) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
      const w = await workspaces.getWorkspaceOrThrow(ws);
      return { exportedAt: nowIso(), workspace: { id: w.id, name: w.name }, ...found };
    },

    async erase(ws: string, id: string, reason: string, actor: string): Promise<ErasureResult> {
      const r = await eraseCustomer(db, ws, id, reason, actor);
      if (r.counts.orders) onOrdersChanged?.(ws);
      return r;
    },
  };
}
export type PrivacyService = ReturnType<typeof createPrivacyService>;
