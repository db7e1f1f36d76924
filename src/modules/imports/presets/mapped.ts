import { createHash } from 'node:crypto';
import { normHeader, perRow, type Preset } from '../records.ts';
import { customerOf } from './customers.ts';
import { FIELDS, type ColumnTarget, type FieldId } from './fields.ts';

/** A column mapping: each column of a file, by its name, to a Rapport field or 'ignore'. Never by position. */
export type ColumnMapping = Record<string, ColumnTarget>;

/**
 * How a mapping's column names are compared with a file's: Unicode-normalised, case and runs of spaces
 * ignored. (Not the presets' letters-and-digits key: that would make "Téléphone" and "Telephone", or any two
 * column names in Greek or Japanese, the same column.)
 */
export const columnKey = (h: string): string => h.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** One key for a set of column names (order, case and blank columns ignored): finds the saved mapping of a header. */
export function headerKey(headers: Iterable<string>): string {
  const keys = [...new Set([...headers].map(columnKey).filter(Boolean))].sort();
  return createHash('sha256').update(keys.join('\n')).digest('hex');
}

/** The file's own column for each of a mapping's columns; `missing` lists mapped columns the file lacks. */
export function resolveColumns(mapping: ColumnMapping, headers: string[]) {
  const byKey = new Map<string, string>();
  for (const h of headers) if (h.trim() && !byKey.has(columnKey(h))) byKey.set(columnKey(h), h);
  const byField = new Map<FieldId, string[]>();
  const targetOf = new Map<string, ColumnTarget>();
  const missing: string[] = [];
  for (const [column, target] of Object.entries(mapping)) {
    const header = byKey.get(columnKey(column));
    if (header === undefined) {
      if (target !== 'ignore') missing.push(column);
      continue;
    }
    targetOf.set(header, target);
    if (target !== 'ignore') byField.set(target, [...(byField.get(target) ?? []), header]);
  }
  return { byField, missing, targetOf };
}

/** A preset that reads customers through a column mapping (saved or given with the request). */
export function mappedCustomers(o: {
  id: string;
  label: string;
  columns: ColumnMapping;
  headers: string[];
}): Preset {
  const { byField } = resolveColumns(o.columns, o.headers);
  return {
    id: o.id,
    label: o.label,
    kind: 'customers',
    signature: [],
    read: perRow((_get, ctx, row) => {
      const all = (f: FieldId) =>
        (byField.get(f) ?? []).flatMap((h) => {
          const v = row.cells[h];
          return v === undefined || v.trim() === '' ? [] : [v];
        });
      return customerOf({ first: (f) => all(f)[0], all }, ctx);
    }),
  };
}

/** What the generic preset reads each column as, by the column's name ('ignore' when no field has that name). */
export function suggestColumns(headers: string[]): ColumnMapping {
  const fieldOf = new Map<string, FieldId>();
  for (const f of FIELDS)
    for (const a of f.aliases) if (!fieldOf.has(normHeader(a))) fieldOf.set(normHeader(a), f.id);
  const out: ColumnMapping = {};
  for (const h of headers) if (h.trim() && !(h in out)) out[h] = fieldOf.get(normHeader(h)) ?? 'ignore';
  return out;
}
