import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { decodeCursor, decodeTimeCursor, encodeCursor, encodeTimeCursor } from './cursor.ts';

const badCursor = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError && e.code === 'BAD_CURSOR' && e.status === 400 ? e.pointer : 'other error';
  }
  return 'no error';
};

describe('the cursor codec', () => {
  it('gives back the values it was given, through an opaque url-safe string', () => {
    const s = encodeCursor([1, 'smith|jo', 'id/+=']);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(s, (v) => v)).toEqual([1, 'smith|jo', 'id/+=']);
    expect(decodeTimeCursor(encodeTimeCursor('2026-01-01T00:00:00.000Z', 'abc'))).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      id: 'abc',
    });
  });

  it('answers 400 BAD_CURSOR at /querystring/cursor for anything it did not give out', () => {
    const read = ([a]: unknown[]) => (typeof a === 'number' ? a : undefined);
    expect(badCursor(() => decodeCursor('garbage', read))).toBe('/querystring/cursor');
    expect(badCursor(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'), read))).toBe(
      '/querystring/cursor',
    );
    expect(badCursor(() => decodeCursor(Buffer.from('[null]').toString('base64url'), read))).toBe(
      '/querystring/cursor',
    );
    expect(badCursor(() => decodeCursor(encodeCursor(['x']), read))).toBe('/querystring/cursor');
    expect(badCursor(() => decodeTimeCursor(encodeCursor(['not a date', 'id'])))).toBe('/querystring/cursor');
    expect(badCursor(() => decodeTimeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', ''])))).toBe(
      '/querystring/cursor',
    );
  });
});
