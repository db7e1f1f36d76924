/**
 * Every `code` a Rapport problem+json answer (and an AppError) can carry: the API's error catalogue. The
 * OpenAPI document lists them as the enum of components.schemas.Problem.code, so clients switch on them with
 * type safety; AppError accepts only these, and test/contract.test.ts checks that every code written in src
 * is here. Codes are stable: add new ones, never rename one a client may know.
 */
export const ERROR_CODES = [
  // HTTP plumbing (src/platform/http)
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'INVALID_JSON',
  'EMPTY_BODY',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'ROUTE_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN_SCOPE',
  'INTERNAL',
  'BAD_CURSOR',
  'BAD_RANGE',
  'BAD_OPTION',
  // workspaces and access
  'WORKSPACE_NOT_FOUND',
  'WORKSPACE_AMBIGUOUS',
  'SETUP_DONE',
  'LOGIN_FAILED',
  'USER_NOT_FOUND',
  'USER_EMAIL_TAKEN',
  'USER_LAST_OWNER',
  'OWNER_NOT_FOUND',
  'API_KEY_NOT_FOUND',
  // customers, duplicates and merges
  'CUSTOMER_NOT_FOUND',
  'BUSINESS_NOT_FOUND',
  'BUSINESS_IN_BUSINESS',
  'BUSINESS_HAS_PEOPLE',
  'NOT_A_BUSINESS',
  'MERGE_SAME',
  'MERGE_KIND_MISMATCH',
  'DISMISS_SAME',
  // timeline
  'AUTHOR_NOT_FOUND',
  'CALL_NO_TO',
  // orders
  'ORDER_NOT_FOUND',
  'ORDER_CANCELLED',
  'ORDER_EXTERNAL_PAIR',
  'ORDER_LINE_NEGATIVE',
  'ORDER_TOTAL_NEGATIVE',
  'REFUND_EXCEEDS_TOTAL',
  // imports and column mappings
  'IMPORT_NOT_FOUND',
  'IMPORT_NO_FILE',
  'IMPORT_NOT_A_FILE',
  'IMPORT_NOT_TEXT',
  'IMPORT_EMPTY',
  'IMPORT_TOO_LARGE',
  'IMPORT_NOT_STARTED',
  'IMPORT_UNKNOWN_PRESET',
  'IMPORT_LAYOUT_CONFLICT',
  'MAPPING_NOT_FOUND',
  'MAPPING_NAME_TAKEN',
  'MAPPING_BAD_NAME',
  'MAPPING_BAD_COLUMN',
  'MAPPING_DUPLICATE_COLUMN',
  'MAPPING_EMPTY',
  'MAPPING_INVALID',
  'MAPPING_INVALID_JSON',
  'MAPPING_NO_NAME',
  'MAPPING_NOT_CSV',
  'MAPPING_TOO_MANY',
  'MAPPING_UNKNOWN_FIELD',
  'MAPPING_COLUMN_MISSING',
  // complaints (the workflow's rules: complaints.errors.ts)
  'COMPLAINT_NOT_FOUND',
  'COMPLAINT_ORDER_NOT_FOUND',
  'COMPLAINT_OFFER_NOT_FOUND',
  'COMPLAINT_RECEIVED_IN_FUTURE',
  'COMPLAINT_PREVIEW_BAD_TIME',
  'COMPLAINT_NO_SUCH_OPTION',
  'COMPLAINT_CHOICE_AND_REFUSAL',
  'COMPLAINT_TRANSFER_NO_REASON',
  'COMPLAINT_NO_PROBLEM_STATEMENT',
  'COMPLAINT_TRANSFER_SAME_OWNER',
  'COMPLAINT_CLOSED',
  'COMPLAINT_NOT_OPEN',
  'COMPLAINT_REFUND_NO_REASON',
  'COMPLAINT_OFFER_NOT_ALTERNATIVE',
  'COMPLAINT_RESOLVE_NO_OFFER',
  'COMPLAINT_RESOLVE_NO_CHOICE',
  'COMPLAINT_OFFER_REFUSED',
  'COMPLAINT_RESOLVE_NO_APOLOGY',
  'COMPLAINT_NOT_RESOLVED',
  'COMPLAINT_CLOSE_UNCONFIRMED',
  'COMPLAINT_FOLLOW_UP_NOT_PENDING',
  // enquiries
  'ENQUIRY_NOT_FOUND',
  'ENQUIRY_NO_CUSTOMER',
  'ENQUIRY_RECEIVED_IN_FUTURE',
  'ENQUIRY_CLOSED',
  'ENQUIRY_NOT_ANSWERED',
  'ENQUIRY_TRANSFER_SAME_OWNER',
  // analytics
  'PREDICTION_RUN_NOT_FOUND',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);
export const isErrorCode = (code: string): code is ErrorCode => KNOWN.has(code);
