/*
 * The fleet snapshot under churn, on the real fleet service and real API servers: while tenants
 * are created and deleted in the management cluster, every read of GET /v1/fleet/snapshot (and
 * every paged read at a fixed version) is exactly the model at one version, as rebuilt from the
 * live-update deltas: no tenant is missing that the model held at that version, none is extra.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { LocalControlPlane } from '@internal/test-kube';
import {
  applyFleetDelta,
  expandFleetSnapshot,
  FleetSnapshotResponse,
  FLEET_KINDS,
  FleetDelta,
  FleetSnapshot,
} from '@kamaji-backstage/plugin-kamaji-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { startSeededFleetBackend } from './__testUtils__/seededFleetBackend';
import { at, clusterObject, kcpObject } from './__testUtils__/tenantObjects';
import { USERS } from './__testUtils__/testPermissions';

jest.setTimeout(300_000);

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const CHURN_MS = 12_000;
const tenantIds = (s: { tenants: Array<{ id: string }> }) =>
  s.tenants.map(t => t.id).sort();

describe('the fleet snapshot under churn (real API servers)', () => {
  let plane: LocalControlPlane;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: CustomObjectsApi;

  const get = (path: string, user: string = USERS.pat) =>
    request(backend.server).get(`/api/kamaji${path}`).set(as(user));
  const getSnapshot = async (user?: string) =>
    expandFleetSnapshot<FleetSnapshotResponse>(
      (await get('/v1/fleet/snapshot', user)).body,
    );

  beforeAll(async () => {
    ({ plane, backend } = await startSeededFleetBackend({
      kamaji: { fleet: { debounce: '20ms' } },
    }));
    api = plane.kubeConfig('central').makeApiClient(CustomObjectsApi);
    const deadline = Date.now() + 60_000;
    while ((await get('/v1/fleet/snapshot')).body.islands?.length < 1) {
      if (Date.now() > deadline) throw new Error('the fleet did not load');
      await new Promise(r => setTimeout(r, 300));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await plane?.stop();
  });

  /** Every delta from `since` on, as the live-update stream sends them. */
  function recordDeltas(since: number) {
    const deltas: FleetDelta[] = [];
    const port = (backend.server.address() as AddressInfo).port;
    let buffer = '';
    const req = http.get({
      host: '127.0.0.1',
      port,
      path: `/api/kamaji/v1/events?since=${since}`,
      headers: as(USERS.pat),
    });
    req.on('response', res => {
      res.setEncoding('utf8');
      res.on('data', chunk => {
        buffer += chunk;
        for (
          let end = buffer.indexOf('\n\n');
          end >= 0;
          end = buffer.indexOf('\n\n')
        ) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event === 'resync') throw new Error(`resync: ${data}`);
          if (event === 'delta') deltas.push(JSON.parse(data!));
        }
      });
    });
    return { deltas, stop: () => req.destroy() };
  }

  async function churn(until: number) {
    let n = 0;
    const live: string[] = [];
    while (Date.now() < until) {
      const name = `churn-${n++}`;
      await api.createNamespacedCustomObject({
        ...at(FLEET_KINDS.Cluster),
        body: clusterObject(name),
      });
      await api.createNamespacedCustomObject({
        ...at(FLEET_KINDS.KamajiControlPlane),
        body: kcpObject(name, 'v1.34.2'),
      });
      live.push(name);
      if (live.length > 3) {
        const gone = live.shift()!;
        await api.deleteNamespacedCustomObject({
          ...at(FLEET_KINDS.KamajiControlPlane),
          name: gone,
        });
        await api.deleteNamespacedCustomObject({
          ...at(FLEET_KINDS.Cluster),
          name: gone,
        });
      }
      await new Promise(r => setTimeout(r, 60));
    }
    return n;
  }

  it('serves every read at exactly one model version, whole or paged at that version', async () => {
    const start: FleetSnapshot = await getSnapshot();
    const stream = recordDeltas(start.version);
    const whole: FleetSnapshot[] = [];
    const paged: FleetSnapshot[] = [];
    const filtered: Array<{ user: string; body: FleetSnapshot }> = [];
    const until = Date.now() + CHURN_MS;
    const reads = (async () => {
      while (Date.now() < until) {
        whole.push(await getSnapshot());
        filtered.push({
          user: USERS.alice,
          body: await getSnapshot(USERS.alice),
        });
        // Paged at the version of the first page, with the model moving between pages.
        const first = (await get('/v1/fleet?limit=3')).body;
        const tenants = [...first.tenants];
        for (let off = 3; off < first.page.total; off += 3) {
          const page = await get(
            `/v1/fleet?limit=3&offset=${off}&atVersion=${first.version}`,
          );
          expect(page.status).toBe(200);
          expect(page.body.version).toBe(first.version);
          tenants.push(...page.body.tenants);
        }
        paged.push({ ...first, tenants });
      }
    })();
    const created = await churn(until);
    await reads;
    // Let the stream catch up with the last version read.
    const last = Math.max(...whole.map(s => s.version));
    const deadline = Date.now() + 10_000;
    while ((stream.deltas.at(-1)?.version ?? start.version) < last) {
      if (Date.now() > deadline) throw new Error('the deltas did not arrive');
      await new Promise(r => setTimeout(r, 50));
    }
    stream.stop();

    // The model at every version, rebuilt from the deltas.
    const model = new Map<number, FleetSnapshot>([[start.version, start]]);
    let current = start;
    for (const delta of stream.deltas) {
      current = applyFleetDelta(current, delta);
      model.set(current.version, current);
    }
    const versions = new Set([...whole, ...paged].map(s => s.version));
    expect(created).toBeGreaterThan(10);
    expect(stream.deltas.length).toBeGreaterThan(10);
    expect(versions.size).toBeGreaterThan(5);

    for (const read of [...whole, ...paged]) {
      const expected = model.get(read.version)!;
      expect(tenantIds(read)).toEqual(tenantIds(expected));
      expect(read.islands).toEqual(expected.islands);
      // Every island's tenant list names tenants of the same read.
      const ids = new Set(tenantIds(read));
      for (const island of read.islands) {
        for (const id of island.tenantIds) expect(ids.has(id)).toBe(true);
      }
    }
    const retail = 'group:default/team-retail';
    for (const { body } of filtered) {
      const expected = model.get(body.version)!;
      expect(tenantIds(body)).toEqual(
        tenantIds({
          tenants: expected.tenants.filter(t => t.owner === retail),
        }),
      );
    }
  });
});
