/*
 * The REST API fuzzed from its OpenAPI spec, as users of different teams, a service and an
 * anonymous caller: every operation gets generated paths, queries, headers and bodies (mostly
 * what the spec accepts, sometimes what it does not). Every answer must be one the spec documents
 * for the operation, in its documented content type (responses are validated against their
 * schemas: `validateResponses`), never a server error, an error body with a message, no
 * credential material, and nothing of a cluster the caller may not see.
 *
 * KAMAJI_FUZZ_RUNS (requests per operation, default 100) and KAMAJI_FUZZ_SEED fuzz deeper or
 * elsewhere; the default seed keeps CI repeatable.
 */
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  expandFleetSnapshot,
  type FleetCluster,
  parseClusterId,
} from '@kamaji-backstage/plugin-kamaji-common';
import fc from 'fast-check';
import { parse } from 'yaml';
import { fixtureFleet } from './__testUtils__/fleetFixture';
import { InMemoryFleetService } from './__testUtils__/InMemoryFleetService';
import {
  arbitraryFor,
  junkText,
  resolveRef,
  Schema,
  validFor,
} from './__testUtils__/schemaArbitraries';
import {
  CREDENTIAL_PATTERN,
  startKamajiTestBackend,
} from './__testUtils__/startKamajiTestBackend';
import { GROUPS, USERS } from './__testUtils__/testPermissions';

jest.setTimeout(300_000);

const RUNS = Number(process.env.KAMAJI_FUZZ_RUNS ?? 100);
const SEED = Number(process.env.KAMAJI_FUZZ_SEED ?? 20261205);
const BASE = '/api/kamaji';

const spec: Schema = parse(
  readFileSync(join(__dirname, '../schema/openapi.yaml'), 'utf8'),
);

interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: Schema[];
  body?: Schema;
  responses: Record<string, Schema>;
}

const operations: Operation[] = Object.entries(
  spec.paths as Record<string, Schema>,
).flatMap(([path, item]) =>
  ['get', 'post', 'put', 'patch', 'delete']
    .filter(method => item[method])
    .map(method => {
      const operation = item[method];
      return {
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        parameters: [
          ...(item.parameters ?? []),
          ...(operation.parameters ?? []),
        ].map((p: Schema) => resolveRef(spec, p)),
        body: operation.requestBody
          ? resolveRef(spec, operation.requestBody).content?.[
              'application/json'
            ]?.schema
          : undefined,
        responses: Object.fromEntries(
          Object.entries(operation.responses as Record<string, Schema>).map(
            ([status, response]) => [status, resolveRef(spec, response)],
          ),
        ),
      };
    }),
);

const CALLERS = ['pat', 'alice', 'bob', 'eve', 'service', 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];

function authorization(caller: Caller): string {
  if (caller === 'service') return mockCredentials.service.header();
  if (caller === 'anonymous') return mockCredentials.none.header();
  return mockCredentials.user.header(USERS[caller]);
}

interface FuzzRequest {
  caller: Caller;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
}

const fleet = fixtureFleet();
const clusters: FleetCluster[] = [
  ...fleet.managementClusters,
  ...fleet.islands,
  ...fleet.tenants,
];
/** A CAPI-declared cluster's place: management cluster, namespace, name. */
type DeclaredPlace = [
  managementCluster: string,
  namespace: string,
  name: string,
];

function placeOf(cluster: FleetCluster): DeclaredPlace | undefined {
  const id = parseClusterId(cluster.id);
  return id?.kind === 'declared'
    ? [id.managementCluster, id.namespace, id.name]
    : undefined;
}

/** Every CAPI-declared cluster of the fixture. */
const declared = clusters
  .map(placeOf)
  .filter((p): p is DeclaredPlace => p !== undefined);

/**
 * The tenants a caller may not see, from the fixture's owners and the test permissions (the
 * platform team and services see everything, a user its groups' tenants).
 */
function hiddenTenants(caller: Caller): FleetCluster[] {
  if (caller === 'service') return [];
  const groups = caller === 'anonymous' ? [] : GROUPS[USERS[caller]];
  if (groups.includes('group:default/platform-team')) return [];
  return fleet.tenants.filter(t => !t.owner || !groups.includes(t.owner));
}

/** Ids of upgrade plans made before the fuzzing, so plan requests reach real plans. */
const planIds: string[] = [];

function knownValues(parameterName: string): string[] {
  if (['id', 'cluster', 'island'].includes(parameterName)) {
    return clusters.map(c => c.id);
  }
  return parameterName === 'planId' ? planIds : [];
}

/** The fuzzer's values of a parameter, with real ids where it names a cluster or a plan. */
function parameterArbitrary(parameter: Schema): fc.Arbitrary<unknown> {
  const generated = arbitraryFor(spec, parameter.schema);
  const known = knownValues(parameter.name);
  return known.length
    ? fc.oneof(fc.constantFrom(...known), generated)
    : generated;
}

