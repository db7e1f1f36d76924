import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerRow } from './customers.repository.ts';
import type { CustomerSummary } from './customers.schema.ts';
import { createMergeRepository } from './merge.repository.ts';

/** Another module moving its rows from one customer to another inside the merge transaction. */
export type MergeHook = (
  trx: Kysely<Database>,
  ws: string,
  from: { id: string; name: string },
  into: { id: string; name: string },
) => Promise<void>;

type Deps = {
  db: Kysely<Database>;
  /** With `lock`, the row stays locked until the transaction ends. */
  findRow: (
    ws: string,
    id: string,
    trx: Kysely<Database>,
    lock?: boolean,
  ) => Promise<CustomerRow | undefined>;
  /** Summaries of these customers of the workspace (unknown ids left out). */
  summarize: (ws: string, ids: string[]) => Promise<CustomerSummary[]>;
  hooks: MergeHook[];
};

/** A pair someone said are different people: never suggested again until the dismissal is undone. */
export type DuplicateDismissal = {
  customers: [CustomerSummary, CustomerSummary];
  dismissedBy: string;
  dismissedAt: string;
};

const fillable = ['job_title', 'address', 'birthday', 'anniversary', 'preferred_channel', 'needs'] as const;

/**
 * Duplicates (A4): suggestions, and a merge that keeps every timeline item, order, phone and email of both.
 * The surviving customer keeps its own values and takes the other's where its own are blank.
 */
