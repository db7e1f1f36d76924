import { ApiError } from './api.ts';

/**
 * Field errors of a problem+json answer, keyed the way @mantine/form names fields:
 * pointer `/body/phones/0/number` → `phones.0.number`. Returns {} for errors without pointers.
 */
export function fieldErrors(e: unknown, prefix = ''): Record<string, string> {
  if (!(e instanceof ApiError)) return {};
  const list = e.problem.errors?.length
    ? e.problem.errors
    : e.problem.pointer
      ? [{ pointer: e.problem.pointer, message: e.problem.detail ?? 'Invalid' }]
      : [];
  const out: Record<string, string> = {};
  for (const { pointer, message } of list) {
    const parts = pointer
      .split('/')
      .slice(1)
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (parts[0] === 'body' || parts[0] === 'query' || parts[0] === 'params') parts.shift();
    const key = prefix + parts.join('.');
    out[key] ??= humanize(message);
  }
  return out;
}

/** Schema messages are written for developers; say the common ones in shop words. */
function humanize(message: string): string {
  if (/Invalid email|valid email/i.test(message)) return 'Not a valid email address';
  if (/too_small|>=1 characters|at least 1/i.test(message)) return 'This cannot be empty';
  if (/Too big|<=\d+ characters/i.test(message))
    return message.replace(/^Too big: expected string to have /, 'Too long: ');
  return message;
}
