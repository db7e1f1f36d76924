import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, generateApiTypes, openApiDocument, ROOT } from '../scripts/gen-api.ts';
import { ERROR_CODES } from '../src/platform/errors.ts';

/** One contract between server and web: the web's types are generated from the server's OpenAPI. */
describe('the API contract', () => {
  it('web/src/lib/api.gen.ts is what `npm run gen:api` makes of the current server', async () => {
    const fresh = await generateApiTypes();
    const committed = fs.readFileSync(GENERATED, 'utf8');
    // a stale file fails here: run `npm run gen:api` and commit the result
    expect(committed === fresh, 'web/src/lib/api.gen.ts is stale: run `npm run gen:api`').toBe(true);
  });

  it('lists the error catalogue as the enum of Problem.code, and every operation may answer a Problem', async () => {
    const doc = (await openApiDocument()) as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: { code?: { enum?: string[] } } }> };
    };
    expect(doc.components.schemas.Problem?.properties?.code?.enum).toEqual([...ERROR_CODES]);
    for (const [url, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        expect(op.responses?.default, `${method.toUpperCase()} ${url}`).toMatchObject({
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        });
  });
});

/** Every code written in src (thrown, or answered by the HTTP layer), read from the source text. */
function codesInSource(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('error-codes.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        const patterns = [
          // new AppError('X', …), notFound('X', …), conflict('X', …), badInput('X', …), ruleBroken('X', …)
          /\b(?:new AppError|notFound|conflict|badInput|ruleBroken)\(\s*'([A-Z][A-Z0-9_]*)'/g,
          // class X extends AppError { constructor() { super('X', …) } }
          /\bsuper\(\s*'([A-Z][A-Z0-9_]*)'/g,
          // { code: 'X' } (problems answered directly)
          /\bcode:\s*'([A-Z][A-Z0-9_]*)'/g,
        ];
        for (const re of patterns)
          for (const m of text.matchAll(re)) found.set(m[1]!, path.relative(ROOT, p));
        // const code = … ? 'X' : 'Y' (a code chosen in one statement)
        for (const statement of text.matchAll(/\bconst code\s*=([^;]*);/g))
          for (const m of statement[1]!.matchAll(/'([A-Z][A-Z0-9_]*)'/g))
            found.set(m[1]!, path.relative(ROOT, p));
        // the values of a table of codes (FASTIFY_CODES: Record<string, ErrorCode>)
        for (const table of text.matchAll(/Record<string, ErrorCode> = \{([^}]*)\}/g))
          for (const m of table[1]!.matchAll(/:\s*'([A-Z][A-Z0-9_]*)'/g))
            found.set(m[1]!, path.relative(ROOT, p));
        // the keys of the complaint rules (each is thrown through ruleBroken(code))
        for (const table of text.matchAll(/COMPLAINT_RULES = \{([^}]*)\}/g))
          for (const m of table[1]!.matchAll(/^\s*([A-Z][A-Z0-9_]*):/gm))
            found.set(m[1]!, path.relative(ROOT, p));
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return found;
}

describe('the error catalogue', () => {
  it('has every code written in src, and no code twice', () => {
    const catalogue = new Set<string>(ERROR_CODES);
    expect(catalogue.size).toBe(ERROR_CODES.length);
    const found = codesInSource();
    expect(found.size).toBeGreaterThan(80); // the scan reads the source (a broken scan finds nothing)
    const missing = [...found].filter(([code]) => !catalogue.has(code)).map(([c, f]) => `${c} (${f})`);
    expect(missing, 'add these to src/platform/error-codes.ts').toEqual([]);
  });

  it('has no code that nothing answers', () => {
    const found = codesInSource();
    const unused = ERROR_CODES.filter((c) => !found.has(c));
    expect(unused, 'remove these from src/platform/error-codes.ts, or say where they come from').toEqual([]);
  });
});
