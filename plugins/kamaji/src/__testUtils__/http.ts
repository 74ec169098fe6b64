/**
 * The HTTP side of the frontend tests: where msw serves the kamaji backend, a real
 * `KamajiClient` pointed at it, and error bodies in the shape Backstage backends send.
 */
import { compactFleetResponse } from '@kamaji-backstage/plugin-kamaji-common';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KamajiClient } from '../api/KamajiClient';
import type { FleetResponse } from '../api/types';

export const BASE = 'http://backstage.test/api/kamaji';

export function testClient(): KamajiClient {
  return new KamajiClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: (input: any, init?: RequestInit) => fetch(input, init) },
  });
}

/** `GET /v1/fleet/snapshot` answering `fleet`: its tenants in the compact form the backend sends. */
export function snapshotResponse(fleet: FleetResponse) {
  return HttpResponse.json(compactFleetResponse(fleet));
}

/** A Backstage error response (`{ error: { name, message }, response: { statusCode } }`). */
export function backstageError(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'POST', url: '/' },
      response: { statusCode: status },
    },
    { status },
  );
}

/** Holds responses back until `release()`, so a test can see the loading state. */
export function gate() {
  let release!: () => void;
  const opened = new Promise<void>(resolve => {
    release = resolve;
  });
  return { wait: () => opened, release };
}

/** An msw server for one test file: unhandled requests fail the test, handlers reset per test. */
export function setupKamajiServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
