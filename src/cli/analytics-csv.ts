/**
 * CSV in and out for `rapport analytics`, built for files of millions of rows: the reader streams the file in
 * 1 MiB chunks and keeps only the named columns (text in an array, numbers in a Float64Array: no object
 * per record); the writer encodes rows into a buffer written a megabyte at a time, into a temporary file
 * renamed over the target at the end (a refusal half-way leaves no partial file behind).
 * RFC 4180: comma-separated, fields optionally in double quotes ("" for a quote, line breaks allowed inside);
 * a UTF-8 byte-order mark, CRLF line ends, blank lines and spaces around a field are accepted.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { AppError } from '../platform/errors.ts';

const bad = (message: string) => new AppError('BAD_OPTION', message, 400);

export type CsvColumn = {
  name: string;
  kind: 'text' | 'number';
  /** A missing column is an error unless optional. */
  optional?: boolean;
  /** A number column's value from its text (default `Number`); throw a RangeError to refuse it. */
  parse?: (v: string) => number;
  /** Refuse a value: return the reason ("is not a non-negative number"). */
  check?: (v: number) => string | undefined;
};
export type CsvColumns = {
  rows: number;
  text: Map<string, string[]>;
  number: Map<string, Float64Array>;
  /** Columns asked for and present in the header. */
  present: Set<string>;
  /**
   * Whether any field of the file was in quotes. When none was, no text value holds a comma, quote or line
   * break or starts or ends with a space: each can be written back as it is (see `csvField`).
   */
  quoted: boolean;
};

const CHUNK = 1 << 20;
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Read the `columns` of a CSV file with a header row. Errors name the line and column.
 * @example readCsvColumns('s.csv', [{ name: 'customer_id', kind: 'text' }, { name: 'T', kind: 'number' }])
 */
