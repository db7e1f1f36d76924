import type { ColumnType } from 'kysely';

/**
 * The one Database type. The same schema on SQLite and PostgreSQL: ids and instants are text
 * (UUIDv7, ISO-8601 UTC), calendar dates are 'YYYY-MM-DD' or '--MM-DD' text, booleans are 0/1 integers,
 * JSON is text. Every business table carries workspace_id, and its keys include it.
 */
export type WorkspaceTable = {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  region: string;
  created_at: string;
  updated_at: string;
};

export type UserTable = {
  workspace_id: string;
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: 'owner' | 'staff';
  created_at: string;
  disabled_at: string | null;
};

export type SessionTable = {
  id: string; // sha256 of the cookie token
  workspace_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  user_agent: ColumnType<string | null, string | null | undefined, string | null>; // 0024
  ip: ColumnType<string | null, string | null | undefined, string | null>; // 0024
  last_seen_at: ColumnType<string | null, string | null | undefined, string | null>; // 0024
};

/** Sign-in attempts of one account (email) in the current window, and its lockout (migration 0013). */
export type SignInAttemptTable = {
  email: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
};

export type ApiKeyTable = {
  workspace_id: string;
  id: string;
  name: string;
  prefix: string; // public part of the key, unique, used to find the row
  key_hash: string; // sha256 of the whole key
  scopes: string; // comma separated: read,write,admin
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

export type CustomerTable = {
  workspace_id: string;
  id: string;
  kind: 'person' | 'business';
  name: string;
  sort_name: string;
  business_id: string | null;
  job_title: string | null;
  address: string | null; // JSON
  birthday: string | null;
  anniversary: string | null;
  preferred_channel: string | null;
  needs: string | null;
  custom_fields: string; // JSON object
  consent_marketing: number;
  consent_source: string | null;
  consent_at: string | null;
  last_interaction_at: string | null;
  created_at: string;
  updated_at: string;
};

export type CustomerPhoneTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  position: number;
  raw: string;
  e164: string | null;
  label: string | null;
  valid: number;
  /** The E.164 digits last first ("+2348031234567" → "7654321308432"): search by the last digits (0015). */
  digits_reversed: string | null;
};

export type CustomerEmailTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  position: number;
  address: string;
  normalized: string;
  label: string | null;
};

export type CustomerTagTable = { workspace_id: string; customer_id: string; tag: string };

/**
 * Search index: one row per distinct name token of a customer (see customers/search.ts), with the customer's
 * sort key (always equal to customers.sort_name) so that a token's customers are read in name order.
 */
export type CustomerTokenTable = {
  workspace_id: string;
  token: string;
  customer_id: string;
  sort_name: string;
};

/** Distinct name tokens of a workspace (the typo-tolerant search's dictionary). */
export type CustomerVocabTable = { workspace_id: string; token: string; length: number };

export type InteractionTable = {
  workspace_id: string;
  id: string;
  customer_id: string | null;
  kind: string;
  direction: 'inbound' | 'outbound' | null;
  body: string | null;
  phone: string | null;
  phone_e164: string | null;
  author_id: string | null;
  occurred_at: string;
  created_at: string;
  meta: string | null; // JSON
};

export type AuditTable = {
  workspace_id: string;
  id: string;
  actor: string; // 'user:<id>' | 'apikey:<id>' | 'cli' | 'system'
  action: string;
  entity: string;
  entity_id: string | null;
  at: string;
  data: string | null;
};

/** Money columns are bigint on Postgres (read back as strings by pg) and integer on SQLite: read with Number(). */
type Money = number | string;

export type OrderTable = {
  workspace_id: string;
  id: string;
  /** NULL for a walk-in sale (0014): counted in the shop's revenue, in no customer's figures. */
  customer_id: string | null;
  number: string | null;
  status: string;
  currency: string;
  placed_at: string;
  channel: string | null;
  location: string | null;
  subtotal: Money;
  discount: Money;
  tax: Money;
  shipping: Money;
  total: Money;
  refunded: Money;
  cost: Money | null;
  note: string | null;
  external_source: string | null;
  external_id: string | null;
  /** cash, card, transfer, other; null when not known (0015). */
  payment_method: string | null;
  created_at: string;
  updated_at: string;
  customer_erased: ColumnType<number, number | undefined, number>; // 0024: 1 when the customer was erased (customer_id NULL, amounts kept)
};

