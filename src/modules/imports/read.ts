import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { CsvError, Parser, type Options } from 'csv-parse';
import { AppError, badInput } from '../../platform/errors.ts';
import { stripNul } from '../../platform/values.ts';
import { headerIndex, type HeaderIndex, type Row } from './records.ts';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * The encoding of a file from its first bytes: a byte-order mark if there is one; UTF-8 if the start is valid
 * UTF-8; otherwise Windows-1252 (what Excel on Windows writes as "CSV").
 */
export function detectEncoding(head: Uint8Array): Encoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // UTF-16 without a BOM: every other byte is zero in Latin text
  let zerosOdd = 0;
  for (let i = 1; i < Math.min(head.length, 400); i += 2) if (head[i] === 0) zerosOdd++;
  if (head.length > 8 && zerosOdd > Math.min(head.length, 400) / 4) return 'utf-16le';
  // Cut at the last complete line so a split multi-byte character doesn't fail the check
  const nl = head.lastIndexOf(0x0a);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(
      nl > 0 && head.length >= 65536 ? head.subarray(0, nl) : head,
    );
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/**
 * Limits on what a CSV may be, so that no file (100 MB on one line, a quote never closed, a million columns)
 * can keep the process busy: a record (one row, with its quoted line breaks) of at most MAX_RECORD_CHARS
 * characters, and at most MAX_COLUMNS columns in the header.
 */
export const MAX_RECORD_CHARS = 1_048_576;
/**
 * The longest line in bytes: checked on the raw bytes before any parsing (a scan for line breaks costs
 * next to nothing, while csv-parse spends ~0.5 s per MB of one field), so a file without line breaks is refused
 * after its first 256 KB.
 */
export const MAX_LINE_BYTES = 262_144;
export const MAX_COLUMNS = 1_000;

/** A streaming decoder to text (drops a UTF-8/UTF-16 BOM, and NUL characters, which no text field holds). */
function decoder(encoding: Encoding): Transform {
  const d = new TextDecoder(encoding, { ignoreBOM: false });
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, stripNul(d.decode(chunk, { stream: true })));
    },
    flush(cb) {
      cb(null, stripNul(d.decode()));
    },
  });
}

/** Passes bytes through, failing at the first line longer than MAX_LINE_BYTES. */
function lineLengthGuard(): Transform {
  let run = 0; // bytes since the last line break
  let line = 1;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        const end = nl < 0 ? chunk.length : nl;
        run += end - from;
        if (run > MAX_LINE_BYTES)
          return cb(
            new AppError(
              'IMPORT_LINE_TOO_LONG',
              `Line ${line} of the file is longer than ${MAX_LINE_BYTES.toLocaleString('en')} bytes: this is not a CSV export`,
              422,
            ),
          );
        if (nl < 0) break;
        run = 0;
        line++;
        from = nl + 1;
      }
      cb(null, chunk);
    },
  });
}

/** csv-parse's refusal of an over-long record, as a problem people can act on. */
function tooLong(err: unknown): unknown {
  if (!(err instanceof CsvError) || err.code !== 'CSV_MAX_RECORD_SIZE') return err;
  const line = (err as { lines?: number }).lines;
  return new AppError(
    'IMPORT_LINE_TOO_LONG',
    `${line ? `Line ${line}` : 'A line'} of the file is longer than ${MAX_RECORD_CHARS.toLocaleString('en')} characters: this is not a CSV export (or a quote is never closed)`,
    422,
  );
}

/**
 * csv-parse's stream, each record with the file line it ends on: csv-parse's `info` option would copy its whole
 * state into two new objects per record for the one number read here.
 */
class LineParser extends Parser {
  constructor(opts: Options) {
    super(opts);
  }
  override push(record: unknown): boolean {
    // called once per record as it completes (the line count is then the record's last line), and with null at the end
    return super.push(record === null ? null : { record, info: { lines: this.info.lines } });
  }
}

/** The delimiter of a CSV from its header line: the most frequent of , ; tab | outside quotes. */
export function sniffDelimiter(firstLine: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0, '|': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch] = (counts[ch] ?? 0) + 1;
  }
  const [best] = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ',';
}

async function endsWithLineBreak(file: string): Promise<boolean> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return true;
    const buf = Buffer.alloc(1);
    await fh.read(buf, 0, 1, size - 1);
    return buf[0] === 0x0a || buf[0] === 0x0d;
  } finally {
    await fh.close();
  }
}

async function readHead(file: string, bytes = 65536): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Why a file cannot be read as text (CSV or vCard), from its first bytes; undefined when it can. Spreadsheet
 * workbooks are the usual mistake: say how to turn them into CSV.
 */
