import { getCountries, type CountryCode } from 'libphonenumber-js/max';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isMoneyCurrency } from '../../platform/values.ts';

const countries = new Set<string>(getCountries());

export const timezoneSchema = z
  .string()
  .refine((v) => IANAZone.isValidZone(v), {
    message: 'Not an IANA time zone (e.g. Africa/Lagos, Europe/London)',
  })
  .meta({ example: 'Africa/Lagos' });
export const currencySchema = z
  .string()
  .transform((v) => v.toUpperCase())
  .refine(isMoneyCurrency, { message: 'Not an ISO 4217 currency of money (e.g. NGN, USD, EUR)' })
  .meta({ example: 'NGN' });
export const regionSchema = z
  .string()
  .transform((v) => v.toUpperCase())
  .refine((v): v is CountryCode => countries.has(v), {
    message: 'Not an ISO 3166 alpha-2 region with phone numbering (e.g. NG, US, GB)',
  })
  .meta({ example: 'NG' });

export const workspaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timezone: z.string(),
    currency: z.string(),
    region: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Workspace' });
export type Workspace = z.infer<typeof workspaceSchema>;

export const createWorkspaceSchema = z.object({
  name: z.string().trim().min(1).max(200),
  timezone: timezoneSchema,
  currency: currencySchema,
  region: regionSchema,
});
export type CreateWorkspaceInput = z.input<typeof createWorkspaceSchema>;

export const updateWorkspaceSchema = createWorkspaceSchema.partial();
