import { describe, expect, it } from 'vitest';
import { isDatabaseBusy, isDatabaseUnavailable } from './unavailable.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows a lost or refused connection', () => {
    for (const code of [
      '57P01',
      '57P02',
      '57P03',
      '08006',
      '08003',
      '08P01',
      'ECONNRESET',
      'ECONNREFUSED',
      'EPIPE',
    ])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: withCode('57P01') }))).toBe(true);
  });
  it('leaves request and programming errors alone', () => {
    for (const code of ['23505', '23503', '22P02', '42P01', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_BUSY'])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('isDatabaseBusy', () => {
  it('knows SQLite locked past its busy timeout, and nothing else', () => {
    expect(isDatabaseBusy(withCode('SQLITE_BUSY'))).toBe(true);
    expect(isDatabaseBusy(withCode('SQLITE_BUSY_SNAPSHOT'))).toBe(true);
    expect(isDatabaseBusy(withCode('SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
    expect(isDatabaseBusy(new Error('x'))).toBe(false);
  });
});
