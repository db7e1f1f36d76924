export {
  createImportService,
  type ImportService,
  type ImportOptions,
  type ImportResult,
} from './imports.service.ts';
export { PRESETS, detectPreset } from './presets/index.ts';
export type { ImportCounts, ImportRun } from './imports.repository.ts';
export { registerImportRoutes, type StartImport } from './imports.routes.ts';
export { recoverImports, INTERRUPTED_NO_UPLOAD } from './recovery.ts';
export { money as readMoney } from './values.ts';
