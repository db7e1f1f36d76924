import fs from 'node:fs';
import { badInput } from '../../platform/errors.ts';
import { customerFromJson, interactionFromJson, ordersFromJson } from './presets/rapport.ts';
import type { ImportRecord, PresetContext } from './records.ts';

/** Rapport's export.json: `{ "customers": [...], "orders": [...], "interactions": [...] }`. */
export async function isExportJson(file: string): Promise<boolean> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const { bytesRead } = await fh.read(buf, 0, 256, 0);
    return /^\ufeff?\s*\{\s*("(customers|orders|interactions)"|$)/.test(
      buf.subarray(0, bytesRead).toString('utf8'),
    );
  } finally {
    await fh.close();
  }
}

/** One element of a top-level array: its array's name, its text, and the line it starts on. */
type Element = { section: string; text: string; line: number };

const invalid = (why: string) =>
  badInput(
    'IMPORT_JSON_INVALID',
    `This file cannot be read as Rapport's export.json: ${why}. Export it again`,
  );

/**
 * The elements of the top-level object's arrays, streamed: each array element is cut out by counting brackets
 * outside strings, so memory holds one element at a time however large the file.
 */
async function* elements(file: string): AsyncIterable<Element> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let key = ''; // the last key read at the top level
  let keyOpen = false;
  let section: string | undefined;
  let buf: string[] | undefined; // the element being read
  let elementLine = 0;
  let sections = 0;
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    const s = chunk as string;
    let from = 0; // where the element being read starts in this chunk
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === 92) escaped = true;
        else if (ch === 34) {
          inString = false;
          keyOpen = false;
        } else if (keyOpen) key += s[i];
        continue;
      }
      if (ch === 34) {
        inString = true;
        if (depth === 1) {
          keyOpen = true;
          key = '';
        }
      } else if (ch === 123 || ch === 91) {
        // { or [
        if (depth === 0 && ch !== 123) throw invalid('it is not one JSON object');
        if (depth === 1) {
          if (ch !== 91) throw invalid(`"${key}" is not a list`);
          section = key;
          sections++;
        } else if (depth === 2) {
          if (ch !== 123) throw invalid(`line ${line}: an element of "${section ?? ''}" is not an object`);
          buf = [];
          from = i;
          elementLine = line;
        }
        depth++;
      } else if (ch === 125 || ch === 93) {
        // } or ]
        depth--;
        if (depth < 0) throw invalid(`line ${line}: a bracket closes that never opened`);
        if (depth === 2 && buf) {
          buf.push(s.slice(from, i + 1));
          yield { section: section ?? '', text: buf.join(''), line: elementLine };
          buf = undefined;
        } else if (depth === 1) section = undefined;
      }
    }
    if (buf) buf.push(s.slice(from));
  }
  if (depth !== 0 || inString) throw invalid('it ends in the middle (the file looks truncated)');
  if (!sections) throw invalid('it has no "customers", "orders" or "interactions"');
}

/**
 * Every customer, order and timeline entry of an export.json as import records, in the file's order (customers
 * first: each order and entry then finds its customer by the exported id). An element that cannot be read is
 * rejected with the line it starts on.
 */
export async function* readExportJson(file: string, ctx: PresetContext): AsyncIterable<ImportRecord> {
  let index = 0;
  for await (const e of elements(file)) {
    const at = { line: e.line, index: ++index };
    try {
      const value: unknown = JSON.parse(e.text);
      if (e.section === 'customers') yield { ...at, customer: customerFromJson(value) };
      else if (e.section === 'orders') for (const order of ordersFromJson(value, ctx)) yield { ...at, order };
      else if (e.section === 'interactions') yield { ...at, interaction: interactionFromJson(value) };
      else yield { ...at, error: `"${e.section}" is not a part of Rapport's export: left out` };
    } catch (err) {
      yield {
        ...at,
        error:
          err instanceof SyntaxError
            ? `not JSON: ${err.message}`
            : err instanceof Error
              ? err.message
              : String(err),
      };
    }
  }
}
