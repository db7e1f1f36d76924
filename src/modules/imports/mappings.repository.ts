import type { Kysely, Selectable } from 'kysely';
import type { Database, ImportMappingTable } from '../../platform/db/schema.ts';
import type { ColumnMapping } from './presets/mapped.ts';

export type ImportMapping = {
  id: string;
  name: string;
  columns: ColumnMapping;
  createdAt: string;
  updatedAt: string;
};

const toMapping = (r: Selectable<ImportMappingTable>): ImportMapping => ({
  id: r.id,
  name: r.name,
  columns: JSON.parse(r.columns) as ColumnMapping,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A unique key refused the row (SQLite or PostgreSQL). */
export const isUniqueViolation = (err: unknown): boolean => {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

/** SQL of the saved column mappings (import_mappings, 0009). */
export function createMappingsRepository(db: Kysely<Database>) {
  const base = (ws: string) => db.selectFrom('import_mappings').selectAll().where('workspace_id', '=', ws);
  return {
    async list(ws: string): Promise<ImportMapping[]> {
      return (await base(ws).orderBy('name').limit(1000).execute()).map(toMapping);
    },
    async get(ws: string, id: string): Promise<ImportMapping | undefined> {
      const r = await base(ws).where('id', '=', id).executeTakeFirst();
      return r && toMapping(r);
    },
    async findByName(ws: string, name: string): Promise<ImportMapping | undefined> {
      const r = await base(ws).where('name', '=', name).executeTakeFirst();
      return r && toMapping(r);
    },
    /** The most recently saved mapping for exactly this set of columns. */
    async findByHeader(ws: string, key: string): Promise<ImportMapping | undefined> {
      const r = await base(ws)
        .where('header_key', '=', key)
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r && toMapping(r);
    },
    async insert(r: Selectable<ImportMappingTable>): Promise<void> {
      await db.insertInto('import_mappings').values(r).execute();
    },
    async update(
      ws: string,
      id: string,
      set: Pick<ImportMappingTable, 'name' | 'header_key' | 'columns' | 'updated_at'>,
    ): Promise<boolean> {
      const r = await db
        .updateTable('import_mappings')
        .set(set)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async remove(ws: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('import_mappings')
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
