import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

/**
 * Erased identities (issue 19, J4): the phone numbers (E.164) and emails (normalised) of erased customers,
 * kept only as hashes, so that an import row, a call or an API create with one of them is noticed.
 */
export type ErasedKind = 'phone' | 'email';

/** The stored hash of one phone number or email of a workspace (not reversible without guessing the value). */
export function identityHash(ws: string, kind: ErasedKind, value: string): string {
  return createHash('sha256').update(`rapport-erased\u0000${ws}\u0000${kind}\u0000${value}`).digest('hex');
}

export type ErasedMatch = { kind: ErasedKind; erasedAt: string };

/** The first of these phones / emails that belonged to an erased customer, if any. */
export async function findErasedIdentity(
  db: Kysely<Database>,
  ws: string,
  ids: { phones?: (string | null)[]; emails?: (string | null)[] },
): Promise<ErasedMatch | undefined> {
  const hashes = [
    ...(ids.phones ?? []).filter((p): p is string => !!p).map((p) => identityHash(ws, 'phone', p)),
    ...(ids.emails ?? []).filter((e): e is string => !!e).map((e) => identityHash(ws, 'email', e)),
  ];
  if (!hashes.length) return undefined;
  const row = await db
    .selectFrom('erased_identities')
    .select(['kind', 'erased_at'])
    .where('workspace_id', '=', ws)
    .where('hash', 'in', hashes)
    .orderBy('erased_at')
    .executeTakeFirst();
  return row && { kind: row.kind, erasedAt: row.erased_at };
}

/** The clear reason shown when something matches an erased customer. */
export const erasedReason = (m: ErasedMatch) =>
  `This ${m.kind === 'phone' ? 'phone number' : 'email'} belonged to a customer erased on ${m.erasedAt.slice(0, 10)} at their request`;

/**
 * For a batch of import rows: a function answering, for one row, the reason it matches an erased customer
 * (or undefined). One query for the whole batch.
 */
export async function erasedIdentities(
  db: Kysely<Database>,
  ws: string,
  rows: { phones: { e164: string | null; valid: boolean }[]; emails: { normalized: string }[] }[],
): Promise<(row: (typeof rows)[number]) => string | undefined> {
  const keyOf = (row: (typeof rows)[number]) => [
    ...row.phones.filter((p) => p.valid && p.e164).map((p) => identityHash(ws, 'phone', p.e164 as string)),
    ...row.emails.map((e) => identityHash(ws, 'email', e.normalized)),
  ];
  const all = [...new Set(rows.flatMap(keyOf))];
  const found = new Map<string, ErasedMatch>();
  for (let i = 0; i < all.length; i += 500) {
    const got = await db
      .selectFrom('erased_identities')
      .select(['hash', 'kind', 'erased_at'])
      .where('workspace_id', '=', ws)
      .where('hash', 'in', all.slice(i, i + 500))
      .execute();
    for (const g of got) found.set(g.hash, { kind: g.kind, erasedAt: g.erased_at });
  }
  return (row) => {
    if (!found.size) return undefined;
    const hit = keyOf(row)
      .map((h) => found.get(h))
      .find(Boolean);
    return hit && erasedReason(hit);
  };
}
