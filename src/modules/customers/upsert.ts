import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { CustomerTable, Database } from '../../platform/db/schema.ts';
import type { CustomerRow, CustomerWrite } from './customers.repository.ts';
import { z } from 'zod';
import { normalizeEmail, normalizePhone } from './phones.ts';
import { createUpsertRepository } from './upsert.repository.ts';

/** A customer arriving from another system (an import). */
export type CustomerUpsert = {
  kind?: 'person' | 'business' | undefined;
  externalId?: string | undefined;
  name?: string | undefined;
  company?: string | undefined;
  jobTitle?: string | undefined;
  phones: { number: string; label?: string | undefined }[];
  emails: { address: string; label?: string | undefined }[];
  address?: Record<string, string | undefined> | undefined;
  birthday?: string | undefined;
  anniversary?: string | undefined;
  tags: string[];
  needs?: string | undefined;
  marketingConsent?: boolean | undefined;
  customFields?: Record<string, unknown> | undefined;
};
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

const emailOk = z.email();

type Deps = {
  insert: (trx: Kysely<Database>, w: CustomerWrite) => Promise<void>;
  newWrite: (ws: string, region: string, input: unknown) => CustomerWrite;
  findRow: (ws: string, id: string, trx: Kysely<Database>) => Promise<CustomerRow | undefined>;
};

/**
 * Match an incoming customer to one we know — by its id in the source system, then any E.164 phone, then any
 * normalised email — and add what is new (phones, emails, tags, blank fields), never erasing what staff wrote.
 * Otherwise create it. Idempotent: the same record twice gives 'unchanged' the second time.
 */
export function createCustomerUpserter(deps: Deps) {
  const repo = createUpsertRepository();

  return async function upsertCustomer(
    trx: Kysely<Database>,
    ws: string,
    region: string,
    source: string,
    c: CustomerUpsert,
  ): Promise<{ id: string; outcome: UpsertOutcome; warnings: string[] }> {
    const phones = c.phones.map((p) => ({ ...p, ...normalizePhone(p.number, region) }));
    const emails = c.emails.filter((e) => emailOk.safeParse(e.address).success);
    const warnings = c.emails
      .filter((e) => !emails.includes(e))
      .map((e) => `"${e.address}" is not an email address; left out`);
    const e164s = phones.filter((p) => p.valid && p.e164).map((p) => p.e164 as string);
    const normalized = emails.map((e) => normalizeEmail(e.address));

    // Rapport's own export carries our ids: the same workspace matches them directly
    let id =
      source === 'rapport' && c.externalId ? (await deps.findRow(ws, c.externalId, trx))?.id : undefined;
    id ??= c.externalId ? await repo.idByExternal(trx, ws, source, c.externalId) : undefined;
    id ??= await repo.idByE164(trx, ws, e164s);
    id ??= await repo.idByEmail(trx, ws, normalized);

    if (!id) {
      const w = deps.newWrite(ws, region, {
        kind: c.kind ?? (c.name ? 'person' : 'business'),
        name: c.name ?? c.company,
        jobTitle: c.jobTitle,
        phones: c.phones.map((p) => ({ number: p.number, ...(p.label && { label: p.label }) })),
        emails: emails.map((e) => ({ address: e.address, ...(e.label && { label: e.label }) })),
        address: c.address,
        birthday: c.birthday,
        anniversary: c.anniversary,
        tags: c.tags,
        needs: c.needs,
        customFields: { ...(c.company && c.name ? { company: c.company } : {}), ...c.customFields },
        ...(c.marketingConsent !== undefined && {
          consent: { marketing: c.marketingConsent, source: `import:${source}` },
        }),
      });
      await deps.insert(trx, w);
      if (c.externalId) await repo.linkExternal(trx, ws, source, c.externalId, w.row.id);
      return { id: w.row.id, outcome: 'created', warnings };
    }

    const row = await deps.findRow(ws, id, trx);
    if (!row) throw new Error('matched customer vanished');
    const have = await repo.contactPoints(trx, ws, id);
    const haveE164 = new Set(have.phones.map((p) => p.e164 ?? p.raw));
    const newPhones = phones.filter((p) => !haveE164.has(p.e164 ?? p.number));
    const haveEmails = new Set(have.emails);
    const newEmails = emails.filter((e) => !haveEmails.has(normalizeEmail(e.address)));
    const haveTags = new Set(have.tags);
    const newTags = [...new Set(c.tags.map((t) => t.toLowerCase()))].filter((t) => !haveTags.has(t));
    const blanks: Partial<CustomerTable> = {};
    const fill = <K extends keyof CustomerTable>(k: K, v: CustomerTable[K] | undefined) => {
      if (v !== undefined && v !== null && (row[k] === null || row[k] === '')) blanks[k] = v;
    };
    fill('job_title', c.jobTitle ?? null);
    fill('address', c.address && Object.values(c.address).some(Boolean) ? JSON.stringify(c.address) : null);
    fill('birthday', c.birthday ?? null);
    fill('anniversary', c.anniversary ?? null);
    fill('needs', c.needs ?? null);
    if (c.marketingConsent === true && row.consent_at === null)
      Object.assign(blanks, {
        consent_marketing: 1,
        consent_source: `import:${source}`,
        consent_at: nowIso(),
      });

    const changed = newPhones.length + newEmails.length + newTags.length + Object.keys(blanks).length > 0;
    if (changed) {
      const base = { workspace_id: ws, customer_id: id };
      await repo.addPhones(
        trx,
        newPhones.map((p, i) => ({
          ...base,
          id: newId(),
          position: have.phones.length + i,
          raw: p.number,
          e164: p.e164,
          label: p.label ?? null,
          valid: p.valid ? 1 : 0,
        })),
      );
      await repo.addEmails(
        trx,
        newEmails.map((e, i) => ({
          ...base,
          id: newId(),
          position: have.emails.length + i,
          address: e.address,
          normalized: normalizeEmail(e.address),
          label: e.label ?? null,
        })),
      );
      await repo.addTags(
        trx,
        newTags.map((tag) => ({ ...base, tag })),
      );
      await repo.fillBlanks(trx, ws, id, { ...blanks, updated_at: nowIso() });
    }
    if (c.externalId) await repo.linkExternal(trx, ws, source, c.externalId, id);
    return { id, outcome: changed ? 'updated' : 'unchanged', warnings };
  };
}
