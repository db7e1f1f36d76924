export { recordAudit, recordAudits, listAudit, type AuditEntry } from './audit.repository.ts';
