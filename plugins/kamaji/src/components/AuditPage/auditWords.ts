import type { AuditEvent } from '@kamaji-backstage/plugin-kamaji-common';

const text = (v: unknown) =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

/** What a record says was asked, in a few words ("scale berlin-pos-tills to 3"). */
export function describeRequest(event: AuditEvent): string {
  const r = event.request ?? {};
  switch (event.action) {
    case 'create': {
      const via = [
        text(r.template) && `template ${r.template}`,
        text(r.taskId) && `task ${r.taskId}`,
      ].filter(Boolean);
      return `create ${text(r.kind) ?? 'cluster'}${
        via.length ? ` (${via.join(', ')})` : ''
      }`;
    }
    case 'upgrade':
      if (text(r.planId)) return `upgrade plan ${r.planId}: ${text(r.step)}`;
      return `upgrade to ${text(r.version) ?? '?'}${
        r.workers ? ' (with worker pools)' : ''
      }`;
    case 'scale':
      return `scale ${text(r.pool) ?? '?'} to ${text(r.replicas) ?? '?'}`;
    case 'delete':
      return 'delete';
    default:
      return event.action;
  }
}

/** The objects a create wrote, if the record lists them. */
export function objectsOf(event: AuditEvent): string[] {
  const objects = event.details?.objects;
  return Array.isArray(objects) ? objects.map(String) : [];
}

/** "denied (403)", "failure (503)", "success". */
export function describeOutcome(event: AuditEvent): string {
  return event.result === 'success'
    ? 'success'
    : `${event.result} (${event.status})`;
}
