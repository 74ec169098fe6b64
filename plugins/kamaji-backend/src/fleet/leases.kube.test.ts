import { mockServices } from '@backstage/backend-test-utils';
import {
  LocalControlPlane,
  startTcpRelay,
  TcpRelay,
  waitFor,
} from '@internal/test-kube';
import { KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import { CoreV1Api } from '@kubernetes/client-node';
import type { ReplicaConfig } from './config';
import { CATALOG_LEASE, FleetLeases } from './leases';

jest.setTimeout(300_000);

const NAMESPACE = 'fleet-leases';
const SHARDS = 4;
const LEASE_DURATION_MS = 4_000;
const RENEW_INTERVAL_MS = 1_000;

/** Who held what, after each change, in the order the replicas reported it. */
class Holdings {
  readonly current = new Map<string, ReadonlySet<string>>();
  readonly overlaps: string[] = [];

  record(identity: string, held: ReadonlySet<string>) {
    this.current.set(identity, new Set(held));
    for (const [other, theirs] of this.current) {
      if (other === identity) continue;
      for (const name of held) {
        if (theirs.has(name))
          this.overlaps.push(`${name}: ${identity} and ${other}`);
      }
    }
  }

  of(identity: string): ReadonlySet<string> {
    return this.current.get(identity) ?? new Set();
  }
}

/**
 * Two replicas' Leases on a real API server (the lease cluster is the central management cluster
 * by default), each through its own relay. The lease cluster goes dark for both: each keeps what
 * it holds, so every island stays watched by exactly one replica (dropping them would freeze the
 * whole fleet at its saved state, shown live). When it is back, the shards are still shared and no
 * Lease was held by both at any moment.
 */
describe('fleet Leases when the lease cluster is unreachable', () => {
  let plane: LocalControlPlane;
  const relays: TcpRelay[] = [];
  const leases: FleetLeases[] = [];
  const holdings = new Holdings();
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    plane = await LocalControlPlane.start({
      clusters: { central: ['capi'] },
    });
    await plane
      .kubeConfig('central')
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: NAMESPACE } } });
    for (const identity of ['replica-a', 'replica-b']) {
      const relay = await startTcpRelay(plane.server('central'));
      relays.push(relay);
      leases.push(
        replica(
          identity,
          new KubeClient(relay.through(plane.kubeConfig('central'))),
        ),
      );
    }
    for (const l of leases) l.start();
  });

  afterAll(async () => {
    for (const l of leases) await l.stop();
    for (const r of relays) await r.close();
    await plane?.stop();
  });

  function replica(
    identity: string,
    client: KubeClient,
    onChange = (held: ReadonlySet<string>) => holdings.record(identity, held),
    overrides: Partial<ReplicaConfig> = {},
  ): FleetLeases {
    const config: ReplicaConfig = {
      identity,
      shards: SHARDS,
      leaseNamespace: NAMESPACE,
      leaseCluster: 'central',
      leaseDurationMs: LEASE_DURATION_MS,
      renewIntervalMs: RENEW_INTERVAL_MS,
      followIntervalMs: 500,
      ...overrides,
    };
    return new FleetLeases(client, config, logger, onChange);
  }

  const shardsOf = (identity: string) =>
    [...holdings.of(identity)].filter(n => n !== CATALOG_LEASE).length;
  const shared = () =>
    shardsOf('replica-a') === 2 && shardsOf('replica-b') === 2;

  it('keeps every shard held by exactly one replica while the lease cluster is dark', async () => {
    await waitFor('both replicas to hold half the shards', shared, 60_000);
    const before = new Map(
      ['replica-a', 'replica-b'].map(r => [r, [...holdings.of(r)].sort()]),
    );

    // replica-b first: replica-a sees its last renewal before it goes dark too.
    relays[1].partition();
    await new Promise(r => setTimeout(r, 1.5 * RENEW_INTERVAL_MS));
    relays[0].partition();
    await new Promise(r => setTimeout(r, 3 * LEASE_DURATION_MS));
    for (const [identity, held] of before)
      expect([...holdings.of(identity)].sort()).toEqual(held);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Leases in fleet-leases cannot be read/),
    );

    // Back, for replica-a first: nobody renewed while it was dark, but that is no expiry
    // replica-a may act on before it has watched the Leases for a whole leaseDuration.
    relays[0].heal();
    await new Promise(r => setTimeout(r, LEASE_DURATION_MS / 2));
    relays[1].heal();
    await new Promise(r => setTimeout(r, 2 * LEASE_DURATION_MS));
    for (const [identity, held] of before)
      expect([...holdings.of(identity)].sort()).toEqual(held);
    expect(holdings.overlaps).toEqual([]);
  });

  it('gives a shard up to a replica that joins only once it stopped using it', async () => {
    // Rounds by hand: the timer's first round runs at start, the next not within the test.
    const overrides = {
      leaseNamespace: 'fleet-leases-join',
      renewIntervalMs: 600_000,
    };
    await plane
      .kubeConfig('central')
      .makeApiClient(CoreV1Api)
      .createNamespace({
        body: { metadata: { name: overrides.leaseNamespace } },
      });
    // What replica-a reported holding and which Leases it released, in the order it did them.
    const steps: Array<{ holds: string[] } | { releases: string }> = [];
    const client = new KubeClient(plane.kubeConfig('central'));
    const request = client.request.bind(client);
    client.request = ((method, path, options) => {
      const body = options?.body as { spec?: { holderIdentity?: unknown } };
      if (method === 'PUT' && body?.spec?.holderIdentity === null)
        steps.push({ releases: path.split('/').pop()! });
      return request(method, path, options);
    }) as KubeClient['request'];
    const first = replica(
      'joiner-a',
      client,
      held => steps.push({ holds: [...held] }),
      overrides,
    );
    const joiner = replica(
      'joiner-b',
      new KubeClient(plane.kubeConfig('central')),
      () => {},
      overrides,
    );
    try {
      first.start();
      await first.tick(); // alone: it takes every shard
      // joiner-b's first round registers it as a member; every shard is held, so it takes none.
      joiner.start();
      await joiner.tick();
      await first.tick(); // two members now: it gives half the shards up
      const released = steps.flatMap(s =>
        'releases' in s ? [s.releases] : [],
      );
      expect(released).toHaveLength(SHARDS / 2);
      for (const [at, step] of steps.entries()) {
        if (!('releases' in step)) continue;
        const reported = steps
          .slice(0, at)
          .filter(s => 'holds' in s)
          .pop();
        expect(reported && 'holds' in reported && reported.holds).not.toContain(
          step.releases,
        );
      }
    } finally {
      await first.stop();
      await joiner.stop();
    }
  });
});
