export { createExportService, type ExportService, CUSTOMER_COLUMNS, exportCsv } from './exports.service.ts';
export { registerExportRoutes } from './exports.routes.ts';