/** The shop's products (0015): what the counter sells, price and cost in minor units of the workspace currency. */
export type ProductTable = {
  workspace_id: string;
  id: string;
  name: string;
  /** The name lower-cased with spaces collapsed: one product per name in a workspace. */
  name_key: string;
  price: Money;
  category: string | null;
  cost: Money | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
};

export type OrderLineTable = {
  workspace_id: string;
  id: string;
  order_id: string;
  position: number;
  sku: string | null;
  name: string;
  category: string | null;
  quantity: number;
  unit_price: Money;
  discount: Money;
  total: Money;
  unit_cost: Money | null;
};

export type OrderRefundTable = {
  workspace_id: string;
  id: string;
  order_id: string;
  amount: Money;
  kind: 'refund' | 'return';
  reason: string;
  at: string;
};

export type JobTable = {
  id: string;
  workspace_id: string;
  kind: string;
  payload: string;
  idempotency_key: string | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  progress: string | null;
  result: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
};

export type CustomerExternalIdTable = {
  workspace_id: string;
  source: string;
  external_id: string;
  customer_id: string;
};

export type ImportRunTable = {
  workspace_id: string;
  id: string;
  file_name: string;
  file_hash: string;
  file_bytes: number | string;
  preset: string;
  options: string; // JSON
  status: 'running' | 'done' | 'failed';
  records_done: number;
  bytes_done: number | string;
  counts: string; // JSON
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** While running: what it imports (file hash, preset, mapping), unique per workspace; null once ended (0012). */
  active_key: string | null;
  /** The process running it, host:pid:boot (0012). */
  owner: string | null;
};

/** A rejected row ('rejected') or a row imported with a caveat ('warning'), by its line in the file. */
export type ImportRejectionTable = {
  workspace_id: string;
  run_id: string;
  line: number;
  kind: 'rejected' | 'warning' | 'match'; // match: a row joined to a stored customer by email or phone (#13)
  reason: string;
};

// --- complaints and enquiries (migration 0004) ---
export type ComplaintTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  order_id: string | null;
  product: string | null;
  channel: string;
  category: string | null;
  severity: 'low' | 'medium' | 'high' | 'critical';
  severity_rank: number; // 1 critical … 4 low
  words: string; // the customer's own words, verbatim
  paraphrase: string | null; // the staff's problem statement
  status: 'open' | 'in_progress' | 'resolved' | 'closed';
  active: number; // 1 until closed
  owner_id: string;
  received_at: string;
  first_response_due_at: string;
  first_response_warn_at: string;
  first_responded_at: string | null;
  resolution_due_at: string;
  resolution_warn_at: string;
  resolved_at: string | null;
  closed_at: string | null;
  close_how: 'confirmed' | 'unreachable' | null;
  next_due_at: string; // the earliest pending deadline; '9999-12-31T00:00:00.000Z' when none
  resolution: string | null; // the option the customer chose
  resolution_summary: string | null;
  apologized: number;
  refunded: number;
  refund_reason: string | null;
  root_cause: string | null;
  follow_up_due_at: string | null;
  follow_up_done_at: string | null;
  follow_up_outcome: 'satisfied' | 'unhappy' | 'unreachable' | null;
  reopen_count: number;
  value_at_stake: Money;
  value_currency: string;
  value_source: string;
  order_count: number;
  customer_since: string | null;
  last_purchase_at: string | null;
  created_at: string;
  updated_at: string;
};

/** One step of a complaint's history; `data` is JSON. */
export type ComplaintEventTable = {
  workspace_id: string;
  id: string;
  complaint_id: string;
  kind: string;
  actor_id: string | null;
  at: string;
  data: string;
};

export type ComplaintSettingsTable = { workspace_id: string; settings: string; updated_at: string };

