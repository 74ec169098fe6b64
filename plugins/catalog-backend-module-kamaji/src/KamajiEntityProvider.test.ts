import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type {
  FleetDelta,
  FleetSnapshot,
  IslandNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import { readCatalogSettings } from './config';
import { KamajiEntityProvider } from './KamajiEntityProvider';
import { island as islandA } from './__testUtils__/nodes';

const island = (name: string): IslandNode => ({
  ...islandA,
  id: `central/fleet-islands/${name}`,
  name,
});

/** A replica's fleet service: a model, and whether this replica holds the catalog role. */
class ReplicaFleet implements FleetService {
  holding = false;
  snapshot: FleetSnapshot = {
    version: 5,
    generatedAt: '',
    managementClusters: [],
    islands: [island('island-a')],
    tenants: [],
    addonSets: [],
  };
  private listener?: (d: FleetDelta) => void;
  private holdsListener?: () => void;
  getSnapshot = () => this.snapshot;
  getCluster = () => undefined;
  ready = async () => {};
  getClusterAccess = async () => undefined;
  getManagementClusterAccess = () => undefined;
  subscribe(l: (d: FleetDelta) => void) {
    this.listener = l;
    return () => {};
  }
  holds = () => this.holding;
  onHoldsChange(l: () => void) {
    this.holdsListener = l;
    return () => {};
  }
  push(name: string) {
    const delta: FleetDelta = {
      fromVersion: this.snapshot.version,
      version: this.snapshot.version + 1,
      generatedAt: '',
      upserted: [island(name)],
      removed: [],
      upsertedAddonSets: [],
      removedAddonSets: [],
    };
    this.snapshot = {
      ...this.snapshot,
      version: delta.version,
      islands: [...this.snapshot.islands, island(name)],
    };
    this.listener?.(delta);
  }
  gain() {
    this.holding = true;
    this.holdsListener?.();
  }
}

describe('KamajiEntityProvider with several replicas', () => {
  it('writes only on the replica holding the catalog role, in full when it gains it', async () => {
    const fleet = new ReplicaFleet();
    const mutations: any[] = [];
    const connection: EntityProviderConnection = {
      applyMutation: async m => {
        mutations.push(m);
      },
      refresh: async () => {},
    };
    const provider = new KamajiEntityProvider(
      fleet,
      readCatalogSettings(new ConfigReader({})),
      mockServices.logger.mock(),
    );
    await provider.connect(connection);
    await new Promise(r => setImmediate(r));
    await provider.idle();
    fleet.push('island-b');
    await provider.refresh(); // the scheduled refresh runs on every replica
    await provider.idle();
    expect(mutations).toEqual([]);

    fleet.gain();
    await new Promise(r => setImmediate(r));
    await provider.idle();
    expect(mutations).toHaveLength(1);
    expect(mutations[0].type).toBe('full');
    expect(mutations[0].entities).toHaveLength(2);

    fleet.push('island-c');
    await provider.idle();
    expect(mutations.map(m => m.type)).toEqual(['full', 'delta']);
    expect(mutations[1].added).toHaveLength(1);
  });
});
