import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { normalizePhone } from '../customers/index.ts';
import type { TimelineService } from '../timeline/index.ts';
import type { ImportsRepository } from './imports.repository.ts';
import type { ImportedInteraction } from './records.ts';

/**
 * Timeline entries of an import (Rapport's own export), inside the batch's transaction. Each keeps its id in the
 * source in its meta (`imported: "<source>:<id>"`), so importing the file again finds it and adds nothing; the
 * author is the workspace's user of that name, if there is one.
 */
export async function importInteractions(
  deps: { timeline: TimelineService; repo: ImportsRepository },
  trx: Kysely<Database>,
  ws: { id: string; region: string },
  source: string,
  items: { x: ImportedInteraction; customerId: string | null }[],
  authors: ReadonlyMap<string, string>,
): Promise<('created' | 'unchanged')[]> {
  if (!items.length) return [];
  const keyOf = (x: ImportedInteraction) => `${source}:${x.externalId}`;
  const seen = await deps.repo.importedInteractions(
    trx,
    ws.id,
    items.map(({ x }) => ({ key: keyOf(x), id: x.externalId, occurredAt: x.occurredAt })),
  );
  const out: ('created' | 'unchanged')[] = [];
  for (const { x, customerId } of items) {
    const key = keyOf(x);
    if (seen.has(key) || (source === 'rapport' && seen.has(`id:${x.externalId}`))) {
      out.push('unchanged');
      continue;
    }
    seen.add(key);
    await deps.timeline.insertInteraction(trx, ws.id, {
      customerId,
      kind: x.kind,
      direction: x.direction,
      body: x.body,
      phone: x.phone ?? null,
      phoneE164: x.phone ? normalizePhone(x.phone, ws.region).e164 : null,
      authorId: (x.author && authors.get(authorKey(x.author))) ?? null,
      occurredAt: x.occurredAt,
      meta: { imported: key },
    });
    out.push('created');
  }
  return out;
}

/** Names of staff as they are matched: case and spacing aside. */
export const authorKey = (name: string) => name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
