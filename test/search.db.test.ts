import { Migrator, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomersRepository } from '../src/modules/customers/customers.repository.ts';
import { compareKeys, type Key } from '../src/modules/customers/postings.ts';
import { LIST_MAX_TOKENS, matchingKeys, type Term } from '../src/modules/customers/search.ts';
import { sortKey } from '../src/modules/customers/tokens.ts';
import { MIGRATIONS } from '../src/platform/db/migrations/index.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { DIALECTS, freshDb, startTestApp, type TestApp } from './kit.ts';

const FIRST = ['Ada', 'Adaeze', 'Adamu', 'Bola', 'Chi', 'Chika', 'Émile', 'Łukasz', 'Zoë', '𠀀an'];
const LAST = ['Okafor', 'Okonkwo', 'Adaeze', 'Bello', 'Chi', 'Ørsted', 'Ada'];
/** 40 words sharing the prefix "zz": more than a list of one word's spellings holds. */
const ZZ = Array.from(
  { length: 40 },
  (_, i) => `zz${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`,
);

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = {
  id: string;
  sort: string;
  kind: string;
  businessId: string | null;
  tags: string[];
  words: string[];
};

for (const dialect of DIALECTS) {
  describe(`search over name postings kept in name order (${dialect})`, () => {
    let t: TestApp;
    let ws: string;
    let bizId: string;
    const r = rng(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;

    beforeAll(async () => {
      t = await startTestApp(dialect);
      ws = (await t.newWorkspace()).workspaceId;
      const inputs = Array.from({ length: 360 }, (_, i) => ({
        kind: i % 9 === 0 ? 'business' : 'person',
        // few distinct names: many customers share a sort key, ordered by id
        name: [pick(FIRST), pick(LAST), ...(i % 4 === 0 ? [pick(ZZ)] : [])].join(' '),
        tags: [...(i % 3 === 0 ? ['vip'] : []), ...(i % 45 === 0 ? ['rare'] : [])],
      }));
      const ids = await t.services.customers.createCustomers(ws, inputs, 'test');
      // renamed customers, people linked to a business (they get its name's words), then the business renamed
      for (const id of ids.slice(1, 40).filter((_, i) => i % 3 === 0))
        await t.services.customers.updateCustomer(ws, id, { name: `${pick(LAST)} ${pick(FIRST)}` }, 'test');
      bizId = ids[0] as string;
      for (const id of ids.slice(41, 60).filter((_, i) => (41 + i) % 9 !== 0))
        await t.services.customers.updateCustomer(ws, id, { businessId: bizId }, 'test');
      await t.services.customers.updateCustomer(ws, bizId, { name: 'Okafor Zzz Traders' }, 'test');
    });
    afterAll(() => t.closeAll());

    /** Every customer with its sort key, filters' columns and name words, read back in full. */
    async function everyone(): Promise<Row[]> {
      const db = t.conn.db;
      const rows = await db
        .selectFrom('customers')
        .select(['id', 'sort_name', 'kind', 'business_id', 'name'])
        .where('workspace_id', '=', ws)
        .execute();
      const tags = await db
        .selectFrom('customer_tags')
        .select(['customer_id', 'tag'])
        .where('workspace_id', '=', ws)
        .execute();
      const words = await db
        .selectFrom('customer_tokens')
        .select(['customer_id', 'token'])
        .where('workspace_id', '=', ws)
        .execute();
      return rows.map((c) => ({
        id: c.id,
        sort: c.sort_name,
        kind: c.kind,
        businessId: c.business_id,
        tags: tags.filter((x) => x.customer_id === c.id).map((x) => x.tag),
        words: words.filter((x) => x.customer_id === c.id).map((x) => x.token),
      }));
    }

    it("keeps every posting's sort key equal to its customer's, through renames and business links", async () => {
      const stale = await sql<{ n: number | string }>`SELECT count(*) AS n FROM customer_tokens k
        JOIN customers c ON c.workspace_id = k.workspace_id AND c.id = k.customer_id
        WHERE k.workspace_id = ${ws} AND k.sort_name <> c.sort_name`.execute(t.conn.db);
      expect(Number(stale.rows[0]?.n)).toBe(0);
      const all = await everyone();
      expect(all.filter((c) => c.businessId === bizId).every((c) => c.words.includes('traders'))).toBe(true);
      expect(all.find((c) => c.id === bizId)?.sort).toBe(sortKey('Okafor Zzz Traders'));
    });

    it('finds exactly what a full scan finds, page by page, for any mix of words and filters', async () => {
      const repo = createCustomersRepository(t.conn.db);
      const all = await everyone();
      const prefix = async (p: string): Promise<Term> => ({
        tokens: await repo.vocabularyWithPrefix(ws, p, LIST_MAX_TOKENS + 1),
        prefix: p,
      });
      const zz = await prefix('zz');
      expect(zz.tokens.length).toBeGreaterThan(LIST_MAX_TOKENS); // a word checked per candidate, not listed
      const someIds = all.filter((_, i) => i % 5 === 0).map((c) => c.id);
      const cases: { name: string; terms: Term[]; filters?: Record<string, string>; notIds?: string[] }[] = [
        { name: 'one word, three spellings', terms: [await prefix('ada')] },
        { name: 'two words', terms: [await prefix('ada'), await prefix('okafor')] },
        { name: 'a word twice over', terms: [await prefix('ada'), await prefix('adaeze')] },
        { name: 'one letter', terms: [await prefix('o')] },
        { name: 'accents and a letter beyond U+FFFF', terms: [await prefix('𠀀an'), await prefix('ørsted')] },
        { name: 'a short prefix alone (walked)', terms: [zz] },
        { name: 'a short prefix with a word', terms: [zz, await prefix('chi')] },
        { name: 'three words', terms: [await prefix('chi'), zz, await prefix('ok')] },
        { name: 'a long list of spellings', terms: [{ tokens: ZZ }, await prefix('b')] },
        { name: 'business words on people', terms: [await prefix('traders'), await prefix('a')] },
        { name: 'kind', terms: [await prefix('a')], filters: { kind: 'business' } },
        {
          name: 'common tag (checked)',
          terms: [await prefix('a'), await prefix('ok')],
          filters: { tag: 'vip' },
        },
        { name: 'rare tag (listed)', terms: [await prefix('a')], filters: { tag: 'rare' } },
        { name: 'tag and kind, walked', terms: [zz], filters: { tag: 'vip', kind: 'person' } },
        { name: 'business', terms: [await prefix('a')], filters: { businessId: bizId } },
        { name: 'left out ids', terms: [await prefix('a'), await prefix('ok')], notIds: someIds },
        { name: 'a word nobody has', terms: [await prefix('a'), await prefix('qqq')] },
      ];
      const has = (c: Row, term: Term) =>
        term.prefix !== undefined
          ? c.words.some((w) => w.startsWith(term.prefix as string))
          : c.words.some((w) => term.tokens.includes(w));
      for (const k of cases) {
        const f = k.filters ?? {};
        const expected = all
          .filter((c) => k.terms.every((term) => has(c, term)))
          .filter((c) => (!f.kind || c.kind === f.kind) && (!f.tag || c.tags.includes(f.tag)))
          .filter((c) => (!f.businessId || c.businessId === f.businessId) && !k.notIds?.includes(c.id))
          .map((c): Key => ({ sort: c.sort, id: c.id }))
          .sort(compareKeys);
        const walked = k.terms.every((term) => term.tokens.length > LIST_MAX_TOKENS);
        for (const limit of [1, 7, 500]) {
          const got: Key[] = [];
          for (let after: Key | undefined; ;) {
            const page = await matchingKeys(repo, ws, k.terms, {
              filters: f,
              notIds: k.notIds,
              after,
              limit,
              tagListMax: 50, // 'vip' (120 customers) is checked per candidate, 'rare' (8) read as a list
            });
            got.push(...page);
            if (page.length < limit) break;
            after = page.at(-1);
          }
          const label = `${k.name}, pages of ${limit}`;
          // a walk is in the database's own collation; lists are in code point order
          if (walked) expect([...got].sort(compareKeys), label).toEqual(expected);
          else expect(got, label).toEqual(expected);
          expect(new Set(got.map((x) => x.id)).size, label).toBe(got.length);
        }
        if (k.name !== 'a word nobody has') expect(expected.length, k.name).toBeGreaterThan(0);
      }
    });
  });

  describe(`search API over a common word (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(() => t.closeAll());

    it('pages tag hits first, then every other name match in name order, with filters, never twice', async () => {
      const w = await t.newWorkspace();
      const inputs = Array.from({ length: 2150 }, (_, i) => ({
        kind: i % 3 === 0 ? 'business' : 'person',
        name: `Common ${i % 2 ? 'Person' : 'Place'} ${String(i).padStart(4, '0')}`,
        tags: i % 10 === 0 ? ['common'] : [],
      }));
      await t.services.customers.createCustomers(w.workspaceId, inputs, 'test');
      const sorted = (xs: typeof inputs) => xs.map((x) => x.name).sort();
      for (const [query, limit, expected] of [
        [
          'q=common',
          300,
          [...sorted(inputs.filter((x) => x.tags.length)), ...sorted(inputs.filter((x) => !x.tags.length))],
        ],
        [
          'q=common&kind=business',
          97,
          [
            ...sorted(inputs.filter((x) => x.tags.length && x.kind === 'business')),
            ...sorted(inputs.filter((x) => !x.tags.length && x.kind === 'business')),
          ],
        ],
        // two words: the first 2,000 matches come from ranking the query, the rest from the lists
        ['q=common p', 300, sorted(inputs)],
        ['q=common p&kind=person', 201, sorted(inputs.filter((x) => x.kind === 'person'))],
        [
          'q=common place&tag=common',
          40,
          sorted(inputs.filter((x) => x.tags.length && x.name.includes('Place'))),
        ],
      ] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: { statusCode: number; json: () => unknown } = await t.app.inject({
            method: 'GET',
            url: `/api/v1/customers?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
            headers: w.auth,
          });
          expect(res.statusCode).toBe(200);
          const body = res.json() as { items: { name: string }[]; nextCursor: string | null };
          seen.push(...body.items.map((i) => i.name));
          cursor = body.nextCursor;
        } while (cursor);
        expect(seen, query).toEqual(expected);
      }
    });
  });

  describe(`migration 0010: name postings in name order (${dialect})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    it("gives the existing postings their customer's sort key; down and up again", async () => {
      const conn = await freshDb(dialect);
      cleanups.push(conn.close);
      const migrator = new Migrator({
        db: conn.db,
        provider: { getMigrations: async () => MIGRATIONS },
        migrationTableName: 'rapport_migrations',
        migrationLockTableName: 'rapport_migrations_lock',
      });
      expect((await migrator.migrateTo('0009_import_mappings')).error).toBeUndefined();
      await sql`INSERT INTO workspaces (id, name, timezone, currency, region, created_at, updated_at)
        VALUES ('w1', 'Shop', 'Africa/Lagos', 'NGN', 'NG', '2025-01-01', '2025-01-01')`.execute(conn.db);
      for (const [id, name] of [
        ['c1', 'Ada Okafor'],
        ['c2', 'Émile Zola'],
      ] as const) {
        await sql`INSERT INTO customers (workspace_id, id, kind, name, sort_name, custom_fields, consent_marketing,
          created_at, updated_at) VALUES ('w1', ${id}, 'person', ${name}, ${sortKey(name)}, '{}', 0, '2025-01-01',
          '2025-01-01')`.execute(conn.db);
        for (const token of sortKey(name).split(' '))
          await sql`INSERT INTO customer_tokens (workspace_id, customer_id, token) VALUES ('w1', ${id}, ${token})`.execute(
            conn.db,
          );
      }
      expect(await migrateToLatest(conn.db)).toContain('0010_name_postings_sorted');
      const rows = () =>
        conn.db.selectFrom('customer_tokens').selectAll().orderBy('customer_id').orderBy('token').execute();
      expect(await rows()).toEqual([
        { workspace_id: 'w1', customer_id: 'c1', token: 'ada', sort_name: 'ada okafor' },
        { workspace_id: 'w1', customer_id: 'c1', token: 'okafor', sort_name: 'ada okafor' },
        { workspace_id: 'w1', customer_id: 'c2', token: 'emile', sort_name: 'emile zola' },
        { workspace_id: 'w1', customer_id: 'c2', token: 'zola', sort_name: 'emile zola' },
      ]);
      // a deleted customer's postings go with it (the cascade survived the rebuild)
      await sql`DELETE FROM customers WHERE id = 'c2'`.execute(conn.db);
      expect((await rows()).map((x) => x.customer_id)).toEqual(['c1', 'c1']);

      expect((await migrator.migrateTo('0009_import_mappings')).error).toBeUndefined();
      const back = await sql<{ token: string }>`SELECT token FROM customer_tokens ORDER BY token`.execute(
        conn.db,
      );
      expect(back.rows).toEqual([{ token: 'ada' }, { token: 'okafor' }]);
      expect(await migrateToLatest(conn.db)).toContain('0010_name_postings_sorted');
      expect((await rows()).map((x) => x.sort_name)).toEqual(['ada okafor', 'ada okafor']);
    });
  });
}
