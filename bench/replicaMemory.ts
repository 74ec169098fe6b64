/*
 * Memory per replica (`yarn bench --large --postgres --replicas 3`): the same fleet served by N
 * backends in replica mode on one PostgreSQL. Each replica holds the watches of its shards'
 * islands only and serves the whole fleet, which it follows from the database.
 */
import { connectionsByPort } from '@internal/test-kube';
import type { Backend, FleetCounts } from './backend';
import { rssMb, sleep, waitFor } from './lib';

export interface ReplicaMemory {
  identity: string;
  /** Islands whose API server this replica holds a connection to. */
  islandsHeld: number;
  rssSyncedMb: number;
  rssAfterReadsMb: number;
}

export interface ReplicaMemoryOptions {
  replicas: number;
  /** Starts one backend in replica mode under this identity. */
  start: (identity: string) => Promise<Backend>;
  /** The islands' API server ports (loopback). */
  islandPorts: number[];
  /** Whether these counts are the whole fleet, every island connected. */
  wholeFleet: (counts: FleetCounts) => boolean;
  /** The reads each replica serves before its second figure. */
  read: (backend: Backend) => Promise<void>;
  log: (line: string) => void;
}

/** How many of the islands a replica holds a connection to. */
function held(backend: Backend, ports: number[]): number {
  const connected = connectionsByPort(backend.pid);
  return ports.filter(port => connected.has(port)).length;
}

/** How many of the replicas hold a connection to each island port. */
function holdersPerIsland(backends: Backend[], ports: number[]): number[] {
  const connections = backends.map(b => connectionsByPort(b.pid));
  return ports.map(port => connections.filter(c => c.has(port)).length);
}

async function everyReplicaServesTheFleet(
  backends: Backend[],
  o: ReplicaMemoryOptions,
): Promise<boolean> {
  for (const b of backends)
    if (!o.wholeFleet(await b.fleetCounts())) return false;
  return holdersPerIsland(backends, o.islandPorts).every(n => n === 1);
}

export async function measureReplicaMemory(
  o: ReplicaMemoryOptions,
): Promise<ReplicaMemory[]> {
  const identities = Array.from(
    { length: o.replicas },
    (_, i) => `bench-replica-${i + 1}`,
  );
  const backends: Backend[] = [];
  try {
    for (const identity of identities) {
      const backend = await o.start(identity);
      backends.push(backend);
      await backend.waitReady();
    }
    await waitFor(
      'every replica to serve the whole fleet, each island held by exactly one replica',
      () => everyReplicaServesTheFleet(backends, o),
      900_000,
      1_000,
    );
    await sleep(2_000);
    const synced = backends.map(b => rssMb(b.pid));
    for (const b of backends) await o.read(b);
    const afterReads = backends.map(b => rssMb(b.pid));
    const figures = backends.map((b, i) => ({
      identity: identities[i],
      islandsHeld: held(b, o.islandPorts),
      rssSyncedMb: synced[i],
      rssAfterReadsMb: afterReads[i],
    }));
    for (const f of figures)
      o.log(
        `${f.identity}: ${
          f.islandsHeld
        } islands held, RSS ${f.rssSyncedMb.toFixed(
          0,
        )} MB after sync, ${f.rssAfterReadsMb.toFixed(0)} MB after reads`,
      );
    return figures;
  } finally {
    for (const b of backends) await b.stop();
  }
}
