import { createServiceRef } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  ClusterId,
  FleetCluster,
  FleetDelta,
  FleetProblem,
  FleetSnapshot,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * How to reach a cluster's API server from inside the backend. Holds credentials:
 * never serialise it into a response or a log line.
 *
 * @public
 */
export interface ClusterAccess {
  clusterId: ClusterId;
  /** API server URL. */
  server: string;
  /** A KubeConfig with one context for this cluster. */
  kubeConfig: KubeConfig;
}

/**
 * The live fleet model, shared by every backend plugin and module in one backend:
 * the kamaji backend plugin (REST API, live updates, day-2 actions), the catalog entity provider,
 * the Kubernetes cluster supplier and the scaffolder actions.
 *
 * Implemented by `@kamaji-backstage/plugin-kamaji-backend`, which installs the service.
 *
 * @public
 */
export interface FleetService {
  /** The current model. Cheap: the model is kept in memory and only rebuilt on change. */
  getSnapshot(): FleetSnapshot;

  /** One cluster (management cluster, island or tenant) by id. */
  getCluster(id: ClusterId): FleetCluster | undefined;

  /**
   * Calls `listener` with every change after the current version, in order.
   * Returns a function that unsubscribes.
   */
  subscribe(listener: (delta: FleetDelta) => void): () => void;

  /** Resolves once every configured management cluster was listed once (or found unreachable). */
  ready(): Promise<void>;

  /**
   * Credentials for a tenant or island API server, read inside the backend from the CAPI
   * `<cluster>-kubeconfig` Secret; undefined when unknown or unreachable.
   */
  getClusterAccess(id: ClusterId): Promise<ClusterAccess | undefined>;

  /** The KubeConfig of a configured management cluster, for writes (day-2 actions, scaffolder). */
  getManagementClusterAccess(name: string): ClusterAccess | undefined;

  /**
   * The current snapshot serialised as `GET /v1/fleet/snapshot` sends it (tenants in their
   * compact form), joined from JSON kept per node (cheaper than serialising `getSnapshot()`; not
   * kept: cache what you make of it per version). `expandFleetSnapshot(JSON.parse(json))` (from
   * the common package) equals `getSnapshot()` at that version.
   * Optional in the interface so test doubles may omit it; the backend's implementation has it.
   */
  getSnapshotJson?(): { version: number; json: string };

  /**
   * The same JSON as `getSnapshotJson` in pieces, produced as they are read (for a consumer that
   * streams it, e.g. into gzip, without ever holding the whole string). Optional like
   * `getSnapshotJson`.
   */
  getSnapshotJsonChunks?(): { version: number; chunks: Iterable<string> };

  /**
   * Objects the model skipped or flagged (missing or malformed fields, references leading
   * nowhere, island kubeconfig Secrets missing), as of the current version.
   * Optional in the interface; the backend's implementation has it.
   */
  getProblems?(): FleetProblem[];

  /**
   * With several backend replicas: identifies the fleet-wide version numbers (the same on every
   * replica; a client's version from one replica means the same on another). Undefined with one
   * replica, whose versions are its own.
   */
  readonly epoch?: string;

  /**
   * Whether this backend replica plays a role that is written once fleet-wide, e.g. writing the
   * catalog. Always true with one replica. Optional in the interface; absent means true.
   */
  holds?(role: 'catalog'): boolean;

  /**
   * Calls `listener` whenever the roles this replica holds may have changed (a replica gaining
   * a role does its full work then). Returns a function that unsubscribes.
   */
  onHoldsChange?(listener: () => void): () => void;
}

/**
 * The service reference of the fleet model. Root-scoped: one model per backend process.
 *
 * @public
 */
export const fleetServiceRef = createServiceRef<FleetService>({
  id: 'kamaji.fleet',
  scope: 'root',
});
