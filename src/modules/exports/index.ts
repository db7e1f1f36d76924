export { createExportService, type ExportService, customerColumns, exportCsv } from './exports.service.ts';
export { registerExportRoutes } from './exports.routes.ts';
