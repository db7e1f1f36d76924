/**
 * What the phone-channel adapters (Twilio, WhatsApp) share: one HTTP call to a provider that never throws and
 * never leaks a credential, the Retry-After header as milliseconds, constant-time comparison, and the error a
 * webhook parser throws on a payload it cannot read (the webhook route answers 400 for it).
 */
import { timingSafeEqual } from 'node:crypto';

export type FetchFn = typeof globalThis.fetch;

export type ProviderAnswer =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'network'; code: string; message: string };

/** A webhook body that is not what the provider documents (missing id, unknown status…). */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** One request; a refused connection, a reset or a timeout comes back as `{kind: 'network'}`, never thrown. */
export async function callProvider(
  fetchFn: FetchFn,
  url: string,
  init: RequestInit,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ProviderAnswer> {
  try {
    const response = await fetchFn(url, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { kind: 'response', status: response.status, headers: response.headers, text };
  } catch (error) {
    return { kind: 'network', ...describeNetworkError(error) };
  }
}

function describeNetworkError(error: unknown): { code: string; message: string } {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { code: 'timeout', message: 'no answer in time' };
  }
  // undici: TypeError('fetch failed') with the socket error as its cause
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : 'network';
  return { code, message: code === 'network' ? 'the connection failed' : `the connection failed (${code})` };
}

/** Retry-After (RFC 9110): delay-seconds or an HTTP-date; in ms, at most a day; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  const DAY = 86_400_000;
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, DAY);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), DAY);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Replaces every occurrence of a secret (and its URL-encoded form) with '[redacted]'. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      out = out.split(form).join('[redacted]');
  }
  return out;
}

/** Constant-time string equality (false for different lengths without comparing contents). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
