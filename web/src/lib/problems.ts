import { ApiError, errorMessage } from './api.ts';

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

/**
 * A refusal in shop words. The codes are for programs (`COMPLAINT_CLOSE_UNCONFIRMED`); the screen says what to
 * do next. Codes not listed here fall back to the API's own sentence.
 */
const SENTENCES: Record<string, string> = {
  COMPLAINT_TRANSFER_NO_REASON: 'Say why you are passing this complaint on.',
  COMPLAINT_NO_PROBLEM_STATEMENT:
    'Listen first: write the problem in your own words (the paraphrase step) before going on.',
  COMPLAINT_TRANSFER_SAME_OWNER: 'This person already looks after the complaint.',
  COMPLAINT_CLOSED: 'This complaint is closed. Reopen it to change anything.',
  COMPLAINT_NOT_OPEN: 'This complaint is resolved. Reopen it to change how it was resolved.',
  COMPLAINT_REFUND_NO_REASON:
    'A refund is the last resort: write why no other option (repair, replace, redo, credit) will do.',
  COMPLAINT_OFFER_NOT_ALTERNATIVE:
    'The customer already refused these options. Offer at least one they have not refused.',
  COMPLAINT_RESOLVE_NO_OFFER: 'Offer the customer at least one option before resolving.',
  COMPLAINT_RESOLVE_NO_CHOICE: 'Choose which option the customer accepted before resolving.',
  COMPLAINT_OFFER_REFUSED: 'The customer refused this option. Offer them something else.',
  COMPLAINT_RESOLVE_NO_APOLOGY:
    'Apologise to the customer for the trouble, and tick that you did, before resolving.',
  COMPLAINT_NOT_RESOLVED: 'Resolve the complaint first; only then can it be closed or reopened.',
  COMPLAINT_CLOSE_UNCONFIRMED:
    'Close it once the customer confirms it is sorted, or after you have tried twice to reach them since it was resolved.',
  COMPLAINT_FOLLOW_UP_NOT_PENDING: 'There is no follow-up check waiting on this complaint.',
  VALIDATION_FAILED: 'Some fields need a second look.',
};

/** The sentence to show for an error: a known code's shop words, else the API's sentence. */
export function problemSentence(e: unknown): string {
  if (e instanceof ApiError && SENTENCES[e.code]) return SENTENCES[e.code] as string;
  return errorMessage(e);
}
