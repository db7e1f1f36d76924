export { createPrivacyService, type PrivacyService, type CustomerExport } from './privacy.service.ts';
export { registerPrivacyRoutes } from './privacy.routes.ts';
export { DIRECT_TABLES, INDIRECT_TABLES, NOT_EXPORTED } from './privacy.tables.ts';
