/*
 * The kamaji plugin on the real fleet service, watching the example fleet seeded into real API
 * servers (central + two islands). Response bodies are validated against openapi.yaml
 * (kamaji.api.validateResponses): a body that drifts from the spec answers 500 and fails here.
 */
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { LocalControlPlane } from '@internal/test-kube';
import {
  FleetSnapshot,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { startSeededFleetBackend } from './__testUtils__/seededFleetBackend';
import {
  CREDENTIAL_PATTERN,
  CapturingLogger,
} from './__testUtils__/startKamajiTestBackend';
import { USERS } from './__testUtils__/testPermissions';

jest.setTimeout(300_000);

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('the fleet API on the real fleet service and the seeded example fleet', () => {
  let plane: LocalControlPlane;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const logger = new CapturingLogger();
  const bodies: string[] = [];

  const get = async (path: string, user: string = USERS.pat) => {
    const res = await request(backend.server)
      .get(`/api/kamaji${path}`)
      .set(as(user));
    bodies.push(res.text);
    return res;
  };

  const fleetOf = async (user: string): Promise<FleetSnapshot> =>
    (await get('/v1/fleet?limit=1000', user)).body;

  beforeAll(async () => {
    ({ plane, backend } = await startSeededFleetBackend({ logger }));
    // Wait for the watchers: the example fleet has islands and tenants on both.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const fleet = await fleetOf(USERS.pat);
      const islandIds = new Set((fleet.tenants ?? []).map(t => t.islandId));
      if (islandIds.size >= 2 && fleet.islands?.length >= 2) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the fleet did not load: ${JSON.stringify(fleet).slice(0, 500)}`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await plane?.stop();
  });

  it('answers every read route within the spec, for the platform team and an application team', async () => {
    const all = await fleetOf(USERS.pat);
    expect(all.tenants.length).toBeGreaterThan(3);
    const paths = [
      '/v1/fleet',
      '/v1/fleet?limit=2&offset=1',
      '/v1/fleet?role=island',
      '/v1/fleet?health=healthy&health=degraded',
      '/v1/fleet?q=lyon',
      '/v1/fleet?version=v1.34',
      '/v1/audit',
      `/v1/clusters/by-id?id=${encodeURIComponent(
        all.managementClusters[0].id,
      )}`,
    ];
    for (const c of [...all.islands, ...all.tenants]) {
      paths.push(`/v1/clusters/by-id?id=${encodeURIComponent(c.id)}`);
      if (c.namespace && (c.role === 'island' || (c as TenantNode).managed)) {
        paths.push(
          `/v1/clusters/${c.managementCluster}/${c.namespace}/${c.name}`,
        );
      }
    }
    for (const i of all.islands) {
      paths.push(`/v1/islands/${i.managementCluster}/${i.namespace}/${i.name}`);
    }
    const seen: Array<[string, string, number]> = [];
    for (const user of [USERS.pat, USERS.alice, USERS.bob]) {
      for (const path of paths) {
        seen.push([path, user, (await get(path, user)).status]);
      }
    }
    // Never a 500 (a body outside the spec would be one). The platform team reads everything;
    // the teams get 404 for clusters they may not see and their clusters' part of the audit trail.
    const unexpected = seen.filter(([_path, user, status]) => {
      if (user === USERS.pat) return status !== 200;
      return status !== 200 && status !== 404;
    });
    expect(unexpected).toEqual([]);
    expect(
      seen.filter(([, user, s]) => user !== USERS.pat && s === 200).length,
    ).toBeGreaterThan(10);
  });

  it('shows each application team only its own tenants', async () => {
    const all = await fleetOf(USERS.pat);
    for (const [user, group] of [
      [USERS.alice, 'group:default/team-retail'],
      [USERS.bob, 'group:default/team-factory'],
    ]) {
      const mine = await fleetOf(user);
      expect(mine.tenants.map(t => t.id).sort()).toEqual(
        all.tenants
          .filter(t => t.owner === group)
          .map(t => t.id)
          .sort(),
      );
      for (const island of mine.islands) {
        for (const id of island.tenantIds) {
          expect(mine.tenants.map(t => t.id)).toContain(id);
        }
      }
      // Not by name either: addon sets and islands roll their health up over what it may see.
      const text = JSON.stringify(mine);
      const named = all.tenants
        .filter(t => t.owner !== group && text.includes(t.name))
        .map(t => t.name);
      expect(named).toEqual([]);
    }
  });

  it('upgrades a tenant and streams the change', async () => {
    const all = await fleetOf(USERS.pat);
    const target = all.tenants.find(
      t =>
        t.managed &&
        t.controlPlane.tenantControlPlane?.status === 'Ready' &&
        t.versions.declared === 'v1.34.2',
    )!;
    expect(target).toBeDefined();

    const port = (backend.server.address() as AddressInfo).port;
    let raw = '';
    const stream = http.get({
      host: '127.0.0.1',
      port,
      path: `/api/kamaji/v1/events?since=${all.version}`,
      headers: as(USERS.pat),
    });
    stream.on('response', res => {
      res.setEncoding('utf8');
      res.on('data', chunk => (raw += chunk));
    });
    try {
      const res = await request(backend.server)
        .post(
          `/api/kamaji/v1/clusters/${target.managementCluster}/${target.namespace}/${target.name}/upgrade`,
        )
        .set(as(USERS.pat))
        .send({ version: 'v1.35.0', workers: true });
      bodies.push(res.text);
      expect(res.status).toBe(200);
      expect(res.body.controlPlane).toMatchObject({
        from: 'v1.34.2',
        to: 'v1.35.0',
      });

      const deadline = Date.now() + 30_000;
      const upgraded = () =>
        raw
          .split('\n\n')
          .filter(b => b.startsWith('event: delta'))
          .map(b => JSON.parse(b.slice(b.indexOf('data: ') + 6)))
          .some(d =>
            d.upserted.some(
              (c: any) =>
                c.id === target.id && c.versions.declared === 'v1.35.0',
            ),
          );
      while (!upgraded() && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 200));
      }
      expect(upgraded()).toBe(true);
      const after = await get(
        `/v1/clusters/by-id?id=${encodeURIComponent(target.id)}`,
      );
      expect(after.body.versions.declared).toBe('v1.35.0');
    } finally {
      stream.destroy();
    }
  });

  it('never shows credential material', () => {
    for (const text of [...bodies, ...logger.lines]) {
      expect(text).not.toMatch(CREDENTIAL_PATTERN);
    }
  });
});
