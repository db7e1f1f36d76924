import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { fallsOn, likePatterns, yearsSince } from './dates.ts';
import type { OccasionKind } from './occasions.schema.ts';

export type Occurrence = {
  day: string;
  kind: OccasionKind;
  /** The custom occasion's id (birthdays and anniversaries have none). */
  occasionId: string | null;
  label: string;
  customerId: string;
  name: string;
  years: number | null;
};

const LABEL = { birthday: 'Birthday', anniversary: 'Anniversary' } as const;

/** The occasions of a workspace that fall on the given local days (one query per kind, whatever the number of days). */
export async function occurrencesOn(
  db: Kysely<Database>,
  ws: string,
  days: string[],
  kinds: readonly OccasionKind[],
  limit = 2000,
): Promise<Occurrence[]> {
  const patterns = [...new Set(days.flatMap(likePatterns))];
  const out: Occurrence[] = [];
  for (const kind of kinds) {
    if (kind === 'custom') {
      const rows = await db
        .selectFrom('customer_occasions as o')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
        )
        .select(['o.id', 'o.label', 'o.date', 'o.yearly', 'o.customer_id', 'c.name'])
        .where('o.workspace_id', '=', ws)
        .where((eb) => eb.or(patterns.map((p) => eb('o.date', 'like', p))))
        .orderBy('o.id')
        .limit(limit)
        .execute();
      for (const day of days)
        for (const r of rows)
          if (fallsOn(r.date, day, Number(r.yearly) === 1))
            out.push({
              day,
              kind,
              occasionId: r.id,
              label: r.label,
              customerId: r.customer_id,
              name: r.name,
              years: Number(r.yearly) === 1 ? yearsSince(r.date, day) : null,
            });
      continue;
    }
    const rows = await db
      .selectFrom('customers')
      .select(['id', 'name', kind])
      .where('workspace_id', '=', ws)
      .where((eb) => eb.or(patterns.map((p) => eb(kind, 'like', p))))
      .orderBy('id')
      .limit(limit)
      .execute();
    for (const day of days)
      for (const r of rows) {
        const date = r[kind];
        if (date && fallsOn(date, day, true))
          out.push({
            day,
            kind,
            occasionId: null,
            label: LABEL[kind],
            customerId: r.id,
            name: r.name,
            years: yearsSince(date, day),
          });
      }
  }
  return out;
}
