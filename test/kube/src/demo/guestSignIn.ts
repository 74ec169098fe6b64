/**
 * Signing in as a chosen catalog user with the guest provider: it signs in as
 * `auth.providers.guest.userEntityRef`, read at each sign-in from the config, which the backend
 * reloads when the config file changes. Used by the checks that act as users of different teams.
 */
import { writeFileSync } from 'node:fs';
import { waitFor } from '../fleet/fleetPlane';

export interface GuestRefresh {
  (): Promise<{ status: number; body: any }>;
}

/** Writes the config file that names the user the guest provider signs in as. */
export function writeGuestSignIn(configFile: string, userEntityRef: string) {
  writeFileSync(
    configFile,
    `auth: { providers: { guest: { userEntityRef: "${userEntityRef}" } } }\n`,
  );
}

/** A refresh of the guest session against a backend's base URL. */
export function guestRefreshAt(baseUrl: string): GuestRefresh {
  return async () => {
    const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  };
}

/**
 * How long after writing the sign-in config it is written again while the backend still signs in
 * someone else. Backstage's config file source listens for the next change only once it has
 * re-read the file, so a write that lands while it reads (the previous switch's) goes unseen.
 */
const REWRITE_AFTER_MS = 3000;

/**
 * A token of `userEntityRef`, once the backend has reloaded the sign-in config and the catalog
 * knows the user as a member of `group`.
 */
export async function guestSignIn(
  refresh: GuestRefresh,
  configFile: string,
  userEntityRef: string,
  group: string,
): Promise<string> {
  writeGuestSignIn(configFile, userEntityRef);
  let writtenAt = Date.now();
  const identity = await waitFor(
    `a sign-in as ${userEntityRef} of ${group} (the catalog has the user)`,
    async () => {
      if (Date.now() - writtenAt > REWRITE_AFTER_MS) {
        writeGuestSignIn(configFile, userEntityRef);
        writtenAt = Date.now();
      }
      const r = await refresh();
      const id = r.status === 200 && r.body.backstageIdentity;
      return (
        id?.identity?.userEntityRef === userEntityRef &&
        id.identity.ownershipEntityRefs.includes(group) &&
        id
      );
    },
    120_000,
    250,
  );
  return identity.token;
}
