/** The analytics CLI's CSV reader and writer, against csv-parse (the importer's parser) as the oracle. */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, csvWriter, readCsvColumns, type CsvColumn } from '../src/cli/analytics-csv.ts';
import { tmpDir } from './kit.ts';

const dir = tmpDir('rapport-analytics-csv-');
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const cols: CsvColumn[] = [
  { name: 'id', kind: 'text' },
  { name: 'n', kind: 'number' },
];

describe('readCsvColumns', () => {
  it('reads quoted fields, CRLF, a BOM, blank lines, spaces and extra columns', () => {
    const f = write(
      'mixed.csv',
      '\uFEFFextra, id ,n\r\nx,"a, b",1\r\n\r\ny, "say ""hi""" ,2.5\r\nz,"two\nlines", 3 \r\nw,plain,-4e2',
    );
    const r = readCsvColumns(f, cols);
    expect(r.rows).toBe(4);
    expect(r.text.get('id')).toEqual(['a, b', 'say "hi"', 'two\nlines', 'plain']);
    expect(Array.from(r.number.get('n')!)).toEqual([1, 2.5, 3, -400]);
    expect(r.quoted).toBe(true);
    expect(readCsvColumns(write('plain.csv', 'id,n\n a ,1\n'), cols)).toMatchObject({
      rows: 1,
      quoted: false,
    });
  });

  it('agrees with csv-parse on a file of many chunks whose quoted fields straddle chunk ends', () => {
    const lines = ['id,n,note'];
    const ids: string[] = [];
    for (let i = 0; i < 90_000; i++) {
      const id = i % 7 === 0 ? `c${i}, "q"\nnext` : i % 5 === 0 ? `é${i}ü€` : `c${i}`;
      ids.push(id);
      lines.push(`${csvField(id)},${i / 7},${'x'.repeat(i % 13)}`);
    }
    const text = lines.join('\n') + '\n';
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
    const f = write('big.csv', text);
    const r = readCsvColumns(f, cols);
    const oracle = parse(text, { columns: true }) as { id: string; n: string }[];
    expect(r.rows).toBe(oracle.length);
    expect(r.text.get('id')).toEqual(oracle.map((o) => o.id));
    expect(r.text.get('id')).toEqual(ids);
    expect(Array.from(r.number.get('n')!)).toEqual(oracle.map((o) => Number(o.n)));
  });

  it('parses every number exactly as Number() does', () => {
    const texts = [
      '0',
      '-0',
      '+3',
      '1.',
      '.5',
      '007.250',
      '-12.5',
      '123456789012345',
      '1234567890123456',
      '0.1',
    ];
    texts.push('9007199254740993', '1e3', '2.5E-3', '0x1F', '0.000000000000000000000012', '99999999999999.9');
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rand() * 18);
      const v = (rand() - 0.3) * 10 ** Math.floor(rand() * 8);
      texts.push(v.toPrecision(digits), String(v), (v / 7).toFixed(Math.floor(rand() * 20)));
    }
    const f = write('numbers.csv', `id,n\n${texts.map((t, i) => `r${i},${t}`).join('\n')}\n`);
    const got = readCsvColumns(f, cols).number.get('n')!;
    texts.forEach((t, i) => expect(Object.is(got[i], Number(t)), t).toBe(true));
  });

  it('says which line and column is wrong', () => {
    const at =
      (text: string, columns = cols) =>
      () =>
        readCsvColumns(write('bad.csv', text), columns);
    expect(at('id,m\na,1\n')).toThrow('Column "n" is not in the file (its columns: id, m)');
    expect(at('id,n\na,1\n\nb,\n')).toThrow('Line 4: "n" is empty');
    expect(at('id,n\na,1\nb,x1\n')).toThrow('Line 3: "n" is not a number ("x1")');
    expect(at('id,n\na,1,2\n')).toThrow('Line 2: 3 fields, but the header has 2');
    expect(at('id,n\n"a,1\n')).toThrow(/never closed/);
    expect(at('')).toThrow(/is empty: it needs a header row/);
    expect(
      at('id,n\na,-1\n', [cols[0]!, { ...cols[1]!, check: (v) => (v < 0 ? 'is negative' : undefined) }]),
    ).toThrow('Line 2: "n" is negative ("-1")');
    expect(() => readCsvColumns(path.join(dir, 'missing.csv'), cols)).toThrow(/No such file/);
  });
});

describe('csvWriter', () => {
  it('writes into place only on commit, and round-trips awkward ids', () => {
    const f = path.join(dir, 'out.csv');
    const w = csvWriter(f);
    const ids = ['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded '];
    w.line('id,n');
    ids.forEach((id, i) => w.line(`${csvField(id)},${i}`));
    expect(fs.existsSync(f)).toBe(false);
    w.commit();
    expect(readCsvColumns(f, cols).text.get('id')).toEqual(ids); // spaces inside quotes are kept
    expect((parse(fs.readFileSync(f), { columns: true }) as { id: string }[]).map((r) => r.id)).toEqual(ids);
    const gone = csvWriter(path.join(dir, 'gone.csv'));
    gone.line('x');
    gone.abandon();
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('gone'))).toEqual([]);
  });
});
