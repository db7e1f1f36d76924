import { badInput } from '../errors.ts';

/** One position of a keyset cursor: a value of the last row's sort key (a string or a number). */
export type CursorValue = string | number;

/**
 * The one cursor codec of the API: a page's position is the last row's sort key (its values, in order),
 * sent to clients as opaque base64url JSON. Each list says what its cursor holds when it reads one back.
 * @example decodeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', 'abc']), ([at, id]) => ...)
 */
export const encodeCursor = (values: readonly CursorValue[]): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

/**
 * Read a cursor this API gave out: `read` checks the values and shapes them (undefined: not this list's
 * cursor). Anything else is a 400 BAD_CURSOR pointing at the query's cursor.
 */
export function decodeCursor<T>(
  s: string,
  read: (values: CursorValue[]) => T | undefined,
  message = 'cursor is not one this API gave out',
): T {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const shaped =
    Array.isArray(values) && values.every((v) => typeof v === 'string' || typeof v === 'number')
      ? read(values as CursorValue[])
      : undefined;
  if (shaped === undefined) throw badInput('BAD_CURSOR', message, '/querystring/cursor');
  return shaped;
}

/** A cursor over (instant, id): the timeline's and the orders' lists. */
export const encodeTimeCursor = (at: string, id: string): string => encodeCursor([at, id]);
export const decodeTimeCursor = (s: string): { at: string; id: string } =>
  decodeCursor(s, ([at, id]) =>
    typeof at === 'string' && typeof id === 'string' && id && !Number.isNaN(Date.parse(at))
      ? { at, id }
      : undefined,
  );