export type EnquiryTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  kind: 'question' | 'quote' | 'booking';
  channel: string;
  body: string;
  owner_id: string;
  received_at: string;
  first_response_due_at: string;
  first_response_warn_at: string;
  first_responded_at: string | null;
  outcome: 'won' | 'lost' | 'no_answer' | null;
  outcome_at: string | null;
  outcome_note: string | null;
  value: Money | null;
  active: number;
  created_at: string;
  updated_at: string;
};
// --- end complaints and enquiries ---

// --- analytics (migration 0006) ---
/** One refit of a workspace's purchase models; JSON columns are text. */
export type PredictionRunTable = {
  workspace_id: string;
  id: string;
  status: 'running' | 'done' | 'insufficient_data' | 'failed';
  trigger: string; // 'orders' | 'nightly' | 'manual'
  model: string; // the model behind P(alive) and the forecasts
  as_of: string; // calibration end: the instant the run looked at
  currency: string;
  parameters: string;
  log_likelihood: number | null;
  diagnostics: string;
  insights: string;
  customers: number;
  timings: string;
  reason: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
};

/**
 * A run's prediction per customer (customers with at least one purchase), keyed by (workspace, run, customer)
 * since 0007: readers read the newest finished run. Dates are 'YYYY-MM-DD'.
 */
export type CustomerPredictionTable = {
  workspace_id: string;
  customer_id: string;
  run_id: string;
  purchases: number;
  total_spent: Money;
  first_purchase_on: string;
  last_purchase_on: string;
  p_alive: number | null;
  expected_30: number | null;
  expected_90: number | null;
  expected_365: number | null;
  p_buy_30: number | null;
  p_buy_90: number | null;
  expected_next_purchase_on: string | null;
  expected_spend: Money | null;
  clv_12m: Money | null;
  value_at_stake: Money;
  rfm_r: number;
  rfm_f: number;
  rfm_m: number;
  segment: string;
  lifecycle_stage: string;
  trend: string;
  trend_slope: number;
  overdue_days: number;
  explanation: string;
};

/** A run's at-risk, lapsed and rising lists: customers best first, position 1 … (0007). */
export type PredictionListTable = {
  workspace_id: string;
  run_id: string;
  list: string; // 'at_risk' | 'lapsed' | 'rising'
  position: number;
  customer_id: string;
};

export type AnalyticsSettingsTable = {
  workspace_id: string;
  monthly_discount_rate: number;
  updated_at: string;
};
// --- end analytics ---

/** A pair of customers someone said are different people (0008); customer_a < customer_b. */
export type DuplicateDismissalTable = {
  workspace_id: string;
  customer_a: string;
  customer_b: string;
  dismissed_by: string;
  created_at: string;
};

/** A saved column mapping for generic CSV files (0009); columns: JSON object { column name: field | 'ignore' }. */
export type ImportMappingTable = {
  workspace_id: string;
  id: string;
  name: string;
  header_key: string;
  columns: string;
  created_by: string;
  created_at: string;
  updated_at: string;
};

// --- outreach (0016) ---
export type OutreachSettingsTable = {
  workspace_id: string;
  from_email: string | null;
  from_name: string | null;
  reply_to: string | null;
  quiet_start: string; // 'HH:MM' in the workspace zone
  quiet_end: string;
  rate_per_minute: number;
  sms_provider: string | null; // 'twilio'
  sms_config: string | null; // sealed JSON
  whatsapp_config: string | null; // sealed JSON
  updated_at: string;
};

export type ConsentTable = {
  workspace_id: string;
  customer_id: string;
  channel: string; // 'email' | 'sms' | 'whatsapp'
  purpose: string; // 'marketing' | 'service'
  granted: number;
  source: string;
  text_shown: string | null;
  proof: string | null;
  at: string;
  actor: string;
};

export type SuppressionTable = {
  workspace_id: string;
  channel: string;
  address: string; // lower-case email or E.164
  scope: 'marketing' | 'all';
  reason: string; // unsubscribe | hard_bounce | complaint | stop | invalid_address | opted_out | manual
  source: string | null;
  created_at: string;
};

