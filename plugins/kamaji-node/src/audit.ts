import { createServiceRef } from '@backstage/backend-plugin-api';
import { NewAuditEvent } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Writes the Kamaji audit trail (the table behind `GET /api/kamaji/v1/audit`) from other plugins'
 * modules, e.g. the scaffolder's create actions. Each call is one insert by the replica that made
 * the change; the caller also reports the event to its own plugin's auditor service.
 *
 * @public
 */
export interface KamajiAuditService {
  /** Writes one record. Rejects when it cannot be written; callers log that and go on. */
  record(event: NewAuditEvent): Promise<void>;
}

/**
 * The Kamaji audit trail, implemented by `@kamaji-backstage/plugin-kamaji-backend` (installed with
 * it) in the `kamaji` plugin's database.
 *
 * @public
 */
export const kamajiAuditServiceRef = createServiceRef<KamajiAuditService>({
  id: 'kamaji.audit',
  scope: 'root',
});
