/*
 * The island connections alone, in an otherwise idle Node process: per island what the fleet
 * backend holds (one KubeClient, so one TLS + HTTP/2 session, with a TenantControlPlane and a
 * DataStore watch from the island's current resourceVersion), and how much RSS they add once the
 * garbage is collected: the connections, without the lists the fleet model is built from.
 * Run by floors.ts: `connectionFloorProcess.ts REQUEST RESULT`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, kindPath } from '@kamaji-backstage/plugin-kamaji-node';
import {
  FLEET_KINDS,
  type KubeKind,
} from '@kamaji-backstage/plugin-kamaji-common';
import { answerRequest } from './requestProcess';

export interface FloorIsland {
  name: string;
  url: string;
  caData: string;
  token: string;
}

export interface ConnectionFloor {
  sessions: number;
  watches: number;
  addedMb: number;
}

const WATCHED = [FLEET_KINDS.TenantControlPlane, FLEET_KINDS.DataStore];
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

setFlagsFromString('--expose-gc');
const collectGarbage: () => void = runInNewContext('gc');

/** RSS once the garbage is collected: what is held, not what the lists left behind. */
async function heldRss(): Promise<number> {
  collectGarbage();
  await sleep(500);
  collectGarbage();
  return process.memoryUsage().rss;
}

function clientOf(island: FloorIsland): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: island.name, server: island.url, caData: island.caData },
    ],
    users: [{ name: 'floor', token: island.token }],
    contexts: [{ name: island.name, cluster: island.name, user: 'floor' }],
    currentContext: island.name,
  });
  return new KubeClient(kc);
}

/**
 * The island's current resourceVersion, from its DataStore list (a few objects: a
 * resourceVersion is cluster-wide, and the TenantControlPlane list's garbage would be counted).
 */
async function currentVersion(client: KubeClient): Promise<string> {
  const list = await client.getJson(kindPath(FLEET_KINDS.DataStore));
  return list.metadata.resourceVersion;
}

/** Resolves once the watch of the kind from `resourceVersion` is open. */
function watch(
  client: KubeClient,
  kind: KubeKind,
  resourceVersion: string,
  signal: AbortSignal,
): Promise<void> {
  const path = `${kindPath(kind)}?watch=1&resourceVersion=${resourceVersion}`;
  return new Promise<void>((resolve, reject) => {
    client
      .stream(path, () => {}, { signal, onOpen: resolve })
      .catch(e => (signal.aborted ? undefined : reject(e)));
  });
}

async function openWatches(
  island: FloorIsland,
  signal: AbortSignal,
): Promise<number> {
  const client = clientOf(island);
  const resourceVersion = await currentVersion(client);
  await Promise.all(
    WATCHED.map(kind => watch(client, kind, resourceVersion, signal)),
  );
  return WATCHED.length;
}

async function measure(islands: FloorIsland[]): Promise<ConnectionFloor> {
  const abort = new AbortController();
  const before = await heldRss();
  const opened = await Promise.all(
    islands.map(island => openWatches(island, abort.signal)),
  );
  await sleep(3000);
  const result: ConnectionFloor = {
    sessions: islands.length,
    watches: opened.reduce((sum, n) => sum + n, 0),
    addedMb: ((await heldRss()) - before) / MB,
  };
  abort.abort();
  return result;
}

answerRequest('connection floor', measure);
