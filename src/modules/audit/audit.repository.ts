import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';

export type AuditEntry = {
  workspaceId: string;
  actor: string;
  action: string;
  entity: string;
  entityId?: string | null;
  data?: unknown;
};

/** Record one change. Call it with the same transaction as the write it describes. */
export async function recordAudit(db: Kysely<Database>, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: e.workspaceId,
      id: newId(),
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId ?? null,
      at: nowIso(),
      data: e.data === undefined ? null : JSON.stringify(e.data),
    })
    .execute();
}

export async function listAudit(db: Kysely<Database>, workspaceId: string, entity: string, entityId: string) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
}

/** Record many changes with one statement per 500 (bulk writes such as imports). */
export async function recordAudits(db: Kysely<Database>, entries: AuditEntry[]): Promise<void> {
  const at = nowIso();
  const rows = entries.map((e) => ({
    workspace_id: e.workspaceId,
    id: newId(),
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId ?? null,
    at,
    data: e.data === undefined ? null : JSON.stringify(e.data),
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('audit_log')
      .values(rows.slice(i, i + 500))
      .execute();
}
