import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { AppError, badInput, notFound } from '../../platform/errors.ts';
import { createMappingsRepository, isUniqueViolation, type ImportMapping } from './mappings.repository.ts';
import { FIELD_IDS, isTarget, type FieldId } from './presets/fields.ts';
import { columnKey, headerKey, type ColumnMapping } from './presets/mapped.ts';

/** Fields that tell who a row is: a mapping without any of them would reject every row. */
const IDENTITY: readonly FieldId[] = [
  'name',
  'firstName',
  'lastName',
  'company',
  'phone',
  'mobile',
  'workPhone',
  'email',
];
const MAX_COLUMNS = 500;

/** A JSON pointer segment for a column name ("a/b" → "a~1b"). */
export const pointerTo = (base: string, column: string) =>
  `${base}/${column.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * Check a column mapping given by a user: an object { "column name": "field id" | "ignore" }. `at` is the JSON
 * pointer of the object in the request; an unknown field is refused with the pointer of its column.
 */
export function checkColumns(input: unknown, at: string): ColumnMapping {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw badInput('MAPPING_INVALID', 'columns must be an object: { "column name": "field" }', at);
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length === 0) throw badInput('MAPPING_EMPTY', 'Map at least one column', at);
  if (entries.length > MAX_COLUMNS)
    throw badInput('MAPPING_TOO_MANY', `A mapping has at most ${MAX_COLUMNS} columns`, at);
  const seen = new Map<string, string>();
  const out: ColumnMapping = {};
  for (const [column, target] of entries) {
    const pointer = pointerTo(at, column);
    if (!column.trim() || column.length > 300)
      throw badInput('MAPPING_BAD_COLUMN', 'A column name has 1 to 300 characters', pointer);
    if (!isTarget(target))
      throw badInput(
        'MAPPING_UNKNOWN_FIELD',
        `"${String(target)}" is not a Rapport field; use one of ${FIELD_IDS.join(', ')}, or ignore`,
        pointer,
      );
    const key = columnKey(column);
    const twin = seen.get(key);
    if (twin !== undefined)
      throw badInput('MAPPING_DUPLICATE_COLUMN', `"${column}" and "${twin}" are the same column`, pointer);
    seen.set(key, column);
    out[column] = target;
  }
  if (!Object.values(out).some((t) => t !== 'ignore' && IDENTITY.includes(t)))
    throw badInput(
      'MAPPING_NO_NAME',
      'Map at least one column to a name, first or last name, company, phone or email: without one every row would be rejected',
      at,
    );
  return out;
}

const checkName = (name: string) => {
  const n = name.trim();
  if (!n || n.length > 100)
    throw badInput('MAPPING_BAD_NAME', 'A name has 1 to 100 characters', '/body/name');
  return n;
};
const nameTaken = (name: string) =>
  new AppError('MAPPING_NAME_TAKEN', `A mapping named "${name}" exists already`, 409, '/body/name');

/**
 * Saved column mappings for generic CSV files: each column, by name, to a Rapport field. The next file with
 * the same set of column names is read with its mapping (see imports: chooseLayout).
 */
export function createMappingService(db: Kysely<Database>) {
  const repo = createMappingsRepository(db);

  async function getOrThrow(ws: string, id: string): Promise<ImportMapping> {
    const m = await repo.get(ws, id);
    if (!m) throw notFound('MAPPING_NOT_FOUND', 'Import mapping');
    return m;
  }

  return {
    list: (ws: string) => repo.list(ws),
    getOrThrow,

    /** A saved mapping by id or by name. */
    async findByRef(ws: string, ref: string): Promise<ImportMapping> {
      const m = (await repo.get(ws, ref)) ?? (await repo.findByName(ws, ref.trim()));
      if (!m) throw new AppError('MAPPING_NOT_FOUND', `No saved mapping "${ref}" in this workspace`, 404);
      return m;
    },

    /** The saved mapping (most recently saved) for exactly this set of column names, if any. */
    matchHeaders: (ws: string, headers: string[]) =>
      headers.some((h) => h.trim()) ? repo.findByHeader(ws, headerKey(headers)) : Promise.resolve(undefined),

    async create(
      ws: string,
      input: { name: string; columns: unknown },
      actor: string,
    ): Promise<ImportMapping> {
      const name = checkName(input.name);
      const columns = checkColumns(input.columns, '/body/columns');
      if (await repo.findByName(ws, name)) throw nameTaken(name);
      const at = nowIso();
      const row = {
        workspace_id: ws,
        id: newId(),
        name,
        header_key: headerKey(Object.keys(columns)),
        columns: JSON.stringify(columns),
        created_by: actor,
        created_at: at,
        updated_at: at,
      };
      try {
        await repo.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(name);
        throw err;
      }
      return getOrThrow(ws, row.id);
    },

    /** Rename a mapping or change its columns (both given in full). */
    async update(ws: string, id: string, input: { name: string; columns: unknown }): Promise<ImportMapping> {
      await getOrThrow(ws, id);
      const name = checkName(input.name);
      const columns = checkColumns(input.columns, '/body/columns');
      const same = await repo.findByName(ws, name);
      if (same && same.id !== id) throw nameTaken(name);
      try {
        await repo.update(ws, id, {
          name,
          header_key: headerKey(Object.keys(columns)),
          columns: JSON.stringify(columns),
          updated_at: nowIso(),
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(name);
        throw err;
      }
      return getOrThrow(ws, id);
    },

    async remove(ws: string, id: string): Promise<void> {
      if (!(await repo.remove(ws, id))) throw notFound('MAPPING_NOT_FOUND', 'Import mapping');
    },
  };
}
export type MappingService = ReturnType<typeof createMappingService>;