/** A path segment as a client may send it: encoded, or (sometimes) raw. */
function segment(value: unknown): fc.Arbitrary<string> {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const raw = !/[/?#]/.test(text) && text !== '.' && text !== '..';
  return raw
    ? fc.constantFrom(encodeURIComponent(text), text)
    : fc.constant(encodeURIComponent(text));
}

function pathArbitrary(operation: Operation): fc.Arbitrary<string> {
  const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map(m => m[1]);
  if (!names.length) return fc.constant(operation.path);
  const generated = fc.tuple(
    ...names.map(name => {
      const parameter = operation.parameters.find(
        p => p.in === 'path' && p.name === name,
      )!;
      return parameterArbitrary(parameter).filter(
        v => v !== '' && v !== null && v !== '.' && v !== '..',
      );
    }),
  );
  const values = names.includes('managementCluster')
    ? fc.oneof(fc.constantFrom(...declared), generated)
    : generated;
  return values.chain(list =>
    fc
      .tuple(...list.map(segment))
      .map(segments =>
        names.reduce(
          (path, name, i) => path.replace(`{${name}}`, segments[i]),
          operation.path,
        ),
      ),
  );
}

/** An optional parameter: left out two times in three, so most requests name only a few. */
const sometimes = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: value },
  );

const asText = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value);

function queryArbitrary(operation: Operation): fc.Arbitrary<string> {
  const parameters = operation.parameters.filter(p => p.in === 'query');
  const entries = parameters.map(p =>
    (p.required ? parameterArbitrary(p) : sometimes(parameterArbitrary(p))).map(
      value => {
        if (value === undefined) return [];
        const values = Array.isArray(value) ? value : [value];
        return values.map(v => [p.name, asText(v)] as [string, string]);
      },
    ),
  );
  const unknown = fc.oneof(
    { weight: 9, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constant('unknownParameter'), junkText),
    },
  );
  return fc.tuple(fc.tuple(...entries), unknown).map(([lists, extra]) => {
    const query = new URLSearchParams([
      ...lists.flat(),
      ...(extra ? [extra] : []),
    ]).toString();
    return query ? `?${query}` : '';
  });
}

/** A header value fetch can send (visible ASCII), or none. */
const headerValue = (value: unknown) => {
  const text = asText(value);
  return /^[\x20-\x7e]*$/.test(text) ? text : undefined;
};

function headersArbitrary(operation: Operation) {
  const parameters = operation.parameters.filter(p => p.in === 'header');
  return fc
    .tuple(...parameters.map(p => sometimes(parameterArbitrary(p))))
    .map(values =>
      Object.fromEntries(
        parameters
          .map((p, i) => [
            p.name,
            values[i] === undefined ? undefined : headerValue(values[i]),
          ])
          .filter(([, value]) => value !== undefined),
      ),
    );
}

function bodyArbitrary(operation: Operation): fc.Arbitrary<string | undefined> {
  if (!operation.body) return fc.constant(undefined);
  return fc.oneof(
    {
      weight: 8,
      arbitrary: arbitraryFor(spec, operation.body).map(v => JSON.stringify(v)),
    },
    { weight: 1, arbitrary: fc.jsonValue().map(v => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', 'not json', '', '[]', 'null'),
    },
  );
}

function requestArbitrary(operation: Operation): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    caller: fc.constantFrom(...CALLERS),
    path: pathArbitrary(operation),
    query: queryArbitrary(operation),
    headers: headersArbitrary(operation),
    body: bodyArbitrary(operation),
  });
}

interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

