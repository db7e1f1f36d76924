export { BACKUP_JOB, createBackupService, PG_BACKUP_HELP, type BackupService } from './backups.service.ts';
export { registerBackupRoutes } from './backups.routes.ts';
