export { recordAudit, listAudit, type AuditEntry } from './audit.repository.ts';
