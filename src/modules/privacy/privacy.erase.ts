import { sql, type Kysely } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import type { Database } from '../../platform/db/schema.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import { notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { identityHash } from '../customers/index.ts';
import { ownedIds, rowsWhereIn } from './privacy.repository.ts';

export type ErasureResult = { customerId: string; erasedAt: string; counts: Record<string, number> };

const n = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) =>
  Number(r.numUpdatedRows ?? r.numDeletedRows ?? 0);

/**
 * Erase one customer in one transaction: personal data removed everywhere, orders kept for the books without
 * them (customer_id NULL, `customer_erased` 1, amounts untouched), their phones and emails remembered only as
 * hashes. The customer row is locked first, so of parallel erasures one works and the others find nothing (404).
 */
export async function eraseCustomer(
  db: Kysely<Database>,
  ws: string,
  id: string,
  reason: string,
  actor: string,
): Promise<ErasureResult> {
  return writeTransaction(db, async (trx) => {
    const cur = await trx
      .selectFrom('customers')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!cur) throw notFound('CUSTOMER_NOT_FOUND', 'Customer');
    const at = nowIso();
    const phones = await trx
      .selectFrom('customer_phones')
      .select(['e164', 'raw', 'valid'])
      .where('workspace_id', '=', ws)
      .where('customer_id', '=', id)
      .execute();
    const emails = await trx
      .selectFrom('customer_emails')
      .select('normalized')
      .where('workspace_id', '=', ws)
      .where('customer_id', '=', id)
      .execute();
    const e164s = phones.flatMap((p) => (p.e164 ? [p.e164] : []));
    const addresses = [...e164s, ...phones.map((p) => p.raw), ...emails.map((e) => e.normalized)];
    const identities = [
      ...e164s.map((p) => ({ kind: 'phone' as const, hash: identityHash(ws, 'phone', p) })),
      ...emails.map((e) => ({ kind: 'email' as const, hash: identityHash(ws, 'email', e.normalized) })),
    ];
    if (identities.length)
      await trx
        .insertInto('erased_identities')
        .values(identities.map((i) => ({ workspace_id: ws, ...i, customer_id: id, erased_at: at })))
        .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'hash']).doNothing())
        .execute();

    const counts: Record<string, number> = {};
    // what audit entries are about them (their own rows' ids), read before those rows go
    const owned = ownedIds({
      orders: await rowsWhereIn(trx, ws, 'orders', 'customer_id', [id]),
      complaints: await rowsWhereIn(trx, ws, 'complaints', 'customer_id', [id]),
      enquiries: await rowsWhereIn(trx, ws, 'enquiries', 'customer_id', [id]),
      promises: await rowsWhereIn(trx, ws, 'promises', 'customer_id', [id]),
      reviews: await rowsWhereIn(trx, ws, 'reviews', 'customer_id', [id]),
      customer_occasions: await rowsWhereIn(trx, ws, 'customer_occasions', 'customer_id', [id]),
      interactions: await rowsWhereIn(trx, ws, 'interactions', 'customer_id', [id]),
    });
    const tokens = (
      await trx
        .selectFrom('customer_tokens')
        .select('token')
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', id)
        .execute()
    ).map((t) => t.token);

    counts.orders = n(
      await trx
        .updateTable('orders')
        .set({ customer_id: null, customer_erased: 1, note: null, updated_at: at })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', id)
        .executeTakeFirst(),
    );
    counts.messages = n(
      await trx
        .updateTable('messages')
        .set({
          customer_id: null,
          to_address: null,
          subject: null,
          body: null,
          extra: null,
          error: null,
          status: sql`case when status in ('queued', 'claimed', 'uncertain') then 'cancelled' else status end`,
        })
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([
            eb('customer_id', '=', id),
            ...(addresses.length ? [eb('to_address', 'in', addresses)] : []),
          ]),
        )
        .executeTakeFirst(),
    );
    // calls the phone systems reported (their number), vouchers kept as bearer value without the name
    counts.phoneCalls = n(
      await trx
        .deleteFrom('phone_calls')
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([eb('customer_id', '=', id), ...(e164s.length ? [eb('from_number', 'in', e164s)] : [])]),
        )
        .executeTakeFirst(),
    );
    await trx
      .updateTable('vouchers')
      .set({ customer_id: null })
      .where('workspace_id', '=', ws)
      .where('customer_id', '=', id)
      .execute();
    counts.interactions = n(
      await trx
        .deleteFrom('interactions')
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([
            eb('customer_id', '=', id),
            ...(e164s.length ? [eb.and([eb('customer_id', 'is', null), eb('phone_e164', 'in', e164s)])] : []),
          ]),
        )
        .executeTakeFirst(),
    );
    counts.survey_answers = n(
      await trx
        .updateTable('survey_answers')
        .set({ customer_id: null, text: null, may_contact: null })
        .where('workspace_id', '=', ws)
        .where('customer_id', '=', id)
        .executeTakeFirst(),
    );
    counts.public_tokens = n(
      await trx
        .deleteFrom('public_tokens')
        .where('workspace_id', '=', ws)
        .where((eb) =>
          eb.or([eb('customer_id', '=', id), ...(addresses.length ? [eb('address', 'in', addresses)] : [])]),
        )
        .executeTakeFirst(),
    );
    if (addresses.length)
      counts.suppressions = n(
        await trx
          .deleteFrom('suppressions')
          .where('workspace_id', '=', ws)
          .where('address', 'in', addresses)
          .executeTakeFirst(),
      );
    for (const t of ['customer_predictions', 'prediction_lists'] as const)
      counts[t] = n(
        await trx
          .deleteFrom(t)
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', id)
          .executeTakeFirst(),
      );
    // seats they held at events are free again (their invitations go with the customer)
    const seats = await trx
      .selectFrom('event_invitations')
      .select(['event_id', 'seats'])
      .where('workspace_id', '=', ws)
      .where('customer_id', '=', id)
      .where('answer', '=', 'yes')
      .execute();
    for (const s of seats)
      await trx
        .updateTable('events')
        .set({ seats_taken: sql`seats_taken - ${s.seats}` })
        .where('workspace_id', '=', ws)
        .where('id', '=', s.event_id)
        .execute();
    // audit entries about them keep what happened, when and by whom, without the data
    for (let i = 0, all = [id, ...owned]; i < all.length; i += 500)
      await trx
        .updateTable('audit_log')
        .set({ data: null })
        .where('workspace_id', '=', ws)
        .where('entity_id', 'in', all.slice(i, i + 500))
        .execute();
    await trx
      .updateTable('customers')
      .set({ business_id: null })
      .where('workspace_id', '=', ws)
      .where('business_id', '=', id)
      .execute();
    // the rest goes with the customer row: phones, emails, tags, name postings, complaints and their history,
    // enquiries, consents, reviews, promises, occasions, invitations, ids in other systems
    await trx.deleteFrom('customers').where('workspace_id', '=', ws).where('id', '=', id).execute();
    if (tokens.length)
      await trx
        .deleteFrom('customer_vocab')
        .where('workspace_id', '=', ws)
        .where('token', 'in', tokens)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('customer_tokens as k')
                .select('k.token')
                .where('k.workspace_id', '=', ws)
                .whereRef('k.token', '=', 'customer_vocab.token'),
            ),
          ),
        )
        .execute();
    await trx
      .insertInto('erasures')
      .values({
        workspace_id: ws,
        customer_id: id,
        reason,
        erased_by: actor,
        erased_at: at,
        counts: JSON.stringify(counts),
      })
      .execute();
    await recordAudit(trx, {
      workspaceId: ws,
      actor,
      action: 'erase',
      entity: 'customer',
      entityId: id,
      data: { reason, counts },
    });
    return { customerId: id, erasedAt: at, counts };
  });
}
