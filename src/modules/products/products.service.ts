import { parse } from 'csv-parse/sync';
import type { Kysely, Selectable } from 'kysely';
import { nowIso } from '../../platform/db/ids.ts';
import { writeTransaction } from '../../platform/db/transaction.ts';
import type { Database, ProductTable } from '../../platform/db/schema.ts';
import { badInput, conflict, notFound } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../audit/index.ts';
import { readMoney } from '../imports/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import {
  createProductsRepository,
  nameKey,
  newProductRow as newRow,
  toProduct,
} from './products.repository.ts';
import {
  createProductSchema,
  importProductsSchema,
  listProductsQuery,
  updateProductSchema,
  type Product,
  type ProductImportResult,
} from './products.schema.ts';

export type ProductDeps = {
  db: Kysely<Database>;
  workspaces: WorkspaceService;
};

const encodeCursor = (key: string, id: string) => Buffer.from(`${key}\u0001${id}`).toString('base64url');
function decodeCursor(s: string) {
  const [key, id] = Buffer.from(s, 'base64url').toString('utf8').split('\u0001');
  if (key === undefined || !id)
    throw badInput('BAD_CURSOR', 'cursor is not one this API gave out', '/querystring/cursor');
  return { key, id };
}

/** The header names a product CSV may use for each field (lower-case). */
const HEADERS: Record<'name' | 'price' | 'category' | 'cost', string[]> = {
  name: ['name', 'product', 'product name', 'item', 'title'],
  price: ['price', 'unit price', 'selling price', 'amount'],
  category: ['category', 'type', 'group'],
  cost: ['cost', 'unit cost', 'cost price'],
};

