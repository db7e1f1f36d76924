import type { Kysely, Selectable } from 'kysely';
import { newId, nowIso } from '../../platform/db/ids.ts';
import type { Database, ProductTable } from '../../platform/db/schema.ts';
import type { Product } from './products.schema.ts';

/** The key that makes a name unique in a workspace: "  Meat  Pie " and "meat pie" are one product. */
export const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

export const toProduct = (r: Selectable<ProductTable>): Product => ({
  id: r.id,
  name: r.name,
  price: Number(r.price),
  category: r.category,
  cost: r.cost === null ? null : Number(r.cost),
  archived: r.archived_at !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The row of a new product: the name's spaces collapsed, its key, not archived. */
export const newProductRow = (
  ws: string,
  p: {
    name: string;
    price: number;
    category?: string | null | undefined;
    cost?: number | null | undefined;
  },
) => {
  const at = nowIso();
  return {
    workspace_id: ws,
    id: newId(),
    name: p.name.trim().replace(/\s+/g, ' '),
    name_key: nameKey(p.name),
    price: p.price,
    category: p.category || null,
    cost: p.cost ?? null,
    archived_at: null,
    created_at: at,
    updated_at: at,
  } satisfies Selectable<ProductTable>;
};

/** All SQL of the products table (the same on SQLite and PostgreSQL). */
export function createProductsRepository(db: Kysely<Database>) {
  return {
    async get(ws: string, id: string, trx: Kysely<Database> = db) {
      return trx
        .selectFrom('products')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .executeTakeFirst();
    },
    async byKeys(trx: Kysely<Database>, ws: string, keys: string[]) {
      const out: Selectable<ProductTable>[] = [];
      for (let i = 0; i < keys.length; i += 500)
        out.push(
          ...(await trx
            .selectFrom('products')
            .selectAll()
            .where('workspace_id', '=', ws)
            .where('name_key', 'in', keys.slice(i, i + 500))
            .execute()),
        );
      return out;
    },
    async byIds(trx: Kysely<Database>, ws: string, ids: string[]) {
      if (!ids.length) return [];
      return trx
        .selectFrom('products')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', 'in', ids)
        .execute();
    },
    /** Insert; a product of the same name already there is left alone (false). */
    async insert(trx: Kysely<Database>, row: Selectable<ProductTable>): Promise<boolean> {
      const r = await trx
        .insertInto('products')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'name_key']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async update(trx: Kysely<Database>, ws: string, id: string, set: Partial<Selectable<ProductTable>>) {
      await trx
        .updateTable('products')
        .set(set)
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
    },
    /** Products in name order after (nameKey, id), archived ones as asked, matching `q` in name or category. */
    async page(
      ws: string,
      o: {
        q?: string | undefined;
        archived: 'exclude' | 'include' | 'only';
        after?: { key: string; id: string } | undefined;
        limit: number;
      },
    ) {
      let q = db.selectFrom('products').selectAll().where('workspace_id', '=', ws);
      if (o.archived === 'exclude') q = q.where('archived_at', 'is', null);
      if (o.archived === 'only') q = q.where('archived_at', 'is not', null);
      if (o.q) {
        const like = `%${o.q.toLowerCase().replace(/[%_]/g, '')}%`; // wildcards typed are dropped, not escaped: no ESCAPE on both dialects
        q = q.where((eb) =>
          eb.or([eb('name_key', 'like', like), eb(eb.fn('lower', ['category']), 'like', like)]),
        );
      }
      const after = o.after;
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('name_key', '>', after.key),
            eb.and([eb('name_key', '=', after.key), eb('id', '>', after.id)]),
          ]),
        );
      return q.orderBy('name_key').orderBy('id').limit(o.limit).execute();
    },
  };
}
export type ProductsRepository = ReturnType<typeof createProductsRepository>;