describe('the REST API, fuzzed from its OpenAPI spec', () => {
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  let origin: string;

  async function send(
    request: FuzzRequest,
    method: string,
  ): Promise<FuzzResponse> {
    const controller = new AbortController();
    const response = await fetch(
      `${origin}${BASE}${request.path}${request.query}`,
      {
        method,
        headers: {
          ...request.headers,
          Authorization: authorization(request.caller),
          ...(request.body === undefined
            ? {}
            : { 'Content-Type': 'application/json' }),
        },
        body: request.body,
        signal: controller.signal,
      },
    );
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, contentType, text: '' };
    }
    return {
      status: response.status,
      contentType,
      text: await response.text(),
    };
  }

  function problems(
    operation: Operation,
    request: FuzzRequest,
    response: FuzzResponse,
  ) {
    const found: string[] = [];
    const documented =
      operation.responses[String(response.status)] ??
      operation.responses.default;
    if (!documented) found.push(`status ${response.status} is not documented`);
    const types = Object.keys(documented?.content ?? {});
    if (types.length && !types.some(t => response.contentType.startsWith(t))) {
      found.push(
        `content type ${response.contentType} is not one of ${types.join(
          ', ',
        )}`,
      );
    }
    if (response.status >= 400) {
      let message: unknown;
      try {
        message = JSON.parse(response.text).error?.message;
      } catch {
        message = undefined;
      }
      if (typeof message !== 'string' || !message)
        found.push('error without a message');
    }
    if (CREDENTIAL_PATTERN.test(response.text))
      found.push('credential material');
    const asked = `${request.path}${request.query}${request.body ?? ''}`;
    for (const { name } of hiddenTenants(request.caller)) {
      if (response.text.includes(name) && !asked.includes(name)) {
        found.push(`shows ${name}, hidden from ${request.caller}`);
      }
    }
    return found;
  }

  beforeAll(async () => {
    backend = await startKamajiTestBackend({
      fleet: new InMemoryFleetService(fixtureFleet()),
    });
    origin = `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }`;
    for (const version of ['v1.35.2', 'v1.34.3']) {
      const created = await send(
        {
          caller: 'pat',
          path: '/v1/upgrade-plans',
          query: '',
          headers: {},
          body: JSON.stringify({ version }),
        },
        'POST',
      );
      if (created.status !== 201) {
        throw new Error(
          `could not make a plan: ${created.status} ${created.text}`,
        );
      }
      planIds.push(JSON.parse(created.text).id);
    }
  });

  afterAll(async () => {
    await backend?.backend.stop();
  });

  it.each(CALLERS.map(c => [c]))(
    'shows %s exactly the tenants it may see, in the whole-fleet snapshot',
    async caller => {
      const response = await send(
        { caller, path: '/v1/fleet/snapshot', query: '', headers: {} },
        'GET',
      );
      const shown =
        response.status === 200
          ? expandFleetSnapshot(JSON.parse(response.text)).tenants.map(
              t => t.name,
            )
          : [];
      const hidden = hiddenTenants(caller).map(t => t.name);
      expect(shown.sort()).toEqual(
        fleet.tenants
          .map(t => t.name)
          .filter(name => !hidden.includes(name))
          .sort(),
      );
    },
  );

  it.each(operations.map(o => [`${o.method} ${o.path}`, o] as const))(
    '%s',
    async (_name, operation) => {
      await expect(
        fc.assert(
          fc.asyncProperty(requestArbitrary(operation), async request => {
            const response = await send(request, operation.method);
            const found = problems(operation, request, response);
            if (found.length) {
              throw new Error(
                `${operation.method} ${request.path}${request.query} as ${request.caller} ` +
                  `(headers ${JSON.stringify(request.headers)}, body ${
                    request.body
                  }) → ` +
                  `${response.status}: ${found.join(
                    '; ',
                  )}\n${response.text.slice(0, 500)}`,
              );
            }
          }),
          { numRuns: RUNS, seed: SEED },
        ),
      ).resolves.toBeUndefined();
    },
  );

  /** Operations on one CAPI-declared cluster, by its path. */
  const clusterOperations = operations.filter(o =>
    o.path.startsWith('/v1/clusters/{managementCluster}'),
  );
  const restricted: Caller[] = ['alice', 'bob', 'eve'];

  /** One value the schema accepts (the same on every run). */
  const sampleOf = (schema: Schema) =>
    fc.sample(validFor(spec, schema), { numRuns: 1, seed: SEED })[0];

  /** A request of the operation for the cluster at `place`, with a valid body and query. */
  function requestFor(
    operation: Operation,
    caller: Caller,
    [managementCluster, namespace, name]: DeclaredPlace,
  ): FuzzRequest {
    const query = new URLSearchParams(
      operation.parameters
        .filter(p => p.in === 'query' && p.required)
        .map(p => [
          p.name,
          p.name === 'confirm' ? name : String(sampleOf(p.schema)),
        ]),
    ).toString();
    return {
      caller,
      path: operation.path
        .replace('{managementCluster}', managementCluster)
        .replace('{namespace}', namespace)
        .replace('{name}', name),
      query: query ? `?${query}` : '',
      headers: {},
      body: operation.body
        ? JSON.stringify(sampleOf(operation.body))
        : undefined,
    };
  }

  it.each(
    clusterOperations.flatMap(o =>
      restricted.map(c => [`${o.method} ${o.path}`, c, o] as const),
    ),
  )(
    '%s answers %s the same for a tenant it may not see as for one that does not exist',
    async (_name, caller, operation) => {
      for (const tenant of hiddenTenants(caller)) {
        const place = placeOf(tenant);
        if (!place) continue; // unmanaged: no CAPI-declared cluster path
        const hidden = place[2];
        const unknown = `${hidden}-none`;
        const [forHidden, forUnknown] = await Promise.all(
          [hidden, unknown].map(name =>
            send(
              requestFor(operation, caller, [place[0], place[1], name]),
              operation.method,
            ),
          ),
        );
        expect({
          status: forHidden.status,
          text: forHidden.text.split(hidden).join(unknown),
        }).toEqual({ status: forUnknown.status, text: forUnknown.text });
      }
    },
  );

  it('logs no credential material', () => {
    expect(
      backend.logger.lines.filter(l => CREDENTIAL_PATTERN.test(l)),
    ).toEqual([]);
  });
});
