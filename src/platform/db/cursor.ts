import { badInput } from '../errors.ts';

/**
 * Keyset cursors over (instant, id), opaque to clients: the last row of a page, base64url.
 * @example decodeTimeCursor(encodeTimeCursor('2026-01-01T00:00:00.000Z', 'abc')) // { at: '2026-…', id: 'abc' }
 */
export const encodeTimeCursor = (at: string, id: string): string =>
  Buffer.from(`${at}|${id}`).toString('base64url');

/** Read a cursor this API gave out; anything else is a 400 BAD_CURSOR. */
export function decodeTimeCursor(s: string): { at: string; id: string } {
  const [at, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)))
    throw badInput('BAD_CURSOR', 'cursor is not one this API gave out', '/querystring/cursor');
  return { at, id };
}
