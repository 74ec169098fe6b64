/**
 * The HTTP side of the frontend tests: where msw serves the kamaji backend, a real
 * `KamajiClient` pointed at it, and error bodies in the shape Backstage backends send.
 */
import { compactFleetResponse } from '@kamaji-backstage/plugin-kamaji-common';
import { HttpResponse, type RequestHandler } from 'msw';
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

/**
 * An msw server for one test file; handlers added by a test are reset after it. A request no
 * handler answers fails the test it was made in (msw's own 'error' strategy only logs it, and the
 * component under test then shows an error state the test may not look at).
 */
export function setupKamajiServer(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  const unhandled: string[] = [];
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: request => {
        unhandled.push(`${request.method} ${request.url}`);
      },
    }),
  );
  const failOnUnhandled = () => {
    const requests = unhandled.splice(0);
    if (requests.length > 0) {
      throw new Error(
        `requests no msw handler answered: ${requests.join(', ')}`,
      );
    }
  };
  afterEach(() => {
    server.resetHandlers();
    failOnUnhandled();
  });
  afterAll(() => {
    server.close();
    failOnUnhandled();
  });
  return server;
}