export function createMerger({ db, findRow, summarize, hooks }: Deps) {
  const repo = createMergeRepository(db);

  const byId = async (ws: string, ids: string[]) =>
    new Map((await summarize(ws, [...new Set(ids)])).map((s) => [s.id, s]));

  /** Both customers of a pair, in this workspace; 400 for the same id twice, 404 for an unknown one. */
  async function checkPair(
    ws: string,
    [x, y]: readonly [string, string],
    pointer: string,
  ): Promise<[string, string]> {
    if (x === y) throw badInput('DISMISS_SAME', 'Give two different customers', pointer);
    const [first, second] = await Promise.all([findRow(ws, x, db), findRow(ws, y, db)]);
    if (!first || !second) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
    // the canonical order: (a, b) and (b, a) are one row
    return x < y ? [x, y] : [y, x];
  }

  return {
    /** Likely duplicates: pairs sharing a phone or an email, or with the same name; dismissed pairs never. */
    async findDuplicates(ws: string, limit: number) {
      const pairs = await repo.duplicatePairs(ws, limit);
      const byPair = new Map<
        string,
        { a: string; b: string; reasons: { reason: string; value: string }[] }
      >();
      for (const p of pairs) {
        const key = `${p.a}|${p.b}`;
        const entry = byPair.get(key) ?? { a: p.a, b: p.b, reasons: [] };
        entry.reasons.push({ reason: p.reason, value: p.value });
        byPair.set(key, entry);
      }
      const ranked = [...byPair.values()].sort((x, y) => y.reasons.length - x.reasons.length).slice(0, limit);
      const summaries = await byId(
        ws,
        ranked.flatMap((p) => [p.a, p.b]),
      );
      return ranked.flatMap((p) => {
        const a = summaries.get(p.a);
        const b = summaries.get(p.b);
        return a && b ? [{ customers: [a, b], reasons: p.reasons }] : [];
      });
    },

    /**
     * "These are different people": the pair (in either order) is never suggested again. Idempotent:
     * `created` is false when it was already dismissed. Deleting or merging away either customer forgets it.
     */
    async dismissDuplicate(
      ws: string,
      ids: readonly [string, string],
      actor: string,
    ): Promise<DuplicateDismissal & { created: boolean }> {
      const [a, b] = await checkPair(ws, ids, '/body/customerIds/1');
      const created = await writeTransaction(db, async (trx) => {
        const inserted = await createMergeRepository(trx).insertDismissal(ws, {
          a,
          b,
          dismissedBy: actor,
          dismissedAt: nowIso(),
        });
        if (inserted)
          await recordAudit(trx, {
            workspaceId: ws,
            actor,
            action: 'dismiss_duplicate',
            entity: 'customer',
            entityId: a,
            data: { otherId: b },
          });
        return inserted;
      });
      const d = await repo.findDismissal(ws, a, b);
      const s = await byId(ws, [a, b]);
      const sa = s.get(a);
      const sb = s.get(b);
      // a customer deleted in between: the cascade took the row with it
      if (!d || !sa || !sb) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
      return { customers: [sa, sb], dismissedBy: d.dismissedBy, dismissedAt: d.dismissedAt, created };
    },

    /** Undo "not duplicates": the pair may be suggested again. Idempotent (nothing to undo is fine). */
    async undoDismissal(ws: string, ids: readonly [string, string], actor: string): Promise<void> {
      const [a, b] = await checkPair(ws, ids, '/params/b');
      await writeTransaction(db, async (trx) => {
        if (await createMergeRepository(trx).deleteDismissal(ws, a, b))
          await recordAudit(trx, {
            workspaceId: ws,
            actor,
            action: 'undo_dismiss_duplicate',
            entity: 'customer',
            entityId: a,
            data: { otherId: b },
          });
      });
    },

    /** The pairs said to be different people, newest first. */
    async listDismissals(ws: string, limit: number): Promise<DuplicateDismissal[]> {
      const rows = await repo.listDismissals(ws, limit);
      const s = await byId(
        ws,
        rows.flatMap((r) => [r.a, r.b]),
      );
      return rows.flatMap((r) => {
        const a = s.get(r.a);
        const b = s.get(r.b);
        return a && b ? [{ customers: [a, b], dismissedBy: r.dismissedBy, dismissedAt: r.dismissedAt }] : [];
      });
    },

    async mergeCustomers(ws: string, intoId: string, fromId: string, actor: string): Promise<void> {
      if (intoId === fromId)
        throw badInput('MERGE_SAME', 'A customer cannot be merged into itself', '/body/otherId');
      await writeTransaction(db, async (trx) => {
        // both rows locked, always in id order: a merge of the same pair (either way round) waits, then finds
        // one of them gone (404); two merges never lock the pair crosswise (deadlock)
        const rows = new Map<string, CustomerRow | undefined>();
        for (const cid of [intoId, fromId].sort()) rows.set(cid, await findRow(ws, cid, trx, true));
        const into = rows.get(intoId);
        const from = rows.get(fromId);
        if (!into || !from) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
        if (into.kind !== from.kind)
          throw conflict(
            'MERGE_KIND_MISMATCH',
            'Merge a person with a person and a business with a business',
          );
        const set: Partial<CustomerRow> = {};
        for (const k of fillable) if ((into[k] === null || into[k] === '') && from[k]) set[k] = from[k];
        if (into.needs && from.needs && into.needs !== from.needs) set.needs = `${into.needs}\n${from.needs}`;
        if (!into.business_id && from.business_id && from.business_id !== intoId)
          set.business_id = from.business_id;
        const customFields = {
          ...(JSON.parse(from.custom_fields) as object),
          ...(JSON.parse(into.custom_fields) as object),
        };
        set.custom_fields = JSON.stringify(customFields);
        if ((from.consent_at ?? '') > (into.consent_at ?? ''))
          Object.assign(set, {
            consent_marketing: from.consent_marketing,
            consent_source: from.consent_source,
            consent_at: from.consent_at,
          });
        if ((from.last_interaction_at ?? '') > (into.last_interaction_at ?? ''))
          set.last_interaction_at = from.last_interaction_at;
        set.updated_at = nowIso();
        await repo.updateCustomer(trx, ws, intoId, set);
        await repo.moveCustomerData(trx, ws, fromId, intoId);
        for (const hook of hooks)
          await hook(trx, ws, { id: fromId, name: from.name }, { id: intoId, name: into.name });
        await repo.deleteCustomer(trx, ws, fromId);
        await recordAudit(trx, {
          workspaceId: ws,
          actor,
          action: 'merge',
          entity: 'customer',
          entityId: intoId,
          data: { mergedId: fromId, mergedName: from.name },
        });
      });
    },
  };
}
