import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerRow } from './customers.repository.ts';
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
  findRow: (ws: string, id: string, trx: Kysely<Database>) => Promise<CustomerRow | undefined>;
  hooks: MergeHook[];
};

const fillable = ['job_title', 'address', 'birthday', 'anniversary', 'preferred_channel', 'needs'] as const;

/**
 * Duplicates (A4): suggestions, and a merge that keeps every timeline item, order, phone and email of both.
 * The surviving customer keeps its own values and takes the other's where its own are blank.
 */
export function createMerger({ db, findRow, hooks }: Deps) {
  const repo = createMergeRepository(db);
  return {
    findDuplicatePairs: (ws: string, limit: number) => repo.duplicatePairs(ws, limit),

    async mergeCustomers(ws: string, intoId: string, fromId: string, actor: string): Promise<void> {
      if (intoId === fromId)
        throw badInput('MERGE_SAME', 'A customer cannot be merged into itself', '/body/otherId');
      await db.transaction().execute(async (trx) => {
        const into = await findRow(ws, intoId, trx);
        const from = await findRow(ws, fromId, trx);
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
