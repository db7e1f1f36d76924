/**
 * Errors that mean "the database cannot be reached right now" rather than "this request is wrong": the
 * connection was terminated (PostgreSQL 57P01 admin shutdown, 57P02/57P03, a failover), refused or reset, or a
 * connection-class error (SQLSTATE 08xxx). Requests hit by one answer 503 DATABASE_UNAVAILABLE (retry later);
 * the pool replaces the dead connections.
 */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|terminating connection due to administrator command|timeout exceeded when trying to connect/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (/^57P0[123]$/.test(code) || /^08[0-9A-Z]{3}$/.test(code) || NETWORK_CODES.has(code)) return true;
    }
    if (e instanceof Error && MESSAGES.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** SQLite stayed locked by other connections past the busy timeout: the request may be tried again. */
export const isDatabaseBusy = (err: unknown): boolean =>
  /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown } | null)?.code ?? ''));
