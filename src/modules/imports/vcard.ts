import fs from 'node:fs';
import ICAL from 'ical.js';
import type { ImportedCustomer, ImportRecord } from './records.ts';
import { calendarDate } from './values.ts';

/**
 * vCard 2.1 writes parameters bare (TEL;CELL:) and may use QUOTED-PRINTABLE; rewrite those into the
 * 3.0 form ical.js reads. Folded lines are unfolded first.
 */
export function normalizeVcardText(raw: string): string {
  const unfolded = raw
    .replace(/\r\n/g, '\n')
    .replace(/=\n/g, '')
    .replace(/\n[ \t]/g, '');
  return unfolded
    .split('\n')
    .map((line) => {
      const colon = line.indexOf(':');
      if (colon < 0) return line;
      let head = line.slice(0, colon);
      let value = line.slice(colon + 1);
      const parts = head.split(';');
      const name = parts.shift() ?? '';
      const params = parts.map((p) => (p.includes('=') ? p : `TYPE=${p}`));
      if (params.some((p) => /^ENCODING=QUOTED-PRINTABLE$/i.test(p))) {
        const bytes = Buffer.from(
          value.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        );
        value = bytes.toString('utf8');
      }
      const kept = params.filter((p) => !/^(ENCODING|CHARSET)=/i.test(p));
      head = [name, ...kept].join(';');
      return `${head}:${value}`;
    })
    .join('\r\n');
}

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
    try {
      const comp = new ICAL.Component(ICAL.parse(normalizeVcardText(blocks[i] ?? '')) as unknown[]);
      const str = (v: unknown) =>
        (typeof v === 'string'
          ? v.trim()
          : Array.isArray(v)
            ? v.filter(Boolean).join(' ').trim()
            : undefined) || undefined;
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
        company: str(org),
        jobTitle: str(comp.getFirstPropertyValue('title')),
        phones: comp
          .getAllProperties('tel')
          .map((p) => ({ number: String(p.getFirstValue()).replace(/^tel:/i, ''), label: typeOf(p) })),
        emails: comp
          .getAllProperties('email')
          .map((p) => ({ address: String(p.getFirstValue()), label: typeOf(p) })),
        birthday: calendarDate(String(comp.getFirstPropertyValue('bday') ?? '').slice(0, 10) || undefined),
        tags: (str(comp.getFirstPropertyValue('categories')) ?? '')
          .split(/[ ,]+/)
          .map((t) => t.toLowerCase())
          .filter(Boolean),
        needs: str(comp.getFirstPropertyValue('note')),
        externalId: str(comp.getFirstPropertyValue('uid')),
      };
      if (!customer.name && !customer.company && !customer.emails.length && !customer.phones.length)
        throw new Error('an empty card');
      customer.name ??= customer.company ?? customer.emails[0]?.address ?? customer.phones[0]?.number;
      yield { line, index: i + 1, customer };
    } catch (err) {
      yield {
        line,
        index: i + 1,
        error: `not a readable vCard: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }
}
