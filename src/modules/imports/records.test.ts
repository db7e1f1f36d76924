import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCsv } from './read.ts';
import { cellGetter, headerIndex, type Row } from './records.ts';

describe('reading cells by header', () => {
  const cells = { Name: 'Ada', 'E-mail': 'old@example.com', Email: 'ada@example.com', Phone: '  ' };

  it('finds a cell by any spelling of its header; of two headers that read the same, the last', () => {
    const seen = new Set<string>();
    const get = cellGetter(cells, seen);
    expect(get('e mail')).toBe('ada@example.com');
    expect(get('full name', 'NAME')).toBe('Ada');
    expect(get('phone')).toBeUndefined(); // blank
    expect(get('fax')).toBeUndefined();
    expect([...seen].sort()).toEqual(['email', 'name', 'phone']);
  });

  it('reads the same with a header index built once for the file', () => {
    const keys = headerIndex(cells);
    const other = { Name: 'Bo', 'E-mail': 'x@example.com', Email: '', Phone: '+1 415 555 0100' };
    for (const row of [cells, other]) {
      const once = cellGetter(row, undefined, keys);
      const each = cellGetter(row);
      for (const names of [['email'], ['name'], ['phone', 'mobile'], ['fax']])
        expect(once(...names)).toBe(each(...names));
    }
  });

  it('gives every row of a CSV file its line, its cells and the one header index', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-records-'));
    const file = path.join(dir, 'x.csv');
    fs.writeFileSync(file, 'Name,Notes,Name\nAda,"two\nlines",Second\n\nBo,one,Third\n');
    try {
      const csv = await openCsv(file);
      const rows: Row[] = [];
      for await (const r of csv.rows(0)) rows.push(r);
      expect(rows.map((r) => [r.line, r.index, r.cells])).toEqual([
        [2, 1, { Name: 'Ada', Notes: 'two\nlines' }],
        [5, 2, { Name: 'Bo', Notes: 'one' }],
      ]);
      expect(rows[0]?.keys).toBe(rows[1]?.keys);
      expect(rows[0]?.keys).toEqual(headerIndex(rows[0]?.cells ?? {}));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