export type MessageTemplateTable = {
  workspace_id: string;
  id: string;
  name: string;
  channel: string;
  purpose: string;
  subject: string | null;
  body: string;
  whatsapp_template: string | null; // JSON { name, language }
  archived_at: string | null;
  created_at: string;
  updated_at: string;
};

export type CampaignTable = {
  workspace_id: string;
  id: string;
  name: string;
  channel: string;
  purpose: string;
  template_id: string | null;
  subject: string | null;
  body: string;
  whatsapp_template: string | null;
  audience: string; // JSON
  /** Share of the eligible customers kept back at random (never messaged) to measure the effect. */
  holdout_percent: number;
  /** 'defection': the message carries a link to the "why did you stop?" survey ({{ survey_url }}). */
  survey: string | null;
  status: 'draft' | 'queuing' | 'sending' | 'done' | 'cancelled';
  queued: number;
  excluded: string | null; // JSON counts by reason
  created_by: string;
  created_at: string;
  sent_at: string | null;
  queued_at: string | null;
};

export type MessageStatus =
  | 'queued'
  | 'claimed'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'bounced'
  | 'failed'
  | 'skipped'
  | 'uncertain'
  | 'cancelled';

/** A returned mail acted on (0028): a bounce, a delay, a spam complaint, a mailto unsubscribe; once per report_key. */
export type InboundReportTable = {
  workspace_id: string;
  report_key: string;
  kind: 'bounce' | 'delay' | 'complaint' | 'unsubscribe';
  message_id: string | null;
  address: string | null;
  status: string | null;
  diagnostic: string | null;
  received_at: string;
};

export type MessageTable = {
  workspace_id: string;
  id: string;
  dedupe_key: string;
  campaign_id: string | null;
  customer_id: string | null;
  channel: string;
  purpose: string;
  to_address: string | null;
  subject: string | null;
  body: string | null;
  /** JSON { html, headers } of an email filled in when queued (its unsubscribe link is not stored in clear). */
  extra: string | null;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: string;
  locked_by: string | null;
  locked_until: string | null;
  provider_id: string | null;
  error_code: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  clicked_at: string | null;
};

export type PublicTokenTable = {
  token_hash: string;
  workspace_id: string;
  purpose: string; // 'message' (unsubscribe + preferences) | …
  customer_id: string | null;
  message_id: string | null;
  channel: string | null;
  address: string | null;
  expires_at: string;
  used_at: string | null;
  created_at: string;
};

/** An answer to a survey sent by link (0017): one per link. */
export type SurveyAnswerTable = {
  workspace_id: string;
  id: string;
  token_hash: string;
  kind: string; // 'defection' | 'nps'
  customer_id: string | null;
  campaign_id: string | null;
  message_id: string | null;
  reason: string | null;
  /** NPS: 0–10. */
  score: number | null;
  /** NPS: the staff member who served them (the complaint's owner, the user who recorded the sale). */
  staff_id: string | null;
  text: string | null;
  may_contact: number | null;
  complaint_id: string | null;
  created_at: string;
};

export type RetentionSettingsTable = {
  workspace_id: string;
  nps_enabled: number;
  nps_channel: string;
  nps_every_days: number;
  nps_delay_hours: number;
  review_url: string | null;
  not_contacted_days: number;
  updated_at: string;
};

export type ReviewTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  platform: string;
  stars: number | null;
  text: string | null;
  url: string | null;
  reviewed_on: string;
  created_by: string;
  created_at: string;
};

/** A promise made to a customer (migration 0018). due_at is a UTC instant; all-day ones keep their local due_date. */
export type PromiseTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  owner_id: string; // a user
  created_by: string; // actor: 'user:<id>' | 'apikey:<id>' | ...
  what: string;
  due_at: string;
  all_day: number; // 1: due at the end of due_date in the workspace zone
  due_date: string | null; // 'YYYY-MM-DD' local date of an all-day promise
  source_kind: 'call' | 'complaint' | 'enquiry' | 'note' | null;
  source_id: string | null;
  status: 'open' | 'kept' | 'broken' | 'cancelled';
  kept_at: string | null;
  kept_late: number | null; // 0 kept on time, 1 kept after due_at
  broken_at: string | null;
  cancelled_at: string | null;
  closed_by: string | null;
  reschedules: number;
  late_notice_message_id: string | null;
  reminded_at: string | null;
  created_at: string;
  updated_at: string;
};