export function readCsvColumns(file: string, columns: CsvColumn[]): CsvColumns {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    throw bad(`No such file: ${file}`);
  }
  const text = new Map<string, string[]>();
  const nums = new Map<string, Float64Array>();
  const present = new Set<string>();
  // per field index of the file: what to do with it (−1 skip; else index into `columns`)
  let role: Int32Array | undefined;
  let width = 0;
  let cap = 1 << 16;
  let rows = 0;
  const numArr: (Float64Array | undefined)[] = columns.map(() => undefined);
  const textArr: (string[] | undefined)[] = columns.map(() => undefined);
  const fields: string[] = [];
  let line = 1; // physical line the current record starts on
  const header = (names: string[]) => {
    const idx = new Map<string, number>();
    names.forEach((n, i) => idx.set(n, i));
    width = names.length;
    role = new Int32Array(width).fill(-1);
    columns.forEach((c, k) => {
      const at = idx.get(c.name);
      if (at === undefined) {
        if (c.optional) return;
        throw bad(`Column "${c.name}" is not in the file (its columns: ${names.join(', ')})`);
      }
      role![at] = k;
      present.add(c.name);
      if (c.kind === 'number') numArr[k] = new Float64Array(cap);
      else textArr[k] = [];
    });
  };
  const grow = () => {
    cap *= 2;
    numArr.forEach((a, k) => {
      if (!a) return;
      const b = new Float64Array(cap);
      b.set(a);
      numArr[k] = b;
    });
  };
  /** One record's field `f` (already unquoted), its text `v`. */
  const field = (f: number, v: string) => {
    const k = role![f] as number;
    if (k < 0) return;
    const c = columns[k] as CsvColumn;
    if (v === '') throw bad(`Line ${line}: "${c.name}" is empty`);
    if (c.kind === 'text') {
      (textArr[k] as string[]).push(v);
      return;
    }
    let n: number;
    try {
      n = c.parse ? c.parse(v) : Number(v);
    } catch (err) {
      throw bad(`Line ${line}: "${c.name}": ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!Number.isFinite(n)) throw bad(`Line ${line}: "${c.name}" is not a number ("${v}")`);
    const why = c.check?.(n);
    if (why) throw bad(`Line ${line}: "${c.name}" ${why} ("${v}")`);
    (numArr[k] as Float64Array)[rows] = n;
  };
  /** Field `f` of a record without quotes: s[a, b). Plain decimals are parsed in place (no string made). */
  const fieldRange = (f: number, s: string, a: number, b: number) => {
    const k = role![f] as number;
    if (k < 0) return;
    const c = columns[k] as CsvColumn;
    if (c.kind === 'number' && c.parse === undefined) {
      const n = plainDecimal(s, a, b);
      if (n === n && (c.check === undefined || c.check(n) === undefined)) {
        (numArr[k] as Float64Array)[rows] = n;
        return;
      }
    }
    field(f, trimmed(s, a, b)); // text, other numbers, and every error
  };
  const record = (count: number) => {
    if (role === undefined) {
      header(fields.slice(0, count));
      return;
    }
    if (count !== width)
      throw bad(
        `Line ${line}: ${count} fields, but the header has ${width} (${fields.slice(0, count).join(',')})`,
      );
    if (rows === cap) grow();
    for (let f = 0; f < count; f++) field(f, fields[f] as string);
    rows++;
  };

  const buf = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let first = true;
  let quoted = false;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      const eof = n === 0;
      let s = carry + (eof ? decoder.end() : decoder.write(buf.subarray(0, n)));
      if (first && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
      let pos = 0;
      let nextQuote = s.indexOf('"');
      if (nextQuote < 0) nextQuote = s.length;
      while (pos < s.length) {
        let nl = s.indexOf('\n', pos);
        if (nl < 0) {
          if (!eof) break; // the record may go on in the next chunk
          nl = s.length;
        }
        if (nextQuote < pos) {
          nextQuote = s.indexOf('"', pos);
          if (nextQuote < 0) nextQuote = s.length;
        }
        if (nextQuote >= nl) {
          // no quote on this line: split at commas
          let end = nl;
          if (end > pos && s.charCodeAt(end - 1) === CR) end--;
          if (end > pos) {
            if (role === undefined) {
              // the header
              let count = 0;
              let a = pos;
              for (;;) {
                let c = s.indexOf(',', a);
                if (c < 0 || c > end) c = end;
                fields[count++] = trimmed(s, a, c);
                if (c === end) break;
                a = c + 1;
              }
              if (count > 1 || (fields[0] as string) !== '') record(count);
            } else if (end > pos + 1 || !isSpace(s.charCodeAt(pos))) {
              if (rows === cap) grow();
              let f = 0;
              let a = pos;
              for (;;) {
                let c = s.indexOf(',', a);
                if (c < 0 || c > end) c = end;
                if (f < width) fieldRange(f, s, a, c);
                f++;
                if (c === end) break;
                a = c + 1;
              }
              if (f !== width) {
                if (f === 1 && trimmed(s, pos, end) === '') {
                  // a line of spaces: blank
                } else
                  throw bad(`Line ${line}: ${f} fields, but the header has ${width} (${s.slice(pos, end)})`);
              } else rows++;
            }
          }
          pos = nl + 1;
          line++;
          continue;
        }
        // quotes: walk the record character by character (it may span lines)
        quoted = true;
        const r = quotedRecord(s, pos, eof, fields);
        if (r === undefined) break;
        if (r.count > 1 || (fields[0] as string) !== '') record(r.count);
        pos = r.next;
        line += r.lines;
      }
      carry = s.slice(pos);
      if (eof) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (role === undefined) throw bad(`${file} is empty: it needs a header row`);
  columns.forEach((c, k) => {
    const a = numArr[k];
    if (a) nums.set(c.name, a.length === rows ? a : a.slice(0, rows));
    const t = textArr[k];
    if (t) text.set(c.name, t);
  });
  return { rows, text, number: nums, present, quoted };
}

/** Exact powers of ten (10^0 … 10^22 are exact doubles). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * s[a, b) as a number when it is a plain decimal ([+-]digits[.digits], spaces around) of at most 15 digits
 * and 22 decimals — then an exact integer divided by an exact power of ten, which is correctly rounded, as
 * `Number` is; NaN for anything else (left to `Number`).
 */
function plainDecimal(s: string, a: number, b: number): number {
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  let i = a;
  let sign = 1;
  const c0 = s.charCodeAt(i);
  if (c0 === 45) {
    sign = -1;
    i++;
  } else if (c0 === 43) i++;
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15 || frac > 22) return NaN;
  return sign * (frac > 0 ? mant / (POW10[frac] as number) : mant);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** s[a, b) without surrounding spaces and tabs. */
function trimmed(s: string, a: number, b: number): string {
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * One record with quoted fields from `pos`: its fields into `out`, the index after its line end and the
 * line breaks it spans; undefined when the chunk ends inside it (and more is to come).
 */
function quotedRecord(
  s: string,
  pos: number,
  eof: boolean,
  out: string[],
): { count: number; next: number; lines: number } | undefined {
  let count = 0;
  let lines = 0;
  let i = pos;
  for (;;) {
    // one field
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    let value: string;
    if (s.charCodeAt(i) === QUOTE) {
      let v = '';
      let from = i + 1;
      for (;;) {
        const q = s.indexOf('"', from);
        if (q < 0) {
          if (!eof) return undefined;
          throw bad(`A quoted field starting on line ${lineOf(s, pos, i) + 1} is never closed`);
        }
        if (s.charCodeAt(q + 1) === QUOTE) {
          v += s.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        if (q + 1 >= s.length && !eof) return undefined;
        v += s.slice(from, q);
        i = q + 1;
        break;
      }
      for (let k = 0; k < v.length; k++) if (v.charCodeAt(k) === LF) lines++;
      while (i < s.length && isSpace(s.charCodeAt(i))) i++;
      value = v;
    } else {
      let j = i;
      while (j < s.length) {
        const c = s.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
        j++;
      }
      if (s.charCodeAt(j) === QUOTE)
        throw bad(`Line ${lineOf(s, pos, j) + 1}: a quote inside an unquoted field (quote the whole field)`);
      value = trimmed(s, i, j);
      i = j;
    }
    out[count++] = value;
    if (i >= s.length) {
      if (!eof) return undefined;
      return { count, next: i, lines: lines + 1 };
    }
    const c = s.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === CR) i++;
    if (s.charCodeAt(i) === LF) i++;
    else if (c !== CR)
      throw bad(`Line ${lineOf(s, pos, i) + 1}: unexpected characters after a closing quote`);
    return { count, next: i, lines: lines + 1 };
  }
}

/** Line breaks between a and b (for messages about a record that spans lines). */
function lineOf(s: string, a: number, b: number): number {
  let n = 0;
  for (let k = a; k < b; k++) if (s.charCodeAt(k) === LF) n++;
  return n;
}

/** A CSV field: quoted when it holds a comma, quote, line break or surrounding space. */
export function csvField(v: string): string {
  if (!/[",\r\n]|^\s|\s$/.test(v)) return v;
  return `"${v.replaceAll('"', '""')}"`;
}

/**
 * A CSV file written a megabyte at a time; `commit` moves it into place, `abandon` removes it.
 * @example const w = csvWriter('out.csv'); w.line('a,b'); w.commit();
 */
export function csvWriter(file: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (err) {
    throw bad(`Cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // lines are encoded straight into one buffer (no string concatenated and flattened a megabyte at a time)
  const buf = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const flush = () => {
    if (used) fs.writeSync(fd, buf, 0, used);
    used = 0;
  };
  return {
    /** Append one line (without its line end). */
    line(l: string) {
      if (used + 3 * l.length + 1 > CHUNK) {
        flush();
        if (3 * l.length + 1 > CHUNK) {
          fs.writeSync(fd, `${l}\n`);
          return;
        }
      }
      used += buf.write(l, used);
      buf[used++] = LF;
    },
    /**
     * Append one line made of `parts` (written one after the other: no string is built from them), then its
     * line end.
     */
    parts(...parts: string[]) {
      let len = 1;
      for (const p of parts) len += 3 * p.length;
      if (used + len > CHUNK) {
        flush();
        if (len > CHUNK) {
          fs.writeSync(fd, `${parts.join('')}\n`);
          return;
        }
      }
      for (const p of parts) used += buf.write(p, used);
      buf[used++] = LF;
    },
    commit() {
      flush();
      fs.closeSync(fd);
      fs.renameSync(tmp, file);
    },
    abandon() {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
      fs.rmSync(tmp, { force: true });
    },
  };
}
