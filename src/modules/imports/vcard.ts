import fs from 'node:fs';
import ICAL from 'ical.js';
import type { ImportedCustomer, ImportRecord } from './records.ts';
import { calendarDate } from './values.ts';

/** A content line of a card as ical.js reads it, with the line of the file it starts on. */
type CardLine = { text: string; line: number };

/**
 * vCard 2.1 writes parameters bare (TEL;CELL:) and may use QUOTED-PRINTABLE; rewrite those into the
 * 3.0 form ical.js reads. Line ends of any kind (CRLF, LF, CR CR LF) are one; folded lines are unfolded; a
 * quoted-printable value's soft line breaks (a line ending in "=") are joined, in any property, and its
 * decoded line breaks (=0D=0A) escaped; grouped properties (item1.EMAIL) lose their group. Each content line
 * keeps the file line it starts on (`first` is the card's first line).
 */
export function vcardLines(raw: string, first = 1): CardLine[] {
  const lines: CardLine[] = [];
  raw
    .replace(/\r*\n|\r/g, '\n')
    .split('\n')
    .forEach((text, i) => {
      const last = lines.at(-1);
      if (last && /^[ \t]/.test(text)) last.text += text.slice(1);
      else lines.push({ text, line: first + i });
    });
  const out: CardLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i] as CardLine;
    let line = at.text;
    const colon = line.indexOf(':');
    if (colon < 0) {
      out.push(at);
      continue;
    }
    let head = line.slice(0, colon);
    const parts = head.split(';');
    const name = (parts.shift() ?? '').replace(/^[A-Za-z0-9-]+\./, '');
    const params = parts.map((p) => (p.includes('=') ? p : `TYPE=${p}`));
    if (params.some((p) => /^ENCODING=QUOTED-PRINTABLE$/i.test(p))) {
      // soft line breaks: the value goes on while a line ends in "="
      while (line.endsWith('=') && i + 1 < lines.length) line = line.slice(0, -1) + (lines[++i]?.text ?? '');
      const bytes = Buffer.from(
        line
          .slice(colon + 1)
          .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      );
      const value = bytes.toString('utf8').replace(/\r\n|\r|\n/g, '\\n');
      head = [name, ...params.filter((p) => !/^(ENCODING|CHARSET)=/i.test(p))].join(';');
      out.push({ text: `${head}:${value}`, line: at.line });
      continue;
    }
    const kept = params.filter((p) => !/^(ENCODING|CHARSET)=/i.test(p));
    head = [name, ...kept].join(';');
    out.push({ text: `${head}:${line.slice(colon + 1)}`, line: at.line });
  }
  return out;
}

/** The card's text as ical.js reads it (see vcardLines). */
export const normalizeVcardText = (raw: string): string =>
  vcardLines(raw)
    .map((l) => l.text)
    .join('\r\n');

/**
 * Parse a card. A property ical.js cannot read (a line without ":", an unclosed quote, a date that is not one)
 * is left out with a warning naming it and its line, and the rest of the card is read; a card that still
 * cannot be read (it never ends, say) throws.
 */
function parseCard(lines: CardLine[], warnings: string[]): ICAL.Component {
  const parse = (ls: CardLine[]) =>
    new ICAL.Component(ICAL.parse(ls.map((l) => l.text).join('\r\n')) as unknown[]);
  try {
    return parse(lines);
  } catch (whole) {
    const version = lines.find((l) => /^VERSION:/i.test(l.text))?.text ?? 'VERSION:3.0';
    const kept = lines.filter((l) => {
      if (!l.text.trim() || /^(BEGIN|END|VERSION)[:;]/i.test(l.text)) return true;
      try {
        ICAL.parse(`BEGIN:VCARD\r\n${version}\r\n${l.text}\r\nEND:VCARD`);
        return true;
      } catch (err) {
        const name = l.text.includes(':') ? (/^[^:;]*/.exec(l.text)?.[0] ?? '').toUpperCase() : '';
        warnings.push(
          `line ${l.line}: ${name || `"${l.text.slice(0, 40)}"`} could not be read (${err instanceof Error ? err.message : String(err)}); left out`,
        );
        return false;
      }
    });
    if (kept.length === lines.length) throw whole;
    return parse(kept);
  }
}

/**
 * A calendar date of a card (BDAY, ANNIVERSARY), read from its property (ical.js decodes a value when it is
 * read, and throws for one that is not a date): one that cannot be read is left out with a warning.
 */
function dateOf(
  prop: ICAL.Property | null,
  warnings: string[],
  lineOf: (name: string) => number | undefined,
): string | undefined {
  if (!prop) return undefined;
  let raw = '';
  try {
    raw = String(prop.getFirstValue() ?? '').trim();
    return calendarDate(raw.slice(0, 10) || undefined);
  } catch {
    const typed = String((prop.toJSON() as unknown[])[3] ?? raw).trim();
    const at = lineOf(prop.name);
    warnings.push(
      `${at ? `line ${at}: ` : ''}${prop.name.toUpperCase()} "${typed.slice(0, 40)}" is not a date; left out`,
    );
    return undefined;
  }
}

