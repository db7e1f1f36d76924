import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

const MARK = '\u0000rapport-value:';

/**
 * Queries built and compiled once, then run with new values: for hot paths where Kysely's building and
 * compiling of a large query costs more than running it (the caller card).
 *
 * `build` receives `value(name)`, a placeholder to use wherever that value goes in the query; it must be
 * passed through untouched (compared, not transformed). Queries are kept per `shape` — a key that must
 * change whenever the built SQL would (e.g. the number of items in an `in` list).
 */
export function preparedQueries(db: Kysely<Database>) {
  const compiled = new Map<string, CompiledQuery>();
  return async function run<R>(
    shape: string,
    build: (value: (name: string) => string) => Compilable<R>,
    values: Record<string, unknown>,
  ): Promise<R[]> {
    let q = compiled.get(shape);
    if (!q) {
      q = build((name) => MARK + name).compile();
      compiled.set(shape, q);
    }
    const parameters = q.parameters.map((p) => {
      if (typeof p !== 'string' || !p.startsWith(MARK)) return p;
      const name = p.slice(MARK.length);
      if (!(name in values)) throw new Error(`prepared query ${shape}: no value for "${name}"`);
      return values[name];
    });
    const result = await db.executeQuery<R>(CompiledQuery.raw(q.sql, parameters));
    return result.rows;
  };
}