export function notTextReason(head: Uint8Array): string | undefined {
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  if (starts(0x50, 0x4b, 0x03, 0x04))
    return 'This is a workbook or archive (.xlsx, .numbers, .ods or .zip), not a CSV file. Open it in your spreadsheet and save or export it as CSV, then import the CSV.';
  if (starts(0xd0, 0xcf, 0x11, 0xe0))
    return 'This is an old Excel workbook (.xls), not a CSV file. Open it in your spreadsheet and save it as CSV, then import the CSV.';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'This is a PDF, not a CSV file. Import the CSV export instead.';
  const encoding = detectEncoding(head);
  if (encoding.startsWith('utf-16')) return undefined;
  // control characters other than tab, newline, carriage return and form feed do not occur in text
  let control = 0;
  const n = Math.min(head.length, 8192);
  for (let i = 0; i < n; i++) {
    const b = head[i] ?? 0;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (n > 0 && control > Math.max(2, n / 100))
    return 'This file is not text: import a CSV file (any delimiter) or a vCard (.vcf) file.';
  return undefined;
}

/** The reason `file` is not a text file (see notTextReason); undefined when it is. */
export async function fileNotTextReason(file: string): Promise<string | undefined> {
  return notTextReason(await readHead(file, 8192));
}

/**
 * Refuse a file that cannot be imported before reading it: empty, or not text (a workbook, an archive, random
 * bytes). The HTTP upload and the CLI give the same refusal.
 */
export async function refuseUnreadable(file: string, size: number): Promise<void> {
  if (size === 0) throw badInput('IMPORT_EMPTY', 'The file is empty: there is nothing to import');
  const why = await fileNotTextReason(file);
  if (why) throw new AppError('IMPORT_NOT_TEXT', why, 415);
}

export type CsvSource = {
  encoding: Encoding;
  delimiter: string;
  headers: string[];
  /**
   * Data rows after the header, each with the file line it starts on; skips the first `skip` rows. With
   * `upTo`, stops after that many bytes of the file have been read (a preview reads a bounded start).
   */
  rows: (skip: number, upTo?: { bytes: number }) => AsyncIterable<Row & { index: number }>;
  /** Bytes of the file read so far (for progress). */
  bytesRead: () => number;
};

/**
 * csv-parse's own errors (a quote never closed, …) as a clear refusal: the same message whether the file is
 * previewed, dry-run or imported, over HTTP or from the CLI. The rows before it were read (and, in an import,
 * saved): the report says how many.
 */
async function* unreadable<T>(records: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* records;
  } catch (err) {
    const code = String((err as { code?: unknown } | null)?.code ?? '');
    if (!code.startsWith('CSV_')) throw err;
    const why =
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? `a quoted value is never closed (${err instanceof Error ? err.message.replace(/^Quote Not Closed: /, '') : ''})`
        : err instanceof Error
          ? err.message
          : code;
    throw badInput(
      'IMPORT_CSV_INVALID',
      `This file cannot be read as CSV: ${why}. Fix the file and import it again`,
    );
  }
}

/** Open a CSV file of any delimiter and encoding, with quoted newlines, streaming. */
export async function openCsv(file: string): Promise<CsvSource> {
  const head = await readHead(file);
  const encoding = detectEncoding(head);
  const headText = new TextDecoder(encoding).decode(head);
  const firstLine = headText.replace(/^\ufeff/, '').split(/\r?\n/)[0] ?? '';
  const delimiter = sniffDelimiter(firstLine);
  let headers: string[] = [];
  let bytes = 0;

  const open = (): Readable => {
    bytes = 0;
    const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    input.on('data', (c) => (bytes += (c as Buffer).length));
    const parser = new LineParser({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: true,
      max_record_size: MAX_RECORD_CHARS,
    });
    // the parser refusing (or the reader stopping early) stops the file being read
    parser.on('error', () => input.destroy());
    parser.on('close', () => input.destroy());
    const guard = lineLengthGuard();
    guard.on('error', (err) => parser.destroy(err));
    return input.pipe(guard).pipe(decoder(encoding)).pipe(parser);
  };

  // Read the header row
  for await (const rec of unreadable(catching(open() as AsyncIterable<{ record: string[] }>, tooLong))) {
    headers = rec.record.map((h) => h.replace(/^\ufeff/, '').trim());
    break;
  }
  if (headers.length > MAX_COLUMNS)
    throw new AppError(
      'IMPORT_TOO_MANY_COLUMNS',
      `The header has ${headers.length.toLocaleString('en')} columns; a CSV export has at most ${MAX_COLUMNS.toLocaleString('en')}`,
      422,
    );

  return {
    encoding,
    delimiter,
    headers,
    bytesRead: () => bytes,
    rows: async function* (skip: number, upTo?: { bytes: number }) {
      let index = -1;
      // every row has the same cells (the first column of each header), so their index is built once
      let keys: HeaderIndex | undefined;
      // one row is held back: the last, when the file does not end with a line break and the row has fewer
      // columns than the header, was cut short (a truncated download or copy) and is refused, not half-read
      let held: (Row & { index: number; width: number }) | undefined;
      const wanted = headers.length;
      let stopped = false; // a preview's bounded start: the row held is not the file's last
      try {
        const records = open() as AsyncIterable<{ record: string[]; info: { lines: number } }>;
        for await (const rec of unreadable(catching(records, tooLong))) {
          if (upTo && bytes > upTo.bytes) {
            stopped = true;
            break;
          }
          // the record ends on info.lines; it starts as many lines earlier as its quoted fields hold newlines
          let start = rec.info.lines;
          for (const f of rec.record) if (f.includes('\n')) start -= f.match(/\n/g)?.length ?? 0;
          if (index++ === -1) continue; // the header
          if (index <= skip) continue;
          const cells: Record<string, string> = {};
          headers.forEach((h, i) => {
            if (h && cells[h] === undefined) cells[h] = rec.record[i] ?? '';
          });
          keys ??= headerIndex(cells);
          if (held) yield held;
          held = { line: start, index, cells, keys, width: rec.record.length };
        }
      } catch (err) {
        // the file breaks after this row: it is whole, so it is read before the refusal
        if (held) yield held;
        throw err;
      }
      if (held) {
        if (!stopped && held.width < wanted && !(await endsWithLineBreak(file)))
          held.cut = `the last row is cut short (${held.width} of ${wanted} columns, and no line break ends the file): the file looks truncated; import the complete file`;
        yield held;
      }
    },
  };
}

/** Re-throw a stream's error as `map` says. */
async function* catching<T>(src: AsyncIterable<T>, map: (err: unknown) => unknown): AsyncIterable<T> {
  try {
    for await (const x of src) yield x;
  } catch (err) {
    throw map(err);
  }
}
