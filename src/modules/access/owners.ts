// The users table belongs to this module: who may own a complaint or an enquiry is answered here.
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { badInput } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';

/**
 * Who owns a new complaint or enquiry: the user named (an active user of this workspace), else the signed-in
 * user, else the workspace's first owner. There is always exactly one.
 */
export async function resolveOwner(
  trx: Kysely<Database>,
  ws: string,
  requested: string | undefined,
  actor: Actor,
  pointer = '/body/ownerId',
): Promise<{ id: string; name: string }> {
  const q = trx
    .selectFrom('users')
    .select(['id', 'name'])
    .where('workspace_id', '=', ws)
    .where('disabled_at', 'is', null);
  if (requested) {
    const u = await q.where('id', '=', requested).executeTakeFirst();
    if (!u) throw badInput('OWNER_NOT_FOUND', 'Not an active user of this workspace', pointer);
    return u;
  }
  if (actor.kind === 'user') {
    const u = await q.where('id', '=', actor.id).executeTakeFirst();
    if (u) return u;
  }
  const owner = await q.where('role', '=', 'owner').orderBy('created_at').orderBy('id').executeTakeFirst();
  const anyone = owner ?? (await q.orderBy('created_at').orderBy('id').executeTakeFirst());
  if (!anyone) throw badInput('OWNER_NOT_FOUND', 'This workspace has no active user to own it', pointer);
  return anyone;
}
