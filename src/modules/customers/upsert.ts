import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BulkWriter } from '../../platform/db/bulk.ts';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { CustomerTable, Database } from '../../platform/db/schema.ts';
import type { CustomerRow, CustomerWrite } from './customers.repository.ts';
import { normalizeEmail, normalizePhone, reversedDigits, type NormalizedPhone } from './phones.ts';
import { nameTokens, sortKey } from './tokens.ts';
import { betterName, byIdOnly, choosePhoneMatch } from './names.ts';
import { channelSchema } from './customers.schema.ts';
import { createUpsertRepository } from './upsert.repository.ts';
import { erasedIdentities } from './erased.ts';

/** A customer arriving from another system (an import). */
export type CustomerUpsert = {
  kind?: 'person' | 'business' | undefined;
  externalId?: string | undefined;
  name?: string | undefined;
  company?: string | undefined;
  jobTitle?: string | undefined;
  /** `e164`: the number's E.164 form as the source stored it (Rapport's export): read instead of `number`. */
  phones: { number: string; label?: string | undefined; e164?: string | undefined }[];
  emails: { address: string; label?: string | undefined }[];
  address?: Record<string, string | undefined> | undefined;
  birthday?: string | undefined;
  anniversary?: string | undefined;
  tags: string[];
  needs?: string | undefined;
  marketingConsent?: boolean | undefined;
  /** Where and when the marketing answer was given (Rapport's export); default: this import, now. */
  consent?: { source?: string | undefined; at?: string | undefined } | undefined;
  preferredChannel?: string | undefined;
  /** For a person: the business they belong to, by its id in the source (found among imported customers). */
  business?: { externalId: string } | undefined;
  customFields?: Record<string, unknown> | undefined;
};
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';
/** Per input, in order: the customer it became or joined, or why it was refused. */
/** Why an input joined a customer already stored: its id in the source, an email, or a phone (then `doubtful` when the names differ). */
export type UpsertMatch = {
  by: 'externalId' | 'email' | 'phone';
  value: string;
  name: string;
  doubtful?: string;
  /** Why this customer, when others have the same phone. */
  why?: string;
};
export type UpsertResult =
  { id: string; outcome: UpsertOutcome; warnings: string[]; match?: UpsertMatch } | { error: unknown };

const emailOk = z.email();
const FILLABLE = ['job_title', 'address', 'birthday', 'anniversary', 'preferred_channel', 'needs'] as const;

type Deps = {
  /** Bulk inserts of the database (prepared single-row statements on SQLite, one JSON batch on PostgreSQL). */
  bulk: BulkWriter;
  /**
   * Validate an input and build the rows of a new customer (throws a ZodError when invalid); `phones` are
   * numbers already normalised in `region`, by trimmed number (the others are normalised there).
   */
  newWrite: (
    ws: string,
    region: string,
    input: unknown,
    phones?: ReadonlyMap<string, NormalizedPhone>,
  ) => CustomerWrite;
};

type Prepared = {
  c: CustomerUpsert;
  phones: { number: string; label?: string | undefined; e164: string | null; valid: boolean }[];
  emails: { address: string; label?: string | undefined; normalized: string }[];
  warnings: string[];
};

/** Where an input landed: a customer already in the database, or one created earlier in this batch. */
type Target = { kind: 'db'; id: string } | { kind: 'new'; write: CustomerWrite };

/**
 * Match incoming customers to ones we know — by their id in the source system, then any E.164 phone, then any
 * normalised email — and add what is new (phones, emails, tags, blank fields), never erasing what staff wrote;
 * otherwise create them. A batch at a time: a handful of set-based queries for the whole batch, so an import
 * of a million rows is not a million round trips. Idempotent: the same records again come back 'unchanged'.
 */
