import { z } from 'zod';
import { pastInstant, YEAR_MESSAGE, yearInRange } from '../../platform/values.ts';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** A calendar date, never an instant: 'YYYY-MM-DD', or '--MM-DD' when the year is unknown. */
export const calendarDateSchema = z
  .string()
  .regex(/^(\d{4}|-)-(\d{2})-(\d{2})$/, { message: 'Use YYYY-MM-DD, or --MM-DD when the year is unknown' })
  .refine(
    (v) => {
      const [y, m, d] = [v.slice(0, v.length - 6), Number(v.slice(-5, -3)), Number(v.slice(-2))];
      if (m < 1 || m > 12 || d < 1 || d > (DAYS_IN_MONTH[m - 1] ?? 0)) return false;
      if (y !== '-' && m === 2 && d === 29) {
        const year = Number(y);
        return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      }
      return true;
    },
    { message: 'Not a real calendar date' },
  )
  .refine(yearInRange, { message: YEAR_MESSAGE })
  .meta({ example: '1990-04-17' });

export const kindSchema = z.enum(['person', 'business']);
export const channelSchema = z.enum(['phone', 'sms', 'whatsapp', 'email', 'in_person', 'post']);

const phoneInput = z.object({
  number: z.string().trim().min(1, { message: 'Enter a phone number' }).max(50),
  label: z.string().trim().max(40).optional(),
});
const emailInput = z.object({
  address: z
    .string()
    .trim()
    .max(254)
    .pipe(z.email({ message: 'Not a valid email address' })),
  label: z.string().trim().max(40).optional(),
});
export const addressSchema = z
  .object({
    line1: z.string().trim().max(200).optional(),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().max(100).optional(),
    region: z.string().trim().max(100).optional(),
    postalCode: z.string().trim().max(20).optional(),
    country: z.string().trim().max(100).optional(),
  })
  .meta({ id: 'Address' });
const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[^,]+$/, { message: 'A tag cannot contain a comma' });
const customFieldValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const consentInput = z.object({
  marketing: z.boolean(),
  source: z.string().trim().max(200).optional(),
  at: pastInstant.optional(),
});

export const createCustomerSchema = z.object({
  kind: kindSchema.default('person'),
  name: z.string().trim().min(1, { message: 'A customer needs a name' }).max(200),
  businessId: z.string().max(100).nullable().optional().describe('For a person: the business they belong to'),
  jobTitle: z.string().trim().max(200).nullable().optional(),
  phones: z.array(phoneInput).max(20).default([]),
  emails: z.array(emailInput).max(20).default([]),
  address: addressSchema.nullable().optional(),
  birthday: calendarDateSchema.nullable().optional(),
  anniversary: calendarDateSchema.nullable().optional(),
  preferredChannel: channelSchema.nullable().optional(),
  needs: z
    .string()
    .max(5000)
    .nullable()
    .optional()
    .describe('What they need and prefer, in the staff’s words'),
  tags: z.array(tagSchema).max(50).default([]),
  customFields: z.record(z.string().max(100), customFieldValue).default({}),
  consent: consentInput.optional(),
  recreateErased: z
    .boolean()
    .optional()
    .describe(
      'Add the customer even though a phone or email belonged to an erased customer (they came back and asked to be a customer again)',
    ),
  referredBy: z
    .string()
    .max(100)
    .nullable()
    .optional()
    .describe('The id of the customer who sent them (recorded once as their referrer)'),
});
export type CreateCustomerInput = z.output<typeof createCustomerSchema>;

export const updateCustomerSchema = z.object({
  kind: kindSchema.optional(),
  name: createCustomerSchema.shape.name.optional(),
  businessId: createCustomerSchema.shape.businessId,
  jobTitle: createCustomerSchema.shape.jobTitle,
  phones: z.array(phoneInput).max(20).optional(),
  emails: z.array(emailInput).max(20).optional(),
  address: createCustomerSchema.shape.address,
  birthday: createCustomerSchema.shape.birthday,
  anniversary: createCustomerSchema.shape.anniversary,
  preferredChannel: createCustomerSchema.shape.preferredChannel,
  needs: createCustomerSchema.shape.needs,
  tags: z.array(tagSchema).max(50).optional(),
  customFields: z.record(z.string().max(100), customFieldValue).optional(),
  consent: consentInput.optional(),
});
export type UpdateCustomerInput = z.output<typeof updateCustomerSchema>;

export const phoneSchema = z
  .object({
    id: z.string(),
    number: z.string().describe('As typed'),
    e164: z.string().nullable().describe('Normalised with the workspace region; null when it cannot be read'),
    label: z.string().nullable(),
    valid: z.boolean().describe('False for a number that is not valid: kept and flagged, never dropped'),
  })
  .meta({ id: 'Phone' });
export const emailSchema = z
  .object({ id: z.string(), address: z.string(), label: z.string().nullable() })
  .meta({ id: 'Email' });
const customerRef = z.object({ id: z.string(), name: z.string(), jobTitle: z.string().nullable() });

export const customerSchema = z
  .object({
    id: z.string(),
    kind: kindSchema,
    name: z.string(),
    businessId: z.string().nullable(),
    business: customerRef.nullable(),
    people: z.array(customerRef).describe('For a business: its people'),
    jobTitle: z.string().nullable(),
    phones: z.array(phoneSchema),
    emails: z.array(emailSchema),
    address: addressSchema.nullable(),
    birthday: z.string().nullable(),
    anniversary: z.string().nullable(),
    preferredChannel: channelSchema.nullable(),
    needs: z.string().nullable(),
    tags: z.array(z.string()),
    customFields: z.record(z.string(), customFieldValue),
    consent: z.object({ marketing: z.boolean(), source: z.string().nullable(), at: z.string().nullable() }),
    lastInteractionAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof customerSchema>;

/** A row of a customer list: enough to show and pick. */
export const customerSummarySchema = customerSchema
  .pick({
    id: true,
    kind: true,
    name: true,
    businessId: true,
    jobTitle: true,
    tags: true,
    lastInteractionAt: true,
  })
  .extend({
    phone: z.string().nullable().describe('First phone, E.164 when valid'),
    email: z.string().nullable(),
  })
  .meta({ id: 'CustomerSummary' });
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const listCustomersQuery = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Name (typos forgiven), phone in any format, email, tag or company'),
  tag: z.string().trim().toLowerCase().max(50).optional(),
  kind: kindSchema.optional(),
  businessId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListCustomersQuery = z.output<typeof listCustomersQuery>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Two different customers of the workspace, in either order (duplicates: "these are different people"). */
export const customerPairSchema = z.object({
  customerIds: z
    .tuple([z.string().min(1).max(100), z.string().min(1).max(100)])
    .describe('The two customers of the pair, in either order'),
});
export const duplicateDismissalSchema = z
  .object({
    customers: z.array(customerSummarySchema).length(2),
    dismissedBy: z.string().describe('Who said they are different people (user:…, apikey:… or cli)'),
    dismissedAt: z.string(),
  })
  .meta({ id: 'DuplicateDismissal' });
