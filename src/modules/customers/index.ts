export { createCustomerService, type CustomerService, type CreateHook } from './customers.service.ts';
export { registerCustomerRoutes, customerIdParams } from './customers.routes.ts';
export {
  customerSchema,
  customerSummarySchema,
  calendarDateSchema,
  phoneSchema,
  pageOf,
  type Customer,
  type CustomerSummary,
} from './customers.schema.ts';
export { normalizePhone, phoneCandidates, normalizeEmail } from './phones.ts';
export type { CustomerUpsert, UpsertMatch, UpsertOutcome, UpsertResult } from './upsert.ts';
export { identityHash, type ErasedKind } from './erased.ts';
