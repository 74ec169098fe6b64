/** A duration: `10m`, `5s`, `100ms`, ISO 8601 (`PT10M`), or `{ minutes: 10 }`. */
type FleetDuration =
  | string
  | {
      days?: number;
      hours?: number;
      minutes?: number;
      seconds?: number;
      milliseconds?: number;
    };

export interface Config {
  /** Kamaji fleet plugins (Cluster API + Kamaji island fleets). */
  kamaji?: {
    /**
     * The management clusters whose fleets are aggregated into one model. Each is reached in
     * exactly one way: `kubeconfig`, `serviceAccount` (in-cluster), or `url` + `serviceAccountToken`.
     */
    managementClusters?: Array<{
      /** Unique name, a DNS label (`central`); the id of the management cluster in the fleet model. */
      name: string;
      /** Display name. */
      title?: string;
      /**
       * Owner of this management cluster and of the clusters declared in it without the
       * `kamaji-backstage.io/owner` label: a group, `group:<namespace>/<name>` or `<name>`.
       * The fleet API's owner filter, the `isOwnedBy` permission rule and the catalog entities use it.
       */
      owner?: string;
      /** Reach it with a kubeconfig file (its current context, or `context`). */
      kubeconfig?: {
        path: string;
        context?: string;
      };
      /** Reach the cluster the backend runs in with its pod's service account. */
      serviceAccount?: {
        inCluster: true;
      };
      /** API server URL, with `serviceAccountToken`. */
      url?: string;
      /**
       * Bearer token for `url`.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /** Base64-encoded PEM CA bundle of the API server (with `url`). */
      caData?: string;
      /** Path of a PEM CA bundle of the API server (with `url`). */
      caFile?: string;
      /** Do not verify the API server certificate (with `url`; never in production). */
      skipTLSVerify?: boolean;
    }>;
    /** Day-2 actions of the REST API. */
    actions?: {
      /** Upper bound of `POST .../scale` (0–1000). Default 100. */
      maxReplicas?: number;
      /** The highest Kubernetes minor `POST .../upgrade` accepts, e.g. `v1.36`. Default v1.36. */
      maxKubernetesVersion?: string;
    };
    /** Placement advice for new tenants (`GET /v1/placement`). */
    placement?: {
      /**
       * How many tenant control planes an island may host, unless its
       * `kamaji-backstage.io/tenant-capacity` label says otherwise. Unset: load is ranked by count.
       */
      islandCapacity?: number;
    };
    /** The REST API and its live updates. */
    api?: {
      /** Validate response bodies against the OpenAPI spec (tests, development). Default false. */
      validateResponses?: boolean;
      /**
       * How long a caller's `kamaji.cluster.read` decision is reused for their next reads, in
       * seconds (0 asks the permission framework on every read; at most 300). A changed policy
       * or group membership reaches reads within this time; the upgrade, scale, delete and
       * create permissions are asked on every request. Default 10.
       */
      readPermissionCacheSeconds?: number;
      /** Server-sent events of `GET /v1/events`. */
      events?: {
        /**
         * Model versions kept for clients that reconnect with `Last-Event-ID`. Default 1000. Of
         * them at most as many changes as half the fleet's nodes are kept: a client further behind
         * refetches the snapshot.
         */
        bufferSize?: number;
        /** Heartbeat comment interval. Default 15. */
        heartbeatSeconds?: number;
        /** Streams close after this long so clients reconnect and are authorised again. Default 15. */
        maxConnectionMinutes?: number;
        /** A client more than this far behind is sent a resync instead of deltas. Default 1024. */
        maxQueuedKilobytes?: number;
      };
    };
    /** Timings of the fleet watchers; the defaults suit production. */
    fleet?: {
      /**
       * Full relist of every kind, in addition to the watches (which keep the items). Default 1 hour:
       * over an island's uplink a relist is the largest steady traffic.
       */
      resyncInterval?: FleetDuration;
      /**
       * Reachability probe of every connected cluster: an HTTP/2 PING on the connection its
       * watches share (a `GET /readyz` where it has no HTTP/2 connection). Default 5 seconds.
       */
      probeInterval?: FleetDuration;
      /** A probe without an answer in this time marks the cluster disconnected. Default 3 seconds. */
      probeTimeout?: FleetDuration;
      /**
       * `GET /readyz` of every connected cluster (is its API server ready, storage included; an
       * answer of 5xx marks it disconnected), also at each (re)connection and after a broken
       * watch. Default 1 minute. When it is not longer than `probeInterval`, every probe is a
       * `GET /readyz`.
       */
      readinessInterval?: FleetDuration;
      /** Longest wait between reconnect attempts while a cluster is disconnected. Default 5 seconds. */
      maxRetryDelay?: FleetDuration;
      /** Changes arriving within this window make one model version. Default 100 milliseconds. */
      debounce?: FleetDuration;
      /** Retry of kinds that could not be read (RBAC, CRD absent). Default 1 minute. */
      unreadableRetryInterval?: FleetDuration;
      /**
       * The fleet's last-known state in the plugin's database (what each management cluster and
       * island showed last, shown after a restart while a cluster is unreachable). Kubeconfig
       * Secrets are never saved.
       */
      durableState?: {
        /**
         * Changed objects are written behind, one batch per interval. Default 2 seconds
         * (500 milliseconds in replica mode, so followers stay within about a second).
         */
        writeInterval?: FleetDuration;
        /** How often a connected cluster's "last seen" time is saved. Default 1 minute. */
        lastSeenInterval?: FleetDuration;
      };
      /**
       * Several backend replicas on one PostgreSQL. Each island's (and management cluster's)
       * watches are held by exactly one replica, through `coordination.k8s.io` Leases (one per
       * shard, `kamaji-backstage-fleet-shard-<n>`); every replica serves the model it follows
       * from the database, so versions are the same fleet-wide.
       */
      replicas?: {
        /** Turns replica mode on. Default false (one backend process watches everything). */
        enabled?: boolean;
        /** This replica's name in the Leases. Default hostname, pid and a random suffix. */
        identity?: string;
        /** Number of shards the clusters are hashed into (1–1024). Default 16. */
        shards?: number;
        /** Namespace of the Leases. Default kamaji-system. */
        leaseNamespace?: string;
        /** Management cluster (by name) holding the Leases. Default the first configured. */
        leaseCluster?: string;
        /** A Lease not renewed for this long may be taken over. Default 10 seconds. */
        leaseDuration?: FleetDuration;
        /** How often Leases are renewed, acquired and released. Default 2 seconds. */
        renewInterval?: FleetDuration;
        /** How often the served model reads the database's changes. Default 500 milliseconds. */
        followInterval?: FleetDuration;
      };
      /** Connection transitions of every island and management cluster. */
      uplinkHistory?: {
        /** Transitions older than this are pruned (a scheduler global task, hourly). Default 30. */
        retentionDays?: number;
      };
    };
  };
}
