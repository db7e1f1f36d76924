/**
 * The Rapport fields a column of a generic CSV can be read as, with the column names the generic preset
 * recognises for each (case, spaces and punctuation ignored). A saved mapping names these ids.
 */
export const FIELDS = [
  { id: 'name', label: 'Full name', aliases: ['name', 'full name', 'customer name', 'contact name'] },
  { id: 'firstName', label: 'First name', aliases: ['first name', 'firstname', 'given name'] },
  { id: 'lastName', label: 'Last name', aliases: ['last name', 'lastname', 'surname', 'family name'] },
  { id: 'company', label: 'Company', aliases: ['company', 'company name', 'organization', 'business'] },
  { id: 'jobTitle', label: 'Job title', aliases: ['job title', 'title', 'position'] },
  { id: 'phone', label: 'Phone', aliases: ['phone', 'phone number', 'telephone', 'tel'] },
  { id: 'mobile', label: 'Mobile phone', aliases: ['mobile', 'mobile phone', 'cell'] },
  { id: 'workPhone', label: 'Work phone', aliases: ['work phone', 'business phone'] },
  { id: 'email', label: 'Email', aliases: ['email', 'e-mail', 'email address'] },
  {
    id: 'addressLine1',
    label: 'Address (street)',
    aliases: ['address', 'address1', 'street', 'address line 1'],
  },
  { id: 'addressLine2', label: 'Address line 2', aliases: ['address2', 'address line 2'] },
  { id: 'city', label: 'City', aliases: ['city', 'town'] },
  { id: 'region', label: 'State / region', aliases: ['state', 'province', 'region'] },
  { id: 'postalCode', label: 'Postcode / ZIP', aliases: ['zip', 'postcode', 'postal code'] },
  { id: 'country', label: 'Country', aliases: ['country'] },
  { id: 'birthday', label: 'Birthday', aliases: ['birthday', 'date of birth', 'dob'] },
  { id: 'anniversary', label: 'Anniversary', aliases: ['anniversary'] },
  { id: 'tags', label: 'Tags', aliases: ['tags', 'labels', 'groups'] },
  { id: 'notes', label: 'Notes', aliases: ['notes', 'note', 'needs', 'preferences'] },
  {
    id: 'marketingConsent',
    label: 'Accepts marketing (yes/no)',
    aliases: ['accepts marketing', 'marketing', 'newsletter', 'opt in'],
  },
  {
    id: 'externalId',
    label: 'Customer id in the other system',
    aliases: ['id', 'customer id', 'customer_id', 'customerid', 'external id', 'reference'],
  },
  // orders and their line items (a file with an order number or an order date is read as sales, one row per line)
  {
    id: 'orderNumber',
    label: 'Order / invoice number',
    aliases: [
      'order number',
      'order no',
      'order id',
      'invoice',
      'invoice no',
      'invoice number',
      'receipt number',
      'receipt no',
      'transaction id',
    ],
    group: 'order',
  },
  {
    id: 'orderDate',
    label: 'Order date',
    aliases: ['order date', 'invoice date', 'sale date', 'transaction date', 'date', 'created at'],
    group: 'order',
  },
  {
    id: 'sku',
    label: 'SKU / product code',
    aliases: ['sku', 'stock code', 'product code', 'item code'],
    group: 'line',
  },
  {
    id: 'product',
    label: 'Product / description',
    aliases: ['product', 'product name', 'item', 'item name', 'description', 'lineitem name'],
    group: 'line',
  },
  { id: 'category', label: 'Category', aliases: ['category', 'product category'], group: 'line' },
  { id: 'quantity', label: 'Quantity', aliases: ['quantity', 'qty'], group: 'line' },
  { id: 'unitPrice', label: 'Unit price', aliases: ['unit price', 'price', 'item price'], group: 'line' },
  { id: 'lineDiscount', label: 'Line discount', aliases: ['line discount', 'item discount'], group: 'line' },
  { id: 'discount', label: 'Order discount', aliases: ['discount', 'order discount'], group: 'order' },
  { id: 'tax', label: 'Tax', aliases: ['tax', 'vat', 'sales tax'], group: 'order' },
  { id: 'shipping', label: 'Shipping', aliases: ['shipping', 'delivery', 'shipping cost'], group: 'order' },
  {
    id: 'refunded',
    label: 'Refunded amount',
    aliases: ['refunded', 'refund', 'refund amount'],
    group: 'order',
  },
  { id: 'currency', label: 'Currency', aliases: ['currency'], group: 'order' },
  {
    id: 'orderType',
    label: 'Sale or refund/return',
    aliases: ['type', 'transaction type', 'event type', 'order type'],
    group: 'order',
  },
  { id: 'channel', label: 'Channel', aliases: ['channel', 'source', 'sales channel'], group: 'order' },
  { id: 'location', label: 'Location / store', aliases: ['location', 'store', 'outlet'], group: 'order' },
] as const satisfies readonly {
  id: string;
  label: string;
  aliases: readonly string[];
  group?: 'order' | 'line';
}[];

export type FieldId = (typeof FIELDS)[number]['id'];
/** Fields of an order or of its line items: a mapping with any of orderNumber / orderDate imports orders. */
export const ORDER_FIELDS: ReadonlySet<FieldId> = new Set(
  FIELDS.flatMap((f) => ('group' in f ? [f.id] : [])),
);
/** What a column of a mapping is read as: a field, or nothing. */
export type ColumnTarget = FieldId | 'ignore';
export const FIELD_IDS: readonly FieldId[] = FIELDS.map((f) => f.id);
export const isTarget = (v: unknown): v is ColumnTarget => v === 'ignore' || FIELD_IDS.includes(v as FieldId);
export const aliasesOf = (id: FieldId): readonly string[] => FIELDS.find((f) => f.id === id)?.aliases ?? [];

/**
 * The cells of one row by field: `first` is the first non-empty value (single-valued fields), `all` every
 * non-empty value (phones, emails, tags and notes gather several columns).
 */
export type FieldValues = {
  first: (id: FieldId) => string | undefined;
  all: (id: FieldId) => string[];
};