/** An agenda item hidden for one person until a time (migration 0018). */
export type AgendaSnoozeTable = {
  workspace_id: string;
  user_id: string;
  item_key: string;
  until: string;
  reason: string;
  created_at: string;
};

/** One secret iCalendar feed per staff member, the token stored as its SHA-256 hash (migration 0018). */
export type CalendarFeedTable = {
  workspace_id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
};

/** A webhook endpoint (0022): `events` is a JSON array of event names (empty = all); secrets are sealed. */
export type WebhookEndpointTable = {
  workspace_id: string;
  id: string;
  url: string;
  description: string | null;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: string | null;
  start_id: string;
  cursor: string;
  gone_count: number;
  created_by: string;
  created_at: string;
  updated_at: string;
};

/** One event for one endpoint (0022): status 'pending' | 'sending' | 'delivered' | 'failed' (the dead letters). */
export type WebhookDeliveryTable = {
  workspace_id: string;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  window_start: string;
  lease_owner: string | null;
  lease_until: string | null;
  response_status: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
};

/** Phone systems of a workspace (0023): Twilio Voice credentials and the PBX URL secret, sealed. */
export type PhoneSettingsTable = {
  workspace_id: string;
  twilio_config: string | null;
  forward_to: string | null;
  pbx_secret: string;
  updated_at: string;
};

/** A call a phone system told us about (0023), keyed by its own call id per source. */
export type PhoneCallTable = {
  workspace_id: string;
  id: string;
  source: string;
  external_id: string;
  interaction_id: string | null;
  customer_id: string | null;
  from_number: string;
  to_number: string | null;
  direction: 'inbound' | 'outbound';
  status: 'ringing' | 'answered' | 'missed';
  duration_s: number | null;
  started_at: string;
  ended_at: string | null;
  follow_up: 'open' | 'called_back' | 'dismissed' | null;
  follow_up_at: string | null;
  follow_up_by: string | null;
};

/** The owner's target for a scorecard figure (0021). */
/** Scheduled backups (0025). */
export type BackupSettingsTable = {
  workspace_id: string;
  enabled: number;
  hour: number;
  keep: number;
  folder: string;
  updated_at: string;
};
export type BackupRunTable = {
  workspace_id: string;
  id: string;
  trigger: 'schedule' | 'manual';
  status: 'running' | 'ok' | 'failed' | 'pruned';
  folder: string;
  file_name: string;
  size_bytes: number | string | null;
  verified: number;
  rows: string | null;
  reason: string | null;
  started_at: string;
  finished_at: string | null;
};

/** A refit's co-purchase table (0026): evaluation and popularity list as JSON text. */
export type SuggestionRunTable = {
  workspace_id: string;
  id: string;
  as_of: string;
  evaluation: string;
  /** JSON [[item key, name, decayed customers], …], most popular first. */
  popular: string;
  items: number;
  timings: string;
  created_at: string;
};
/** One item's top neighbours in a run: JSON [[item key, name, score, customers who bought both], …]. */
export type SuggestionNeighbourTable = {
  workspace_id: string;
  run_id: string;
  item_key: string;
  name: string;
  neighbours: string;
};
/** The owner's rates for profitability (0026). */
export type GrowSettingsTable = {
  workspace_id: string;
  default_margin: number;
  complaint_minutes: number;
  hourly_rate: Money;
  updated_by: string;
  updated_at: string;
};

export type ScorecardTargetTable = {
  workspace_id: string;
  metric: string;
  target: number;
  updated_by: string;
  updated_at: string;
};