/** A text value as written: 3.0 escapes undone (\; \, \\ and \n). */
const unescape = (v: string) => v.replace(/\\([;,\\])/g, '$1').replace(/\\n/gi, '\n');

/** Every card in a .vcf file as an import record (by the line its BEGIN:VCARD is on). */
export async function* readVcards(file: string): AsyncIterable<ImportRecord> {
  const raw = await fs.promises.readFile(file, 'utf8');
  const starts: number[] = [];
  raw.split(/\r?\n/).forEach((l, i) => {
    if (/^BEGIN:VCARD/i.test(l.trim())) starts.push(i + 1);
  });
  const blocks = raw.split(/(?=^BEGIN:VCARD)/im).filter((b) => /BEGIN:VCARD/i.test(b));
  for (let i = 0; i < blocks.length; i++) {
    const line = starts[i] ?? 0;
    const warnings: string[] = [];
    try {
      if (!/^END:VCARD/im.test(blocks[i] ?? ''))
        throw new Error('the card has no END:VCARD (the file looks cut short); import the complete file');
      const lines = vcardLines(blocks[i] ?? '', line);
      const lineOf = (name: string) =>
        lines.find((l) => l.text.toLowerCase().startsWith(name) && /^[;:]/.test(l.text.slice(name.length)))
          ?.line;
      const comp = parseCard(lines, warnings);
      const str = (v: unknown, join = ' ') =>
        (typeof v === 'string'
          ? unescape(v).trim()
          : Array.isArray(v)
            ? v
                .filter((x): x is string => typeof x === 'string' && !!x)
                .map(unescape)
                .join(join)
                .trim()
            : undefined) || undefined;
      // every value of a property, as one text (a 2.1 NOTE with commas is one note, not its first part)
      const all = (name: string, join: string) =>
        str(
          comp
            .getAllProperties(name)
            .flatMap((p) => p.getValues() as unknown[])
            .flat(),
          join,
        );
      const adr = comp.getFirstPropertyValue('adr') as unknown;
      const address = Array.isArray(adr)
        ? Object.fromEntries(
            (
              [
                ['line1', adr[2]],
                ['line2', adr[1]],
                ['city', adr[3]],
                ['region', adr[4]],
                ['postalCode', adr[5]],
                ['country', adr[6]],
              ] as const
            ).flatMap(([k, v]) => {
              const t = str(v, ', ');
              return t ? [[k, t]] : [];
            }),
          )
        : undefined;
      const anniversaryProp = comp
        .getAllProperties()
        .find((p) => /^(x-[a-z0-9-]*-)?anniversary$|^x-anniversary$/i.test(p.name));
      const n = comp.getFirstPropertyValue('n') as unknown;
      const nameFromN = Array.isArray(n)
        ? [n[1], n[0]].filter((x) => typeof x === 'string' && x).join(' ')
        : undefined;
      const org = comp.getFirstPropertyValue('org') as unknown;
      const typeOf = (p: ICAL.Property) => {
        const t = p.getParameter('type');
        const first = Array.isArray(t) ? t[0] : t;
        return typeof first === 'string' ? first.toLowerCase() : undefined;
      };
      const customer: ImportedCustomer = {
        name: str(comp.getFirstPropertyValue('fn')) ?? nameFromN,
        company: str(org, ', ')?.replace(/[;,\s]+$/, ''),
        jobTitle: str(comp.getFirstPropertyValue('title')),
        phones: comp
          .getAllProperties('tel')
          .map((p) => ({ number: String(p.getFirstValue()).replace(/^tel:/i, '').trim(), label: typeOf(p) })),
        emails: comp
          .getAllProperties('email')
          .map((p) => ({ address: String(p.getFirstValue()).trim(), label: typeOf(p) })),
        birthday: dateOf(comp.getFirstProperty('bday'), warnings, lineOf),
        anniversary: dateOf(anniversaryProp ?? null, warnings, lineOf),
        ...(address && Object.keys(address).length && { address }),
        // categories are separated by commas; "My Contacts" is one
        tags: comp
          .getAllProperties('categories')
          .flatMap((p) => p.getValues() as unknown[])
          .flatMap((v) => (typeof v === 'string' ? unescape(v).split(',') : []))
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
        needs: all('note', ','),
        externalId: str(comp.getFirstPropertyValue('uid')),
      };
      if (!customer.name && !customer.company && !customer.emails.length && !customer.phones.length)
        throw new Error('an empty card');
      customer.name ??= customer.company ?? customer.emails[0]?.address ?? customer.phones[0]?.number;
      yield { line, index: i + 1, customer, ...(warnings.length && { warnings }) };
    } catch (err) {
      yield {
        line,
        index: i + 1,
        error: `not a readable vCard: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }
}
