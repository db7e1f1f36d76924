import { AppError } from '../../platform/errors.ts';

/**
 * Every rule of the complaint workflow has its own code, so a client (and a test) knows which rule refused.
 * State changes that break a rule answer 409; unknown ids 404; bad references in a body 400.
 */
export const COMPLAINT_RULES = {
  COMPLAINT_TRANSFER_NO_REASON: 'A transfer needs a reason',
  COMPLAINT_NO_PROBLEM_STATEMENT:
    'Listen first: record the problem statement (your paraphrase of the concern) before this step',
  COMPLAINT_TRANSFER_SAME_OWNER: 'The complaint is already owned by this person',
  COMPLAINT_CLOSED: 'The complaint is closed: reopen it first',
  COMPLAINT_NOT_OPEN: 'The complaint is resolved: reopen it to change the resolution',
  COMPLAINT_REFUND_NO_REASON: 'A refund is the last resort: record why no other option will do',
  COMPLAINT_OFFER_NOT_ALTERNATIVE:
    'The customer refused these options already: offer at least one alternative they have not refused',
  COMPLAINT_RESOLVE_NO_OFFER: 'Offer the customer at least one option before resolving',
  COMPLAINT_RESOLVE_NO_CHOICE: "Record the customer's choice among the options offered before resolving",
  COMPLAINT_OFFER_REFUSED: 'The customer refused this offer: offer alternatives',
  COMPLAINT_RESOLVE_NO_APOLOGY: 'Apologise for the inconvenience, and record it, before resolving',
  COMPLAINT_NOT_RESOLVED: 'Only a resolved complaint can be closed or reopened',
  COMPLAINT_CLOSE_UNCONFIRMED:
    "A complaint closes only with the customer's confirmation, or after two documented attempts to reach them since it was resolved",
  COMPLAINT_FOLLOW_UP_NOT_PENDING: 'There is no follow-up check pending on this complaint',
} as const;
export type ComplaintRule = keyof typeof COMPLAINT_RULES;

/** 409 with the rule's code; `detail` adds specifics to the rule's message. */
export const ruleBroken = (code: ComplaintRule, detail?: string) =>
  new AppError(code, detail ? `${COMPLAINT_RULES[code]}: ${detail}` : COMPLAINT_RULES[code], 409);