/** Occasions and events (0020). The greeting per occasion kind ('birthday' | 'anniversary' | 'custom'). */
export type OccasionSettingsTable = {
  workspace_id: string;
  kind: string;
  enabled: number;
  template_id: string | null;
  channel: string;
  /** Local hour (0–23) from which the day's greetings are queued. */
  hour: number;
  updated_at: string;
};
export type CustomerOccasionTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  label: string;
  /** YYYY-MM-DD, or --MM-DD when the year is unknown. */
  date: string;
  yearly: number;
  created_at: string;
};
export type EventTable = {
  workspace_id: string;
  id: string;
  title: string;
  /** Local wall-clock start in the workspace zone: YYYY-MM-DDTHH:mm. */
  starts_local: string;
  starts_at: string;
  duration_minutes: number;
  location: string | null;
  description: string | null;
  capacity: number | null;
  /** Seats of the yes answers (each yes and its guests). */
  seats_taken: number;
  status: string; // 'scheduled' | 'cancelled'
  /** iCalendar SEQUENCE: bumped on each change. */
  sequence: number;
  public_token: string;
  created_by: string;
  created_at: string;
  updated_at: string;
};
export type EventInvitationTable = {
  workspace_id: string;
  id: string;
  event_id: string;
  customer_id: string;
  token_hash: string;
  answer: string; // 'pending' | 'yes' | 'no'
  guests: number;
  seats: number;
  answered_at: string | null;
  channel: string;
  message_id: string | null;
  checked_in_at: string | null;
  checked_in_by: string | null;
  created_at: string;
};
/** Reward and delight (0019): points, tiers, vouchers, the most valued. Money and points read with Number(). */
export type LoyaltySettingsTable = { workspace_id: string; rules: string; updated_at: string };
export type LoyaltyAccountTable = {
  workspace_id: string;
  customer_id: string;
  balance: Money;
  tier: string | null;
  tier_since: string | null;
  updated_at: string;
};
export type LoyaltyEntryTable = {
  workspace_id: string;
  id: string;
  customer_id: string;
  points: Money;
  /** Account the points leave and the account they reach: 'customer' is the customer's balance. */
  debit: string;
  credit: string;
  reason: string;
  source_kind: string;
  source_id: string;
  order_id: string | null;
  note: string | null;
  at: string;
  created_at: string;
};
export type VoucherTable = {
  workspace_id: string;
  id: string;
  code_hash: string;
  code_hint: string;
  kind: 'amount' | 'percent';
  value: Money | null;
  percent: number | null;
  currency: string;
  mode: 'once' | 'balance';
  remaining: Money | null;
  status: 'active' | 'used' | 'void';
  expires_at: string | null;
  customer_id: string | null;
  source: 'manual' | 'campaign' | 'reward';
  note: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
};
export type VoucherRedemptionTable = {
  workspace_id: string;
  id: string;
  voucher_id: string;
  amount: Money | null;
  customer_id: string | null;
  order_id: string | null;
  created_by: string | null;
  at: string;
};
export type ValuedCustomerTable = {
  workspace_id: string;
  customer_id: string;
  owner_id: string | null;
  perks: string | null;
  source: 'predicted' | 'chosen';
  alert_days: number;
  added_at: string;
  updated_at: string;
};

export type ErasureTable = {
  workspace_id: string;
  customer_id: string; // the erased customer's old id (random; no personal data)
  reason: string;
  erased_by: string;
  erased_at: string;
  counts: string; // JSON: rows removed or anonymised per table
};

export type ErasedIdentityTable = {
  workspace_id: string;
  kind: 'phone' | 'email';
  hash: string;
  customer_id: string;
  erased_at: string;
};

/** 0027: one short public referral code per customer (unique across workspaces). */
export type ReferralCodeTable = {
  workspace_id: string;
  customer_id: string;
  code: string;
  created_at: string;
};
/** 0027: who referred whom, one row per referred customer. */
export type ReferralTable = {
  workspace_id: string;
  referred_id: string;
  referrer_id: string;
  source: 'created' | 'link' | 'later';
  created_by: string;
  created_at: string;
  rewarded_at: string | null;
  reward_ref: string | null;
};
/** 0027: the referrer's reward per workspace. */
export type ReferralSettingsTable = { workspace_id: string; reward_points: number; updated_at: string };
/** 0027: what a business customer offers and needs (JSON arrays of normalised keywords). */
export type BusinessProfileTable = {
  workspace_id: string;
  customer_id: string;
  offers: string;
  needs: string;
  note: string | null;
  updated_at: string;
};
/** 0027: two customers introduced, with both parties' consent. */
export type IntroductionTable = {
  workspace_id: string;
  id: string;
  pair_key: string;
  a_id: string;
  b_id: string;
  provider_id: string | null;
  reason: string;
  a_consent: 'asked' | 'yes' | 'no';
  b_consent: 'asked' | 'yes' | 'no';
  status: 'asked' | 'made' | 'declined';
  value: Money | null;
  made_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
};

