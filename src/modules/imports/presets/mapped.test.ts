import { describe, expect, it } from 'vitest';
import type { ImportRecord, Row } from '../records.ts';
import { headerKey, mappedCustomers, resolveColumns, suggestColumns } from './mapped.ts';

async function readAll(rows: Row[], columns: Record<string, string>, headers: string[]) {
  const preset = mappedCustomers({ id: 'mapping', label: 'm', columns: columns as never, headers });
  const out: ImportRecord[] = [];
  async function* src() {
    yield* rows;
  }
  for await (const r of preset.read(src(), { currency: 'USD', source: 'generic' })) out.push(r);
  return out;
}

describe('column mappings', () => {
  it('reads every column mapped to phones, emails, tags and notes, and the first non-empty of the others', async () => {
    const headers = [
      'Nom',
      'Prénom',
      'Tél. maison',
      'Portable',
      'Courriel',
      'Étiquettes',
      'Catégorie',
      'Remarques',
      'Suivi',
    ];
    const [r] = await readAll(
      [
        {
          line: 2,
          index: 1,
          cells: {
            Nom: 'Dupont',
            Prénom: 'Aline',
            'Tél. maison': '01 23 45 67 89',
            Portable: '06 11 22 33 44',
            Courriel: 'aline@example.fr',
            Étiquettes: 'VIP, Fidèle',
            Catégorie: 'vip',
            Remarques: 'Allergique au latex',
            Suivi: 'Rappeler en mai',
          },
        },
      ],
      {
        Nom: 'lastName',
        Prénom: 'firstName',
        'Tél. maison': 'phone',
        Portable: 'mobile',
        Courriel: 'email',
        Étiquettes: 'tags',
        Catégorie: 'tags',
        Remarques: 'notes',
        Suivi: 'notes',
      },
      headers,
    );
    expect(r).toMatchObject({
      line: 2,
      customer: {
        name: 'Aline Dupont',
        phones: [
          { number: '01 23 45 67 89', label: 'phone' },
          { number: '06 11 22 33 44', label: 'mobile' },
        ],
        emails: [{ address: 'aline@example.fr' }],
        tags: ['vip', 'fidèle'],
        needs: 'Allergique au latex\nRappeler en mai',
      },
    });
  });

  it('matches columns by name (case and spacing ignored), never by position; non-Latin names stay distinct', () => {
    const { byField, missing } = resolveColumns(
      { 電話: 'phone', 名前: 'name', 'E-Mail  Address': 'email', Gone: 'notes', Skip: 'ignore' },
      ['名前', 'e-mail address', '電話'],
    );
    expect(byField.get('name')).toEqual(['名前']);
    expect(byField.get('phone')).toEqual(['電話']);
    expect(byField.get('email')).toEqual(['e-mail address']);
    expect(missing).toEqual(['Gone']);
    expect(headerKey(['名前', 'Phone'])).toBe(headerKey([' phone ', '名前', '']));
    expect(headerKey(['名前'])).not.toBe(headerKey(['電話']));
  });

  it('suggests the fields the generic preset reads by column name', () => {
    expect(suggestColumns(['Client', 'E-mail address', 'Mobile', 'Notes', 'Zip'])).toEqual({
      Client: 'ignore',
      'E-mail address': 'email',
      Mobile: 'mobile',
      Notes: 'notes',
      Zip: 'postalCode',
    });
  });
});
