export { createExportService, type ExportService, CUSTOMER_COLUMNS } from './exports.service.ts';
export { safeCell } from './csv-safe.ts';
export { registerExportRoutes } from './exports.routes.ts';
