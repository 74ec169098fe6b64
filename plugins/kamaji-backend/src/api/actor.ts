import { BackstageCredentials } from '@backstage/backend-plugin-api';

/** Who made a request, as the audit trail names them. */
export function actorOf(credentials: BackstageCredentials) {
  const p = credentials.principal as any;
  return p?.type === 'user'
    ? { actor: String(p.userEntityRef), actorType: 'user' as const }
    : { actor: String(p?.subject ?? 'unknown'), actorType: 'service' as const };
}
