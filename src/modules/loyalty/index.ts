export { createLoyaltyService, type LoyaltyService } from './loyalty.service.ts';
export { createVoucherService, type VoucherService } from './vouchers.service.ts';
export { createValuedService, type ValuedService } from './valued.service.ts';
export { registerLoyaltyRoutes } from './loyalty.routes.ts';
export { CODE_ALPHABET, normalizeCode } from './code.ts';

/** The job that runs the reconciler for a workspace (after an import, nightly). */
export const LOYALTY_JOB = 'loyalty_sync';
