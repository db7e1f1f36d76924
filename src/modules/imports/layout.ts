import { badInput } from '../../platform/errors.ts';
import type { MappingService } from './mappings.ts';
import { pointerTo, checkColumns } from './mappings.ts';
import { detectPreset, presetById } from './presets/index.ts';
import { mappedCustomers, resolveColumns, type ColumnMapping } from './presets/mapped.ts';
import type { Preset } from './records.ts';
import { mapsOrders, salesLines } from './presets/sales.ts';

/** A preset that reads sales (orders, one row per line item) through a column mapping. */
function mappedSales(o: { id: string; label: string; columns: ColumnMapping; headers: string[] }): Preset {
  const { byField } = resolveColumns(o.columns, o.headers);
  return salesLines({ id: o.id, label: o.label, columns: (f) => byField.get(f) ?? [] });
}

/** How a CSV file is read: a preset, or a column mapping (saved, or given with the request). */
export type Layout = {
  preset: Preset;
  /** What the run records: the preset's id, `mapping:<name>` for a saved mapping, `mapping` for one given inline. */
  presetId: string;
  /** The natural-key namespace of external ids (a mapped file's ids are the generic preset's). */
  source: string;
  mapping: { id: string; name: string } | null;
  columns: ColumnMapping | null;
};

export type LayoutChoice = {
  preset?: string | undefined;
  /** A saved mapping's id or name. */
  mapping?: string | undefined;
  /** A mapping given with the request: { "column name": "field" | "ignore" }. */
  columns?: unknown;
};

const listed = (headers: string[]) =>
  headers
    .filter((h) => h.trim())
    .map((h) => `"${h}"`)
    .join(', ');

/**
 * Choose how to read a CSV with these headers. Given: the preset, the saved mapping or the inline columns
 * (one of them). Otherwise detected: a saved mapping for exactly this set of columns first, then the presets'
 * signatures, then the generic preset (columns recognised by name). Pointers name the query parameters.
 */
export async function chooseLayout(
  mappings: MappingService,
  ws: string,
  headers: string[],
  o: LayoutChoice,
): Promise<Layout> {
  const given = [o.preset, o.mapping, o.columns].filter((x) => x !== undefined).length;
  if (given > 1)
    throw badInput(
      'IMPORT_LAYOUT_CONFLICT',
      'Give one of preset, mapping (a saved mapping) or columns (a mapping), not several',
      o.mapping !== undefined ? '/querystring/mapping' : '/querystring/columns',
    );
  const mapped = (columns: ColumnMapping, m: { id: string; name: string } | null): Layout => ({
    preset: (mapsOrders(columns) ? mappedSales : mappedCustomers)({
      id: m ? `mapping:${m.name}` : 'mapping',
      label: m ? `Saved mapping "${m.name}"` : 'Your column mapping',
      columns,
      headers,
    }),
    presetId: m ? `mapping:${m.name}` : 'mapping',
    source: 'generic',
    mapping: m,
    columns,
  });

  if (o.columns !== undefined) {
    const columns = checkColumns(o.columns, '/querystring/columns');
    const [missing] = resolveColumns(columns, headers).missing;
    if (missing !== undefined)
      throw badInput(
        'MAPPING_COLUMN_MISSING',
        `The file has no column "${missing}". Its columns are ${listed(headers)}`,
        pointerTo('/querystring/columns', missing),
      );
    return mapped(columns, null);
  }
  if (o.mapping !== undefined) {
    const m = await mappings.findByRef(ws, o.mapping);
    const [missing] = resolveColumns(m.columns, headers).missing;
    if (missing !== undefined)
      throw badInput(
        'MAPPING_COLUMN_MISSING',
        `The file has no column "${missing}", which the mapping "${m.name}" reads. Its columns are ${listed(headers)}`,
        '/querystring/mapping',
      );
    return mapped(m.columns, { id: m.id, name: m.name });
  }
  if (o.preset !== undefined) {
    const preset = presetById(o.preset);
    if (!preset) throw badInput('IMPORT_UNKNOWN_PRESET', `No preset "${o.preset}"`, '/querystring/preset');
    return { preset, presetId: preset.id, source: sourceOf(preset.id), mapping: null, columns: null };
  }
  const saved = await mappings.matchHeaders(ws, headers);
  if (saved) return mapped(saved.columns, { id: saved.id, name: saved.name });
  const preset = detectPreset(headers);
  return { preset, presetId: preset.id, source: sourceOf(preset.id), mapping: null, columns: null };
}

const sourceOf = (presetId: string) => presetId.split('-')[0] ?? presetId;
