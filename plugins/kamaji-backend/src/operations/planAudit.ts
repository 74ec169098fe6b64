import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { AuditStore } from '../database/AuditStore';

export interface PlanAuditEvent {
  actor: string;
  actorType: 'user' | 'service';
  /** A cluster id for a step, `upgrade-plan/<id>` for the plan itself. */
  target: string;
  planId: string;
  what: string;
  result: 'success' | 'failure' | 'denied';
  status: number;
  message?: string;
  details?: Record<string, unknown>;
}

/**
 * The one place fleet upgrade plans write the audit trail (plan changes by users, each step of
 * the runner), as `upgrade` records of the audit store and `upgrade-plan` events of the auditor
 * service (when given). A failure to write is logged, not thrown.
 */
export function planAuditor(
  auditStore: AuditStore,
  logger: LoggerService,
  auditor?: AuditorService,
) {
  return async (event: PlanAuditEvent): Promise<void> => {
    try {
      const auditorEvent = await auditor?.createEvent({
        eventId: 'upgrade-plan',
        severityLevel: 'medium',
        meta: {
          actor: event.actor,
          target: event.target,
          planId: event.planId,
          step: event.what,
          status: event.status,
        },
      });
      if (event.result === 'success') await auditorEvent?.success();
      else
        await auditorEvent?.fail({
          error: new Error(event.message ?? event.result),
        });
      await auditStore.record({
        occurredAt: new Date().toISOString(),
        actor: event.actor,
        actorType: event.actorType,
        action: 'upgrade',
        target: event.target,
        request: { planId: event.planId, step: event.what },
        result: event.result,
        status: event.status,
        message: event.message,
        details: event.details,
      });
    } catch (e) {
      logger.error(
        `could not write the audit trail for plan ${event.planId} (${
          event.what
        }): ${(e as Error).message}`,
      );
    }
  };
}

export type PlanAudit = ReturnType<typeof planAuditor>;
