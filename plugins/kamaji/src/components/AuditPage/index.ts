export { AuditPage, AuditContent } from './AuditPage';
