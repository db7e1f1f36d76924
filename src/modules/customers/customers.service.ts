import type { Kysely } from 'kysely';
import { createBulkWriter } from '../../platform/db/bulk.ts';
import { decodeCursor, encodeCursor } from '../../platform/db/cursor.ts';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { erasedReason, findErasedIdentity } from './erased.ts';
import { recordAudit } from '../audit/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import {
  createCustomersRepository,
  type Cursor,
  type CustomerRow,
  type CustomerWrite,
} from './customers.repository.ts';
import {
  createCustomerSchema,
  listCustomersQuery,
  updateCustomerSchema,
  type CreateCustomerInput,
  type Customer,
  type CustomerSummary,
  type UpdateCustomerInput,
} from './customers.schema.ts';
import { normalizeEmail, normalizePhone, readCallerNumber, type NormalizedPhone } from './phones.ts';
import { pageOfKeys, pageOfTerms, searchCustomerIds, searchSource } from './search.ts';
import { createSearchRepository } from './search.repository.ts';
import { createCustomerUpserter } from './upsert.ts';
import { createMerger, type MergeHook } from './merge.ts';
import { nameTokens, sortKey } from './tokens.ts';

/** A hook on a new customer, inside the creating transaction. */
export type CreateHook = (
  trx: Kysely<Database>,
  ws: string,
  customerId: string,
  input: CreateCustomerInput,
  actor: string,
) => Promise<void>;

export type CustomerDeps = { db: Kysely<Database>; workspaces: WorkspaceService };
type Page = { items: CustomerSummary[]; nextCursor: string | null };

const writeCursor = (c: Cursor) => encodeCursor([c.tier, c.sort, c.id]);
const readCursor = (s: string): Cursor =>
  decodeCursor(s, ([tier, sort, id]) =>
    typeof tier === 'number' && typeof sort === 'string' && typeof id === 'string'
      ? { tier, sort, id }
      : undefined,
  );

