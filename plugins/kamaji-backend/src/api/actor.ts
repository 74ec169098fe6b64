import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import express from 'express';

type UserOrService = BackstageUserPrincipal | BackstageServicePrincipal;

/** Who made a request, as the audit trail names them. */
export function actorOf(credentials: BackstageCredentials) {
  const p = credentials.principal as any;
  return p?.type === 'user'
    ? { actor: String(p.userEntityRef), actorType: 'user' as const }
    : { actor: String(p?.subject ?? 'unknown'), actorType: 'service' as const };
}

/** The credentials of the user or service calling the API, as Backstage's httpAuth reads them. */
export function callerCredentials(
  httpAuth: HttpAuthService,
  req: express.Request,
): Promise<BackstageCredentials<UserOrService>> {
  return httpAuth.credentials(req, { allow: ['user', 'service'] });
}