export function createProductService({ db, workspaces }: ProductDeps) {
  const repo = createProductsRepository(db);

  async function getProductOrThrow(ws: string, id: string): Promise<Product> {
    const r = await repo.get(ws, id);
    if (!r) throw notFound('PRODUCT_NOT_FOUND', 'Product');
    return toProduct(r);
  }

  return {
    getProductOrThrow,

    async listProducts(ws: string, query: unknown) {
      const q = listProductsQuery.parse(query);
      const rows = await repo.page(ws, {
        q: q.q,
        archived: q.archived,
        after: q.cursor ? decodeCursor(q.cursor) : undefined,
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return {
        items: items.map(toProduct),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.name_key, last.id) : null,
      };
    },

    /** A new product; a second one of the same name (any case or spacing) is refused (409). */
    async createProduct(ws: string, input: unknown, actor: Actor): Promise<Product> {
      const v = createProductSchema.parse(input);
      const row = newRow(ws, v);
      await writeTransaction(db, async (trx) => {
        if (!(await repo.insert(trx, row)))
          throw conflict('PRODUCT_NAME_TAKEN', `There is already a product called "${row.name}"`);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'create',
          entity: 'product',
          entityId: row.id,
          data: { name: row.name, price: v.price },
        });
      });
      return toProduct(row);
    },

    /** Edit a product, archive it (`archived: true`) or bring it back. */
    async updateProduct(ws: string, id: string, input: unknown, actor: Actor): Promise<Product> {
      const v = updateProductSchema.parse(input);
      await writeTransaction(db, async (trx) => {
        const cur = await repo.get(ws, id, trx);
        if (!cur) throw notFound('PRODUCT_NOT_FOUND', 'Product');
        const set: Partial<Selectable<ProductTable>> = { updated_at: nowIso() };
        if (v.name !== undefined) {
          const key = nameKey(v.name);
          if (key !== cur.name_key) {
            const [taken] = await repo.byKeys(trx, ws, [key]);
            if (taken)
              throw conflict('PRODUCT_NAME_TAKEN', `There is already a product called "${taken.name}"`);
          }
          set.name = v.name.replace(/\s+/g, ' ');
          set.name_key = key;
        }
        if (v.price !== undefined) set.price = v.price;
        if (v.category !== undefined) set.category = v.category || null;
        if (v.cost !== undefined) set.cost = v.cost;
        if (v.archived !== undefined) set.archived_at = v.archived ? (cur.archived_at ?? nowIso()) : null;
        await repo.update(trx, ws, id, set);
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: v.archived === true ? 'archive' : v.archived === false ? 'unarchive' : 'update',
          entity: 'product',
          entityId: id,
          data: v,
        });
      }).catch((err: unknown) => {
        // two renames to the same name at once: the unique key refuses the second
        const code = (err as { code?: string } | null)?.code;
        if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE')
          throw conflict('PRODUCT_NAME_TAKEN', 'There is already a product with that name');
        throw err;
      });
      return getProductOrThrow(ws, id);
    },

    /**
     * Products from a CSV (name,price,category,cost with a header row; prices in whole units of the workspace
     * currency). A name already on the list is updated; every refused row is reported with its line. Running
     * the same file again changes nothing.
     */
    async importProducts(ws: string, input: unknown, actor: Actor): Promise<ProductImportResult> {
      const v = importProductsSchema.parse(input);
      const { currency } = await workspaces.getWorkspaceCached(ws);
      let records: { record: string[]; info: { lines: number } }[];
      try {
        records = parse(v.csv, {
          bom: true,
          info: true,
          relax_column_count: true,
          skip_empty_lines: true,
          trim: true,
        }) as unknown as { record: string[]; info: { lines: number } }[];
      } catch (e) {
        throw badInput(
          'PRODUCTS_CSV_UNREADABLE',
          `The file is not readable CSV: ${(e as Error).message}`,
          '/body/csv',
        );
      }
      const [head, ...rows] = records;
      const header = (head?.record ?? []).map((h) => h.toLowerCase());
      const col = (f: keyof typeof HEADERS) => header.findIndex((h) => HEADERS[f].includes(h));
      const at = { name: col('name'), price: col('price'), category: col('category'), cost: col('cost') };
      if (at.name < 0 || at.price < 0)
        throw badInput(
          'PRODUCTS_CSV_HEADER',
          'The first line must name the columns: name,price (and optionally category,cost)',
          '/body/csv',
        );
      const rejected: ProductImportResult['rejected'] = [];
      const wanted = new Map<
        string,
        { line: number; name: string; price: number; category: string | null; cost: number | null }
      >();
      for (const { record, info } of rows) {
        const cell = (i: number) => (i >= 0 ? (record[i] ?? '').trim() : '');
        const line = info.lines;
        const name = cell(at.name);
        if (!name) {
          rejected.push({ line, reason: 'No name' });
          continue;
        }
        if (name.length > 200 || name.includes('\u0000')) {
          rejected.push({ line, reason: 'The name is longer than 200 characters' });
          continue;
        }
        let price: number | undefined;
        let cost: number | undefined;
        try {
          price = readMoney(cell(at.price), currency);
          cost = readMoney(cell(at.cost), currency);
        } catch (e) {
          rejected.push({ line, reason: (e as Error).message });
          continue;
        }
        if (price === undefined || price < 0) {
          rejected.push({ line, reason: price === undefined ? 'No price' : 'The price is below zero' });
          continue;
        }
        if (cost !== undefined && cost < 0) {
          rejected.push({ line, reason: 'The cost is below zero' });
          continue;
        }
        const category = cell(at.category).slice(0, 100) || null;
        wanted.set(nameKey(name), { line, name, price, category, cost: cost ?? null });
      }
      const result: ProductImportResult = { created: 0, updated: 0, unchanged: 0, rejected };
      await writeTransaction(db, async (trx) => {
        const existing = new Map(
          (await repo.byKeys(trx, ws, [...wanted.keys()])).map((r) => [r.name_key, r]),
        );
        for (const [key, w] of wanted) {
          const cur = existing.get(key);
          if (!cur) {
            await repo.insert(trx, newRow(ws, w));
            result.created++;
          } else if (
            Number(cur.price) !== w.price ||
            (cur.category ?? null) !== w.category ||
            (cur.cost === null ? null : Number(cur.cost)) !== w.cost ||
            cur.archived_at !== null
          ) {
            await repo.update(trx, ws, cur.id, {
              price: w.price,
              category: w.category,
              cost: w.cost,
              archived_at: null,
              updated_at: nowIso(),
            });
            result.updated++;
          } else result.unchanged++;
        }
        await recordAudit(trx, {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'import',
          entity: 'product',
          data: { created: result.created, updated: result.updated, rejected: rejected.length },
        });
      });
      return result;
    },
  };
}
export type ProductService = ReturnType<typeof createProductService>;