export function createCustomerService({ db, workspaces }: CustomerDeps) {
  const repo = createCustomersRepository(db);
  const search = searchSource(createSearchRepository(db), repo);

  /** The workspace's phone region (cached a few seconds: it is read on every lookup). */
  async function regionOf(ws: string): Promise<string> {
    return (await workspaces.getWorkspaceCached(ws)).region;
  }

  async function getCustomerOrThrow(ws: string, id: string, trx: Kysely<Database> = db): Promise<Customer> {
    const [c] = await repo.getMany(ws, [id], trx);
    if (!c) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
    return c;
  }

  async function checkBusiness(
    trx: Kysely<Database>,
    ws: string,
    businessId: string | null | undefined,
    selfId?: string,
  ) {
    if (!businessId) return undefined;
    const b = await repo.findRow(ws, businessId, trx);
    if (!b || b.id === selfId)
      throw badInput(
        'BUSINESS_NOT_FOUND',
        'businessId is not a customer of this workspace',
        '/body/businessId',
      );
    if (b.kind !== 'business')
      throw badInput('NOT_A_BUSINESS', 'businessId must point to a business customer', '/body/businessId');
    return b;
  }

  function buildWrite(
    ws: string,
    region: string,
    row: CustomerRow,
    v: Pick<UpdateCustomerInput, 'phones' | 'emails' | 'tags'>,
    businessName: string | undefined,
    /** Numbers already normalised in `region` (an import matched by them), by trimmed number. */
    normalized?: ReadonlyMap<string, NormalizedPhone>,
  ): CustomerWrite {
    return {
      row,
      phones: (v.phones ?? []).map((p) => ({
        id: newId(),
        raw: p.number,
        label: p.label ?? null,
        ...(normalized?.get(p.number.trim()) ?? normalizePhone(p.number, region)),
      })),
      emails: (v.emails ?? []).map((e) => ({
        id: newId(),
        address: e.address,
        normalized: normalizeEmail(e.address),
        label: e.label ?? null,
      })),
      tags: [...new Set(v.tags ?? [])],
      tokens: [...new Set([...nameTokens(row.name), ...(businessName ? nameTokens(businessName) : [])])],
    };
  }

  function newRow(ws: string, v: CreateCustomerInput): CustomerRow {
    const at = nowIso();
    return {
      workspace_id: ws,
      id: newId(),
      kind: v.kind,
      name: v.name,
      sort_name: sortKey(v.name),
      business_id: v.kind === 'person' ? (v.businessId ?? null) : null,
      job_title: v.jobTitle ?? null,
      address: v.address ? JSON.stringify(v.address) : null,
      birthday: v.birthday ?? null,
      anniversary: v.anniversary ?? null,
      preferred_channel: v.preferredChannel ?? null,
      needs: v.needs ?? null,
      custom_fields: JSON.stringify(v.customFields),
      consent_marketing: v.consent?.marketing ? 1 : 0,
      consent_source: v.consent?.source ?? null,
      consent_at: v.consent ? (v.consent.at ? new Date(v.consent.at).toISOString() : at) : null,
      last_interaction_at: null,
      created_at: at,
      updated_at: at,
    };
  }

  async function reindexPeople(trx: Kysely<Database>, ws: string, business: { id: string; name: string }) {
    for (const pid of await repo.listPeopleIds(trx, ws, business.id)) {
      const p = await repo.findRow(ws, pid, trx);
      if (p)
        await repo.update(trx, buildWrite(ws, '', p, {}, business.name), {
          phones: false,
          emails: false,
          tags: false,
          tokens: true,
        });
    }
  }

  const mergeHooks: MergeHook[] = [];
  /** Run inside createCustomer's transaction (referrals: record `referredBy` with the new customer). */
  const createHooks: CreateHook[] = [];
  const merger = createMerger({
    db,
    findRow: (ws, id, trx, lock) => repo.findRow(ws, id, trx, lock),
    summarize: async (ws, ids) => (await repo.summarize(ws, await repo.rowsFor(ws, ids))).map(strip),
    hooks: mergeHooks,
  });

  const upsertCustomers = createCustomerUpserter({
    bulk: createBulkWriter(db),
    newWrite: (ws, region, input, phones) => {
      const v = createCustomerSchema.parse(input);
      return buildWrite(ws, region, newRow(ws, v), v, undefined, phones);
    },
  });

  return {
    getCustomerOrThrow,
    regionOf,
    /** Match-or-create a batch of incoming customers inside the caller's transaction (imports). */
    upsertCustomers,

    /** Other modules move their rows (interactions, orders, …) when two customers are merged. */
    onMerge: (hook: MergeHook) => void mergeHooks.push(hook),
    /** Other modules act on a new customer inside its creating transaction (a failure undoes the creation). */
    onCreate: (hook: CreateHook) => void createHooks.push(hook),

    /** Fold `otherId` into `id`: every phone, email, tag, timeline item and order is kept. */
    async mergeCustomers(ws: string, id: string, otherId: string, actor: string): Promise<Customer> {
      await merger.mergeCustomers(ws, id, otherId, actor);
      return getCustomerOrThrow(ws, id);
    },

    /** Likely duplicates: pairs sharing a phone or an email, or with the same name (dismissed pairs left out). */
    findDuplicates: (ws: string, limit = 100) => merger.findDuplicates(ws, limit),
    /** "Not duplicates": never suggest this pair again (undo with undoDuplicateDismissal). */
    dismissDuplicate: merger.dismissDuplicate,
    undoDuplicateDismissal: merger.undoDismissal,
    listDuplicateDismissals: (ws: string, limit = 100) => merger.listDismissals(ws, limit),

    /** The reason these phones (E.164) / emails (normalised) are not new: they belonged to an erased customer. */
    async erasedMatch(ws: string, ids: { phones?: (string | null)[]; emails?: (string | null)[] }) {
      const m = await findErasedIdentity(db, ws, ids);
      return m && erasedReason(m);
    },

    async createCustomer(ws: string, input: unknown, actor: string): Promise<Customer> {
      const v = createCustomerSchema.parse(input);
      const region = await regionOf(ws);
      return writeTransaction(db, async (trx) => {
        const business = v.kind === 'person' ? await checkBusiness(trx, ws, v.businessId) : undefined;
        if (v.kind === 'business' && v.businessId)
          throw badInput(
            'BUSINESS_IN_BUSINESS',
            'A business cannot belong to another business',
            '/body/businessId',
          );
        const w = buildWrite(ws, region, newRow(ws, v), v, business?.name);
        const erased = v.recreateErased
          ? undefined
          : await findErasedIdentity(trx, ws, {
              phones: w.phones.map((p) => p.e164),
              emails: w.emails.map((e) => e.normalized),
            });
        if (erased)
          throw conflict(
            'CUSTOMER_ERASED',
            `${erasedReason(erased)}; send "recreateErased": true to add them again`,
          );
        await repo.insert(trx, w);
        for (const hook of createHooks) await hook(trx, ws, w.row.id, v, actor);
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'create',
          entity: 'customer',
          entityId: w.row.id,
          data: v,
        });
        return getCustomerOrThrow(ws, w.row.id, trx);
      });
    },

    /**
     * Create many customers in one transaction with multi-row inserts (demo data, bulk loads, benchmarks).
     * Every input is validated first; one bad input rejects the whole batch with its index in the pointer.
     * Business links are not resolved here (give people their business afterwards with updateCustomer).
     */
    async createCustomers(ws: string, inputs: unknown[], actor: string): Promise<string[]> {
      const region = await regionOf(ws);
      const writes = inputs.map((input, i) => {
        const r = createCustomerSchema.safeParse(input);
        if (!r.success) {
          const issue = r.error.issues[0];
          throw badInput(
            'VALIDATION_FAILED',
            `item ${i}: ${issue?.message ?? 'invalid'}`,
            `/${i}/${issue?.path.join('/') ?? ''}`,
          );
        }
        if (r.data.businessId)
          throw badInput(
            'VALIDATION_FAILED',
            `item ${i}: businessId is not accepted in a batch`,
            `/${i}/businessId`,
          );
        return buildWrite(ws, region, newRow(ws, r.data), r.data, undefined);
      });
      await writeTransaction(db, async (trx) => {
        await repo.insertMany(trx, writes);
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'create_batch',
          entity: 'customer',
          data: { count: writes.length },
        });
      });
      return writes.map((w) => w.row.id);
    },

    async updateCustomer(ws: string, id: string, input: unknown, actor: string): Promise<Customer> {
      const v = updateCustomerSchema.parse(input);
      const region = await regionOf(ws);
      return writeTransaction(db, async (trx) => {
        const cur = await repo.findRow(ws, id, trx, true);
        if (!cur) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
        const kind = v.kind ?? cur.kind;
        const businessId = v.businessId === undefined ? cur.business_id : v.businessId;
        if (kind === 'business' && businessId)
          throw badInput(
            'BUSINESS_IN_BUSINESS',
            'A business cannot belong to another business',
            '/body/businessId',
          );
        if (kind === 'person' && cur.kind === 'business' && (await repo.listPeopleIds(trx, ws, id)).length)
          throw badInput(
            'BUSINESS_HAS_PEOPLE',
            'This business still has people; move them first',
            '/body/kind',
          );
        const business = await checkBusiness(trx, ws, businessId, id);
        const row: CustomerRow = {
          ...cur,
          kind,
          name: v.name ?? cur.name,
          sort_name: sortKey(v.name ?? cur.name),
          business_id: business?.id ?? null,
          ...(v.jobTitle !== undefined && { job_title: v.jobTitle }),
          ...(v.address !== undefined && { address: v.address ? JSON.stringify(v.address) : null }),
          ...(v.birthday !== undefined && { birthday: v.birthday }),
          ...(v.anniversary !== undefined && { anniversary: v.anniversary }),
          ...(v.preferredChannel !== undefined && { preferred_channel: v.preferredChannel }),
          ...(v.needs !== undefined && { needs: v.needs }),
          ...(v.customFields !== undefined && { custom_fields: JSON.stringify(v.customFields) }),
          ...(v.consent !== undefined && {
            consent_marketing: v.consent.marketing ? 1 : 0,
            consent_source: v.consent.source ?? null,
            consent_at: v.consent.at ? new Date(v.consent.at).toISOString() : nowIso(),
          }),
          updated_at: nowIso(),
        };
        const replace = {
          phones: v.phones !== undefined,
          emails: v.emails !== undefined,
          tags: v.tags !== undefined,
          tokens: true,
        };
        await repo.update(trx, buildWrite(ws, region, row, v, business?.name), replace);
        if (kind === 'business' && v.name !== undefined && v.name !== cur.name)
          await reindexPeople(trx, ws, { id, name: v.name });
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'update',
          entity: 'customer',
          entityId: id,
          data: v,
        });
        return getCustomerOrThrow(ws, id, trx);
      });
    },

    async deleteCustomer(ws: string, id: string, actor: string): Promise<void> {
      await writeTransaction(db, async (trx) => {
        // locked: a parallel delete waits, then finds nothing (404)
        const cur = await repo.findRow(ws, id, trx, true);
        if (!cur) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
        const people = cur.kind === 'business' ? await repo.listPeopleIds(trx, ws, id) : [];
        await repo.delete(trx, ws, id);
        for (const pid of people) {
          const p = await repo.findRow(ws, pid, trx);
          if (p)
            await repo.update(trx, buildWrite(ws, '', p, {}, undefined), {
              phones: false,
              emails: false,
              tags: false,
              tokens: true,
            });
        }
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'delete',
          entity: 'customer',
          entityId: id,
          data: { name: cur.name },
        });
      });
    },

    /** List or search customers, a page at a time (keyset cursor). */
    async listCustomers(ws: string, query: unknown): Promise<Page> {
      const f = listCustomersQuery.parse(query);
      const cursor = f.cursor ? readCursor(f.cursor) : undefined;
      const filters = { tag: f.tag, kind: f.kind, businessId: f.businessId };
      if (!f.q) {
        const rows = await repo.page(ws, { ...filters, after: cursor, limit: f.limit + 1 });
        return finish(rows, f.limit, 0);
      }
      const tiers = await searchCustomerIds(search, ws, f.q, await regionOf(ws));
      const items: (CustomerSummary & { sort: string; tier: number })[] = [];
      for (let tier = cursor?.tier ?? 0; tier < tiers.length && items.length <= f.limit; tier++) {
        const t = tiers[tier] ?? { ids: [] };
        const after = cursor && cursor.tier === tier ? cursor : undefined;
        const limit = f.limit + 1 - items.length;
        const rows =
          'ids' in t
            ? await repo.page(ws, { ...filters, ids: t.ids, after, limit })
            : 'keys' in t
              ? await pageOfKeys(search, ws, t.keys, { filters, after, limit })
              : await pageOfTerms(search, ws, t, {
                  filters,
                  notIds: tiers
                    .slice(0, tier)
                    .flatMap((x) => ('ids' in x ? x.ids : 'keys' in x ? x.keys.map((k) => k.id) : [])),
                  after,
                  limit,
                });
        items.push(...rows.map((r) => ({ ...r, tier })));
      }
      const more = items.length > f.limit;
      const page = items.slice(0, f.limit);
      const last = page.at(-1);
      return {
        items: page.map(strip),
        nextCursor: more && last ? writeCursor({ tier: last.tier, sort: last.sort, id: last.id }) : null,
      };
    },

    /** Every customer, whole, a page at a time in name order (exports). */
    async *allCustomers(ws: string, pageSize = 500): AsyncIterable<Customer[]> {
      let after: { sort: string; id: string } | undefined;
      for (;;) {
        const rows = await repo.page(ws, { after, limit: pageSize });
        if (!rows.length) return;
        yield await repo.getMany(
          ws,
          rows.map((r) => r.id),
        );
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) return;
        after = { sort: last.sort, id: last.id };
      }
    },

    /** The id of the customer with this phone (any format), if any. */
    async findIdByPhone(ws: string, raw: string): Promise<{ id: string | undefined; e164: string | null }> {
      const { e164, candidates } = readCallerNumber(raw, await regionOf(ws));
      return { id: await repo.findIdByE164(ws, candidates), e164 };
    },

    /** Every E.164 number a caller's text could mean in this workspace's region, best first. */
    callerNumbers: async (ws: string, raw: string): Promise<string[]> =>
      readCallerNumber(raw, await regionOf(ws)).candidates,

    /** Called by the timeline when something happens with a customer, in the same transaction. */
    touchLastInteraction: (trx: Kysely<Database>, ws: string, id: string, at: string) =>
      repo.touchLastInteraction(trx, ws, id, at),
    /** The same for many customers (the latest time each), in one statement per few hundred. */
    setLastInteraction: (trx: Kysely<Database>, ws: string, id: string, at: string | null) =>
      repo.setLastInteraction(trx, ws, id, at),
    touchLastInteractions: (trx: Kysely<Database>, ws: string, items: { id: string; at: string }[]) =>
      repo.touchLastInteractions(trx, ws, items),
    existsOrThrow: async (ws: string, id: string, trx: Kysely<Database> = db) => {
      if (!(await repo.findRow(ws, id, trx))) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
    },
    countCustomers: (ws: string) => repo.count(ws),
  };

  function finish(rows: (CustomerSummary & { sort: string })[], limit: number, tier: number): Page {
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(strip),
      nextCursor: more && last ? writeCursor({ tier, sort: last.sort, id: last.id }) : null,
    };
  }
}

const strip = ({
  sort: _s,
  tier: _t,
  ...rest
}: CustomerSummary & { sort: string; tier?: number }): CustomerSummary => rest;

export type CustomerService = ReturnType<typeof createCustomerService>;