export function createCustomerUpserter(deps: Deps) {
  const repo = createUpsertRepository(deps.bulk);

  return async function upsertCustomers(
    trx: Kysely<Database>,
    ws: string,
    region: string,
    source: string,
    inputs: CustomerUpsert[],
  ): Promise<UpsertResult[]> {
    const prepared: Prepared[] = inputs.map((c) => {
      const emails = c.emails.filter((e) => emailOk.safeParse(e.address).success);
      // a number the source gave in E.164 is that number, whatever this workspace's region
      const phones = c.phones.map((p) => ({ ...p, ...normalizePhone(p.e164 ?? p.number, region) }));
      return {
        c,
        phones,
        emails: emails.map((e) => ({ ...e, normalized: normalizeEmail(e.address) })),
        warnings: [
          ...phones
            .filter((p) => !p.valid)
            .map((p) => `"${p.number}" is not a valid phone number; kept as typed (not used to match)`),
          ...c.emails
            .filter((e) => !emails.includes(e))
            .map((e) => `"${e.address}" is not an email address; left out`),
        ],
      };
    });
    const extIds = prepared.flatMap((p) => [
      ...(p.c.externalId ? [p.c.externalId] : []),
      ...(p.c.business ? [p.c.business.externalId] : []),
    ]);
    const [byExt, own, byPhone, byEmail, erased] = await Promise.all([
      repo.idsByExternal(trx, ws, source, extIds),
      source === 'rapport' ? repo.existingIds(trx, ws, extIds) : new Set<string>(),
      repo.idsByE164(
        trx,
        ws,
        prepared.flatMap((p) => p.phones.filter((x) => x.valid && x.e164).map((x) => x.e164 as string)),
      ),
      repo.idsByEmail(
        trx,
        ws,
        prepared.flatMap((p) => p.emails.map((e) => e.normalized)),
      ),
      erasedIdentities(trx, ws, prepared),
    ]);

    // Resolve every input to a database customer or a new one (inputs of one batch also match each other).
    const local = new Map<string, Target>();
    const keysOf = (p: Prepared) => [
      ...(p.c.externalId ? [`x:${p.c.externalId}`] : []),
      ...p.phones.filter((x) => x.valid && x.e164).map((x) => `p:${x.e164}`),
      ...p.emails.map((e) => `e:${e.normalized}`),
    ];
    // Phone-only matches need the names and emails of the customers they found (a shared phone is no proof).
    const phoneIds = new Set(
      prepared.flatMap((p) => p.phones.flatMap((x) => (x.valid && x.e164 && byPhone.get(x.e164)) || [])),
    );
    const known = phoneIds.size ? await repo.current(trx, ws, [...phoneIds]) : undefined;
    const knownName = new Map(known?.rows.map((r) => [r.id, r.name]) ?? []);
    const knownEmails = byCustomer(known?.emails ?? [], (e) => e.normalized);
    const matches: (UpsertMatch | undefined)[] = prepared.map(() => undefined);
    // Rapport's own export: its ids say who is who, so a row with an id never joins another of its customers (a
    // workspace may hold two records with one email); it joins by email or phone only a customer of ours.
    const exclusive = (p: Prepared) => source === 'rapport' && !!p.c.externalId;
    const linked =
      source === 'rapport'
        ? await repo.linkedIds(trx, ws, source, [...byEmail.values(), ...[...byPhone.values()].flat()])
        : new Set<string>();
    const free = (p: Prepared, id: string | undefined) => !!id && !(exclusive(p) && linked.has(id));
    // new customers of this batch by phone, in order (several people may share one line)
    const localPhones = new Map<string, Target[]>();
    const targets: (Target | { error: unknown })[] = prepared.map((p, i) => {
      const ext = p.c.externalId;
      // the source's own id first; then an email (personal); then a phone (a household or an office shares one)
      const byId = (ext && own.has(ext) ? ext : undefined) ?? (ext ? byExt.get(ext) : undefined);
      const mail = byId ? undefined : p.emails.find((e) => free(p, byEmail.get(e.normalized)));
      const dbId = byId ?? (mail && byEmail.get(mail.normalized));
      if (dbId && ext && byId) matches[i] = { by: 'externalId', value: ext, name: '' };
      else if (dbId && mail) matches[i] = { by: 'email', value: mail.address, name: '' };
      // earlier inputs of this batch, by id or email
      const idHit = dbId
        ? undefined
        : [...(ext ? [`x:${ext}`] : []), ...(exclusive(p) ? [] : p.emails.map((e) => `e:${e.normalized}`))]
            .map((k) => local.get(k))
            .find(Boolean);
      let t: Target | undefined = dbId ? { kind: 'db', id: dbId } : idHit;
      if (!t) {
        // by phone: the stored customers having it, then the new ones of this batch, told apart by name and email
        const options = (e164: string) => [
          ...(byPhone.get(e164) ?? [])
            .filter((id) => free(p, id))
            .map((id) => ({
              target: { kind: 'db', id } as Target,
              c: { id, name: knownName.get(id) ?? '', emails: knownEmails.get(id) ?? new Set<string>() },
            })),
          ...(exclusive(p) ? [] : (localPhones.get(e164) ?? [])).flatMap((x) =>
            x.kind === 'new'
              ? [
                  {
                    target: x,
                    c: {
                      id: x.write.row.id,
                      name: x.write.row.name,
                      emails: new Set(x.write.emails.map((e) => e.normalized)),
                    },
                  },
                ]
              : [],
          ),
        ];
        const phone = p.phones.find((x) => x.valid && x.e164 && options(x.e164).length);
        if (phone?.e164) {
          const found = options(phone.e164);
          const choice = choosePhoneMatch(
            { name: p.c.name, emails: p.emails.length },
            phone.e164,
            found.map((f) => f.c),
          );
          if (choice.id === undefined) p.warnings.push(choice.warning);
          else {
            t = found.find((f) => f.c.id === choice.id)?.target;
            // a stored customer, or a choice among several (or a doubtful one) of this batch, is in the report
            if (t?.kind === 'db' || choice.why || choice.doubtful)
              matches[i] = {
                by: 'phone',
                value: phone.e164,
                name: t?.kind === 'new' ? t.write.row.name : '',
                ...(choice.why && { why: choice.why }),
                ...(choice.doubtful && { doubtful: choice.doubtful }),
              };
          }
        }
      }
      // a new customer with a phone or email of an erased customer is refused (not silently brought back)
      const gone = t ? undefined : erased(p);
      if (gone) return { error: new Error(gone) };
      if (!t) {
        try {
          t = { kind: 'new', write: newWriteFor(ws, region, source, p) };
        } catch (error) {
          return { error };
        }
      }
      for (const k of keysOf(p)) if (!local.has(k)) local.set(k, t);
      if (t.kind === 'new')
        for (const x of p.phones)
          if (x.valid && x.e164) {
            const list = localPhones.get(x.e164) ?? [];
            if (!list.includes(t)) localPhones.set(x.e164, [...list, t]);
          }
      return t;
    });

    // A person's business, by its id in the source: a customer stored already, or one earlier in this batch.
    const bizTargets = prepared.map((p): Target | undefined => {
      const ext = p.c.kind === 'business' ? undefined : p.c.business?.externalId;
      if (!ext) return undefined;
      const id = (own.has(ext) ? ext : undefined) ?? byExt.get(ext);
      return id ? { kind: 'db', id } : local.get(`x:${ext}`);
    });
    const bizIds = [...new Set(bizTargets.flatMap((t) => (t?.kind === 'db' ? [t.id] : [])))];
    const bizRows = new Map((bizIds.length ? await repo.names(trx, ws, bizIds) : []).map((r) => [r.id, r]));
    const businessOf = (i: number, p: Prepared) => {
      const ext = p.c.kind === 'business' ? undefined : p.c.business?.externalId;
      if (!ext) return undefined;
      const t = bizTargets[i];
      // a business an earlier row of this batch renamed (it was a stand-in) is as that row left it
      const now = t?.kind === 'db' ? state.get(t.id) : undefined;
      const found =
        t?.kind === 'db'
          ? now
            ? { id: t.id, name: now.blanks.name ?? now.row.name, kind: now.blanks.kind ?? now.row.kind }
            : bizRows.get(t.id)
          : t?.kind === 'new'
            ? { id: t.write.row.id, name: t.write.row.name, kind: t.write.row.kind }
            : undefined;
      if (found?.kind === 'business') return found;
      p.warnings.push(
        found
          ? `its business (${ext}) is not a business: imported without it`
          : `its business (${ext}) is not among the customers: imported without it (import the businesses first)`,
      );
      return undefined;
    };
    /** Customers stored already whose name postings are written again: a new name, or a business joined. */
    const retoken = new Set<string>();
    /** The business of each new person (its name is in their postings). */
    const businessName = new WeakMap<CustomerWrite, string>();

    // What matched customers already have, so only what is new is added.
    const dbIds = [...new Set(targets.flatMap((t) => ('kind' in t && t.kind === 'db' ? [t.id] : [])))];
    const cur = dbIds.length
      ? await repo.current(trx, ws, dbIds)
      : { rows: [], phones: [], emails: [], tags: [] };
    const rowOf = new Map(cur.rows.map((r) => [r.id, r]));
    const phonesOf = byCustomer(cur.phones, (p) => p.e164 ?? p.raw);
    const emailsOf = byCustomer(cur.emails, (e) => e.normalized);
    const tagsOf = byCustomer(cur.tags, (t) => t.tag);
    const state = new Map(
      dbIds.map((id) => [
        id,
        {
          row: rowOf.get(id) as CustomerRow,
          phones: phonesOf.get(id) ?? new Set<string>(),
          emails: emailsOf.get(id) ?? new Set<string>(),
          tags: tagsOf.get(id) ?? new Set<string>(),
          blanks: {} as Partial<CustomerTable>,
          changed: false,
          /** Phones and emails added by this batch (their positions follow the stored ones). */
          added: 0,
        },
      ]),
    );
    const newPhones: Database['customer_phones'][] = [];
    const newEmails: Database['customer_emails'][] = [];
    const newTags: Database['customer_tags'][] = [];
    const created = new Set<CustomerWrite>();
    const results: UpsertResult[] = prepared.map((p, i) => {
      const t = targets[i];
      if (!t || 'error' in t) return { error: t?.error };
      const biz = businessOf(i, p);
      if (t.kind === 'new') {
        const first = !created.has(t.write);
        created.add(t.write);
        const joined = !!biz && joinBusiness(t.write, biz);
        if (first) return { id: t.write.row.id, outcome: 'created', warnings: p.warnings };
        const renamed = renameNew(t.write, p);
        const match = matches[i];
        return {
          id: t.write.row.id,
          outcome: addToNew(t.write, p) || joined || renamed ? 'updated' : 'unchanged',
          warnings: p.warnings,
          ...(match && { match }),
        };
      }
      const s = state.get(t.id);
      if (!s?.row) return { error: new Error('matched customer vanished') };
      const base = { workspace_id: ws, customer_id: t.id };
      let changed = false;
      // what the customer had before this row: a number (or address) the row gives twice is kept twice, as
      // when the row creates the customer
      const hadPhones = new Set(s.phones);
      const hadEmails = new Set(s.emails);
      for (const ph of p.phones)
        if (!hadPhones.has(ph.e164 ?? ph.number)) {
          s.phones.add(ph.e164 ?? ph.number);
          newPhones.push({
            ...base,
            id: newId(),
            position: 100 + ++s.added,
            raw: ph.number,
            e164: ph.e164,
            label: ph.label ?? null,
            valid: ph.valid ? 1 : 0,
            digits_reversed: reversedDigits(ph.e164),
          });
          changed = true;
        }
      for (const e of p.emails)
        if (!hadEmails.has(e.normalized)) {
          s.emails.add(e.normalized);
          newEmails.push({
            ...base,
            id: newId(),
            position: 100 + ++s.added,
            address: e.address,
            normalized: e.normalized,
            label: e.label ?? null,
          });
          changed = true;
        }
      for (const tag of new Set(p.c.tags.map((x) => x.toLowerCase())))
        if (!s.tags.has(tag)) {
          s.tags.add(tag);
          newTags.push({ ...base, tag });
          changed = true;
        }
      const incoming: Partial<Record<(typeof FILLABLE)[number], string | null>> = {
        job_title: p.c.jobTitle ?? null,
        address: p.c.address && Object.values(p.c.address).some(Boolean) ? JSON.stringify(p.c.address) : null,
        birthday: p.c.birthday ?? null,
        anniversary: p.c.anniversary ?? null,
        preferred_channel: channelSchema.safeParse(p.c.preferredChannel).data ?? null,
        needs: p.c.needs ?? null,
      };
      for (const k of FILLABLE) {
        const v = incoming[k];
        if (v && (s.row[k] === null || s.row[k] === '') && s.blanks[k] === undefined) {
          s.blanks[k] = v;
          changed = true;
        }
      }
      const consentGiven = p.c.consent ? p.c.marketingConsent !== undefined : p.c.marketingConsent === true;
      if (consentGiven && s.row.consent_at === null && s.blanks.consent_at === undefined) {
        Object.assign(s.blanks, {
          consent_marketing: p.c.marketingConsent ? 1 : 0,
          consent_source: p.c.consent?.source ?? `import:${source}`,
          consent_at: p.c.consent?.at ? new Date(p.c.consent.at).toISOString() : nowIso(),
        });
        changed = true;
      }
      if (
        biz &&
        s.row.kind === 'person' &&
        s.row.business_id === null &&
        s.blanks.business_id === undefined
      ) {
        s.blanks.business_id = biz.id;
        bizRows.set(biz.id, biz);
        retoken.add(t.id);
        changed = true;
      }
      // the best name wins: a stand-in (an email, a phone, "Customer <id>") gives way to a real name
      const better =
        s.blanks.name === undefined ? betterName(s.row.name, p.c.name, p.c.externalId) : undefined;
      if (better) {
        s.blanks.name = better;
        s.blanks.sort_name = sortKey(better);
        // known only by their id until now (an order's buyer): the record says what kind of customer they are
        if (p.c.kind && s.row.name === byIdOnly(p.c.externalId) && s.row.kind !== p.c.kind)
          s.blanks.kind = p.c.kind;
        retoken.add(t.id);
        changed = true;
      }
      const custom = p.c.customFields && Object.keys(p.c.customFields).length ? p.c.customFields : undefined;
      if (custom && s.row.custom_fields === '{}' && s.blanks.custom_fields === undefined) {
        s.blanks.custom_fields = JSON.stringify(custom);
        changed = true;
      }
      s.changed ||= changed;
      const match = matches[i];
      return {
        id: t.id,
        outcome: changed ? 'updated' : 'unchanged',
        warnings: p.warnings,
        ...(match && { match: { ...match, name: s.row.name } }),
      };
    });

    await repo.insertNew(trx, [...created]);
    await repo.addPhones(trx, newPhones);
    await repo.addEmails(trx, newEmails);
    await repo.addTags(trx, newTags);
    for (const [id, s] of state)
      if (s.changed) await repo.fillBlanks(trx, ws, id, { ...s.blanks, updated_at: nowIso() });
    await reindex();
    const links = new Map<string, Database['customer_external_ids']>();
    prepared.forEach((p, i) => {
      const r = results[i];
      if (p.c.externalId && r && 'id' in r)
        links.set(p.c.externalId, {
          workspace_id: ws,
          source,
          external_id: p.c.externalId,
          customer_id: r.id,
        });
    });
    await repo.linkExternal(trx, [...links.values()]);
    return results;

    /** A new person joins their business: linked, and found by the business's name too. */
    function joinBusiness(w: CustomerWrite, biz: { id: string; name: string }): boolean {
      if (w.row.kind !== 'person' || w.row.business_id !== null) return false;
      w.row.business_id = biz.id;
      businessName.set(w, biz.name);
      w.tokens = [...new Set([...w.tokens, ...nameTokens(biz.name)])];
      return true;
    }

    /** A customer created earlier in this batch under a stand-in name gets the real name a later row gives. */
    function renameNew(w: CustomerWrite, p: Prepared): boolean {
      const better = betterName(w.row.name, p.c.name, p.c.externalId);
      if (!better) return false;
      w.row.name = better;
      w.row.sort_name = sortKey(better);
      const biz = businessName.get(w);
      w.tokens = [...new Set([...nameTokens(better), ...(biz ? nameTokens(biz) : [])])];
      return true;
    }

    /**
     * Write again the name postings of stored customers renamed or joined to a business in this batch (in the
     * same transaction as the rows, so search finds them by their new name at once), and of the people of a
     * renamed business.
     */
    async function reindex() {
      if (!retoken.size) return;
      const final = (id: string) => {
        const st = state.get(id);
        return {
          name: st?.blanks.name ?? st?.row.name ?? '',
          businessId: st?.blanks.business_id ?? st?.row.business_id ?? null,
        };
      };
      const renamedBusinesses = [...retoken].filter(
        (id) =>
          state.get(id)?.blanks.name !== undefined &&
          (state.get(id)?.blanks.kind ?? state.get(id)?.row.kind) === 'business',
      );
      const people = renamedBusinesses.length ? await repo.peopleOf(trx, ws, renamedBusinesses) : [];
      for (const b of renamedBusinesses) bizRows.set(b, { id: b, name: final(b).name, kind: 'business' });
      const items = [
        ...[...retoken].map((id) => ({ id, ...final(id) })),
        ...people.filter((x) => !retoken.has(x.id)),
      ];
      const missing = items.flatMap((x) =>
        x.businessId && !bizRows.has(x.businessId) ? [x.businessId] : [],
      );
      if (missing.length) for (const r of await repo.names(trx, ws, missing)) bizRows.set(r.id, r);
      await repo.replaceTokens(
        trx,
        ws,
        items.map((x) => {
          const biz = x.businessId ? bizRows.get(x.businessId)?.name : undefined;
          return {
            id: x.id,
            sortName: sortKey(x.name),
            tokens: [...new Set([...nameTokens(x.name), ...(biz ? nameTokens(biz) : [])])],
          };
        }),
      );
    }

    /** A later input of the same batch for a customer created earlier in it: add its contact points. */
    function addToNew(w: CustomerWrite, p: Prepared): boolean {
      let changed = false;
      const phones = new Set(w.phones.map((x) => x.e164 ?? x.raw));
      for (const ph of p.phones)
        if (!phones.has(ph.e164 ?? ph.number)) {
          w.phones.push({
            id: newId(),
            raw: ph.number,
            e164: ph.e164,
            label: ph.label ?? null,
            valid: ph.valid,
          });
          changed = true;
        }
      const emails = new Set(w.emails.map((e) => e.normalized));
      for (const e of p.emails)
        if (!emails.has(e.normalized)) {
          w.emails.push({
            id: newId(),
            address: e.address,
            normalized: e.normalized,
            label: e.label ?? null,
          });
          changed = true;
        }
      for (const tag of p.c.tags.map((x) => x.toLowerCase()))
        if (!w.tags.includes(tag)) {
          w.tags.push(tag);
          changed = true;
        }
      return changed;
    }
  };

  function newWriteFor(ws: string, region: string, source: string, p: Prepared): CustomerWrite {
    const c = p.c;
    // the phones were normalised to match them: hand that on rather than parsing each number again
    const normalized = new Map(p.phones.map((x) => [x.number.trim(), { e164: x.e164, valid: x.valid }]));
    return deps.newWrite(
      ws,
      region,
      {
        kind: c.kind ?? (c.name ? 'person' : 'business'),
        name: c.name ?? c.company,
        jobTitle: c.jobTitle,
        phones: c.phones.map((x) => ({ number: x.number, ...(x.label && { label: x.label }) })),
        emails: p.emails.map((e) => ({ address: e.address, ...(e.label && { label: e.label }) })),
        address: c.address,
        birthday: c.birthday,
        anniversary: c.anniversary,
        tags: c.tags,
        needs: c.needs,
        preferredChannel: c.preferredChannel,
        customFields: { ...(c.company && c.name ? { company: c.company } : {}), ...c.customFields },
        ...(c.marketingConsent !== undefined && {
          consent: {
            marketing: c.marketingConsent,
            source: c.consent?.source ?? `import:${source}`,
            ...(c.consent?.at && { at: c.consent.at }),
          },
        }),
      },
      normalized,
    );
  }
}

/** For each customer, the set of `key` of its rows (in row order). */
function byCustomer<T extends { customer_id: string }>(rows: T[], key: (r: T) => string) {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    let set = out.get(r.customer_id);
    if (!set) out.set(r.customer_id, (set = new Set()));
    set.add(key(r));
  }
  return out;
}
