/**
 * Where every table that refers to a customer stands in a subject access export (issue 19, J4). A test reads the
 * schema of both databases and fails when a table with a customer column is in none of these lists.
 */

/** Tables with a `customer_id` column, exported row by row (the named columns are left out). */
export const DIRECT_TABLES: Record<string, { hide?: string[]; title: string }> = {
  customer_phones: { title: 'Phone numbers' },
  customer_emails: { title: 'Email addresses' },
  customer_tags: { title: 'Tags' },
  customer_external_ids: { title: 'Ids in other systems' },
  interactions: { title: 'Timeline (calls, notes, visits)' },
  orders: { title: 'Orders' },
  complaints: { title: 'Complaints' },
  enquiries: { title: 'Enquiries' },
  consents: { title: 'Consents' },
  messages: { title: 'Messages' },
  public_tokens: { title: 'Links sent (unsubscribe, preferences)', hide: ['token_hash'] },
  survey_answers: { title: 'Survey answers', hide: ['token_hash'] },
  reviews: { title: 'Reviews' },
  promises: { title: 'Promises made to them' },
  customer_occasions: { title: 'Occasions' },
  event_invitations: { title: 'Event invitations', hide: ['token_hash'] },
  customer_predictions: { title: 'Predictions (purchases expected, value, segment)' },
  prediction_lists: { title: 'Lists they are on (at risk, lapsed, rising)' },
  loyalty_accounts: { title: 'Points balance and tier' },
  loyalty_entries: { title: 'Points earned and spent' },
  vouchers: { title: 'Gift vouchers', hide: ['code_hash'] },
  voucher_redemptions: { title: 'Gift vouchers used' },
  valued_customers: { title: 'On the most valued list' },
  phone_calls: { title: 'Calls reported by the phone system' },
  referral_codes: { title: 'Their referral code' },
  business_profiles: { title: 'What their business offers and needs' },
};

/** Tables reached through another key (an order, a complaint, an address, an audit entity, a pair of customers). */
export const INDIRECT_TABLES: Record<string, string> = {
  order_lines: 'Order lines',
  order_refunds: 'Refunds and returns',
  complaint_events: 'Complaint history',
  suppressions: 'Addresses not to contact',
  audit_log: 'Changes recorded about them (consent history included)',
  duplicate_dismissals: 'Records said to be a different person',
};

/** Tables with a customer column left out of the export, and why. */
export const NOT_EXPORTED: Record<string, string> = {
  customer_tokens: 'the search index: the words of the name, already in the customer',
  erasures: 'written when a customer is erased; an erased customer has nothing left to export',
  erased_identities: 'hashes of erased customers’ phones and emails only',
};