export type Database = {
  workspaces: WorkspaceTable;
  users: UserTable;
  sessions: SessionTable;
  sign_in_attempts: SignInAttemptTable;
  api_keys: ApiKeyTable;
  customers: CustomerTable;
  customer_phones: CustomerPhoneTable;
  customer_emails: CustomerEmailTable;
  customer_tags: CustomerTagTable;
  customer_tokens: CustomerTokenTable;
  customer_vocab: CustomerVocabTable;
  interactions: InteractionTable;
  audit_log: AuditTable;
  orders: OrderTable;
  order_lines: OrderLineTable;
  products: ProductTable;
  order_refunds: OrderRefundTable;
  jobs: JobTable;
  customer_external_ids: CustomerExternalIdTable;
  import_runs: ImportRunTable;
  import_rejections: ImportRejectionTable;
  complaints: ComplaintTable; // 0004
  complaint_events: ComplaintEventTable; // 0004
  complaint_settings: ComplaintSettingsTable; // 0004
  enquiries: EnquiryTable; // 0004
  prediction_runs: PredictionRunTable; // 0006
  customer_predictions: CustomerPredictionTable; // 0006
  analytics_settings: AnalyticsSettingsTable; // 0006
  prediction_lists: PredictionListTable; // 0007
  duplicate_dismissals: DuplicateDismissalTable; // 0008
  import_mappings: ImportMappingTable; // 0009
  outreach_settings: OutreachSettingsTable; // 0016
  consents: ConsentTable; // 0016
  suppressions: SuppressionTable; // 0016
  message_templates: MessageTemplateTable; // 0016
  campaigns: CampaignTable; // 0016
  messages: MessageTable; // 0016
  public_tokens: PublicTokenTable; // 0016
  survey_answers: SurveyAnswerTable; // 0017
  retention_settings: RetentionSettingsTable; // 0017
  reviews: ReviewTable; // 0017
  promises: PromiseTable; // 0018
  agenda_snoozes: AgendaSnoozeTable; // 0018
  calendar_feeds: CalendarFeedTable; // 0018
  scorecard_targets: ScorecardTargetTable; // 0021
  webhook_endpoints: WebhookEndpointTable; // 0022
  webhook_deliveries: WebhookDeliveryTable; // 0022
  phone_settings: PhoneSettingsTable; // 0023
  phone_calls: PhoneCallTable; // 0023
  suggestion_runs: SuggestionRunTable; // 0026
  suggestion_neighbours: SuggestionNeighbourTable; // 0026
  grow_settings: GrowSettingsTable; // 0026
  occasion_settings: OccasionSettingsTable; // 0020
  customer_occasions: CustomerOccasionTable; // 0020
  events: EventTable; // 0020
  event_invitations: EventInvitationTable; // 0020
  loyalty_settings: LoyaltySettingsTable; // 0019
  loyalty_accounts: LoyaltyAccountTable; // 0019
  loyalty_entries: LoyaltyEntryTable; // 0019
  vouchers: VoucherTable; // 0019
  voucher_redemptions: VoucherRedemptionTable; // 0019
  valued_customers: ValuedCustomerTable; // 0019
  erasures: ErasureTable; // 0024
  erased_identities: ErasedIdentityTable; // 0024
  backup_settings: BackupSettingsTable; // 0025
  backup_runs: BackupRunTable; // 0025
  referral_codes: ReferralCodeTable; // 0027
  referrals: ReferralTable; // 0027
  referral_settings: ReferralSettingsTable; // 0027
  business_profiles: BusinessProfileTable; // 0027
  introductions: IntroductionTable; // 0027
  inbound_reports: InboundReportTable; // 0028
};
