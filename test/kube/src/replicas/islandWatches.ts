/*
 * Who watches an island's API server, seen from both ends:
 *   - the API server's own gauge `apiserver_longrunning_requests{verb="WATCH"}` per resource of
 *     the Kamaji group (nothing but the backend watches Kamaji objects on a local island: no
 *     Kamaji controller runs there), so the count per kind is the number of clients watching it;
 *   - the TCP connections each backend process holds to the island's port (/proc), which names
 *     the process (replica) that holds them.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:https';
import type { LocalControlPlane } from '../LocalControlPlane';

/** The resources the backend watches on an island (plugins/kamaji-backend/src/fleet/kinds.ts islandKinds). */
export const ISLAND_WATCHED_RESOURCES = ['tenantcontrolplanes', 'datastores'];

async function getMetrics(
  plane: LocalControlPlane,
  cluster: string,
): Promise<string> {
  const kc = plane.kubeConfig(cluster);
  const url = new URL('/metrics', plane.server(cluster));
  const options: any = {
    hostname: url.hostname,
    port: url.port,
    path: url.pathname,
  };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(options, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => (body += d));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(body)
          : reject(new Error(`${cluster} /metrics: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Open WATCH requests per Kamaji resource on a cluster's API server. */
export async function openKamajiWatches(
  plane: LocalControlPlane,
  cluster: string,
): Promise<Record<string, number>> {
  const text = await getMetrics(plane, cluster);
  const out: Record<string, number> = Object.fromEntries(
    ISLAND_WATCHED_RESOURCES.map(r => [r, 0]),
  );
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_longrunning_requests{')) continue;
    const labels = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    const label = (k: string) =>
      new RegExp(`(?:^|,)${k}="([^"]*)"`).exec(labels)?.[1];
    if (label('verb') !== 'WATCH' || label('group') !== 'kamaji.clastix.io')
      continue;
    const resource = label('resource')!;
    out[resource] =
      (out[resource] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

/**
 * Watch connections on an island: the most clients watching any one of the kinds the backend
 * watches there (each client opens one watch per kind, so with every replica counted once this
 * is the number of replicas watching the island).
 */
export async function watchConnections(
  plane: LocalControlPlane,
  cluster: string,
): Promise<number> {
  return Math.max(...Object.values(await openKamajiWatches(plane, cluster)));
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(
        readlinkSync(`/proc/${pid}/fd/${fd}`),
      );
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Established TCP connections of a process, counted by remote port. */
export function connectionsByPort(pid: number): Map<number, number> {
  const inodes = socketInodes(pid);
  const byPort = new Map<number, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length < 10) continue;
      // f[2]: remote address:port, f[3]: state (01 = ESTABLISHED), f[9]: inode
      if (f[3] !== '01' || !inodes.has(f[9])) continue;
      const port = parseInt(f[2].slice(f[2].lastIndexOf(':') + 1), 16);
      byPort.set(port, (byPort.get(port) ?? 0) + 1);
    }
  }
  return byPort;
}

/** Established TCP connections of a process to a loopback port. */
export function connectionsTo(pid: number, port: number): number {
  return connectionsByPort(pid).get(port) ?? 0;
}
