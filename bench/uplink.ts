/* eslint-disable no-console */
/*
 * What keeping one steady island connected costs its uplink: the bytes between the backend and
 * a real kube-apiserver (TLS records on the TCP connection, counted by a relay in front of it)
 * while nothing changes, for the reachability probe and two open watches with bookmarks, as an
 * island's connection carries them. Two clients side by side in the same run, each on its own
 * relay and HTTP/2 connection:
 *   - baseline: a `GET /readyz` at every probe (kamaji.fleet.readinessInterval = probeInterval,
 *     what every probe was before 2026-12-05);
 *   - default: an HTTP/2 PING at every probe, `GET /readyz` every readinessInterval (1 minute).
 *
 *   yarn bench:uplink [--seconds 180] [--probe-interval 5] [--readiness-interval 60]
 */
import { LocalControlPlane, startTcpRelay } from '@internal/test-kube';
import { KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import { Reachability } from '../plugins/kamaji-backend/src/fleet/reachability';
import { planTenants, TCP_NS, tenantTcp } from './seed';
import { cleanupOnExit, numberArg, sleep, writeResults } from './lib';

const SECONDS = numberArg('seconds', 180);
const PROBE_INTERVAL_MS = numberArg('probe-interval', 5) * 1_000;
const READINESS_INTERVAL_MS = numberArg('readiness-interval', 60) * 1_000;
const WARM_UP_MS = 5_000;
const WATCHES = ['/api/v1/namespaces', '/api/v1/configmaps'];

const t0 = Date.now();
const log = (s: string) =>
  console.log(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`);
const cleanup = cleanupOnExit(log);

/** One island connection as the backend keeps it: the probe and two watches with bookmarks. */
async function island(plane: LocalControlPlane, readinessIntervalMs: number) {
  const relay = await startTcpRelay(plane.server('island'));
  const client = new KubeClient(relay.through(plane.kubeConfig('island')));
  const counts = { readyz: 0, pings: 0 };
  const probe = client.probe.bind(client);
  client.probe = (path, options) => {
    counts.readyz++;
    return probe(path, options);
  };
  const ping = client.ping.bind(client);
  client.ping = async options => {
    const answered = await ping(options);
    if (answered) counts.pings++;
    return answered;
  };
  const reach = new Reachability(
    client,
    {
      probeIntervalMs: PROBE_INTERVAL_MS,
      probeTimeoutMs: 3_000,
      readinessIntervalMs,
      maxRetryDelayMs: 5_000,
    },
    {
      onUp: () => {},
      onDown: e => log(`unreachable: ${e}`),
      onChange: () => {},
    },
  );
  const stop = new AbortController();
  reach.start();
  for (const path of WATCHES) {
    client
      .stream(
        `${path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=3600`,
        () => {},
        { signal: stop.signal },
      )
      .catch(e => {
        if (!stop.signal.aborted) log(`watch ${path} ended: ${e}`);
      });
  }
  return {
    client,
    relay,
    counts,
    reset: () => {
      relay.bytes.up = relay.bytes.down = counts.readyz = counts.pings = 0;
    },
    stop: async () => {
      stop.abort();
      await reach.stop();
      client.close();
      await relay.close();
    },
  };
}

type Connection = Awaited<ReturnType<typeof island>>;

/** Creates `namespace` on the island through `connection`. */
function createNamespace({ client }: Connection, namespace: string) {
  return client.request('POST', '/api/v1/namespaces', {
    body: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    },
  });
}

/** One LIST through `connection`: its items, the size of its JSON and the bytes from the island. */
async function measuredList({ client, relay }: Connection, path: string) {
  const before = relay.bytes.down;
  const list = await client.getJson(path);
  return {
    items: list.items.length as number,
    json: JSON.stringify(list).length,
    wire: relay.bytes.down - before,
  };
}

const LIST_NAMESPACE = 'uplink-list';

/**
 * One LIST of 150 ConfigMaps of about 1.4 KB each: over the 128 KiB from which the API server
 * compresses an answer for a client that accepts gzip.
 */
async function oneList(connection: Connection) {
  await createNamespace(connection, LIST_NAMESPACE);
  for (let i = 0; i < 150; i++) {
    await connection.client.request(
      'POST',
      `/api/v1/namespaces/${LIST_NAMESPACE}/configmaps`,
      {
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `pool-${i}`, labels: { site: 'bench' } },
          data: { notes: `line ${i} `.repeat(120) },
        },
      },
    );
  }
  return measuredList(
    connection,
    `/api/v1/namespaces/${LIST_NAMESPACE}/configmaps`,
  );
}

const TCPS = 20;
const TCP_PATH = '/apis/kamaji.clastix.io/v1alpha1/tenantcontrolplanes';

/**
 * The relist of an island's TenantControlPlanes (20, with status, as the large bench seeds
 * them): what `kamaji.fleet.resyncInterval` costs the uplink.
 */
async function tcpRelist(connection: Connection) {
  const { client } = connection;
  await createNamespace(connection, TCP_NS);
  for (const [i, tenant] of planTenants(['island'], TCPS).entries()) {
    const tcp = tenantTcp({ ...tenant, kcpUid: `uid-${i}` }, true);
    const { status, ...spec } = tcp;
    await client.apply(spec as any, { fieldManager: 'bench-uplink' });
    if (status)
      await client.apply({ ...spec, status } as any, {
        fieldManager: 'bench-uplink',
        subresource: 'status',
      });
  }
  return measuredList(connection, `${TCP_PATH}?limit=500`);
}

/** Two connections to one island: the baseline's probe and the default's, side by side. */
async function connectTwice() {
  const plane = await LocalControlPlane.start({
    clusters: { island: ['kamaji'] },
  });
  cleanup.push(() => plane.stop());
  const baseline = await island(plane, PROBE_INTERVAL_MS);
  const current = await island(plane, READINESS_INTERVAL_MS);
  cleanup.push(baseline.stop);
  cleanup.push(current.stop);
  return { baseline, current };
}

const perMinute = (n: number) => (n * 60) / SECONDS;

function steadyRow(name: string, c: Connection) {
  const { up, down } = c.relay.bytes;
  return `| ${name} | ${c.counts.readyz} | ${
    c.counts.pings
  } | ${up} | ${down} | ${Math.round(perMinute(up + down))} | ${(
    (perMinute(up + down) * 60 * 24) /
    1e6
  ).toFixed(2)} |`;
}

/**
 * SECONDS of a steady island after the warm-up: the rows of both connections and the share of
 * bytes the default saves, counted before the lists below add to them.
 */
async function measureSteady(baseline: Connection, current: Connection) {
  await sleep(WARM_UP_MS);
  baseline.reset();
  current.reset();
  log(
    `measuring ${SECONDS} s of a steady island, two connections side by side`,
  );
  await sleep(SECONDS * 1_000);
  const saved =
    1 -
    (current.relay.bytes.up + current.relay.bytes.down) /
      (baseline.relay.bytes.up + baseline.relay.bytes.down);
  const rows = [
    steadyRow(`baseline: GET /readyz every probe`, baseline),
    steadyRow(
      `PING every probe, GET /readyz every ${
        READINESS_INTERVAL_MS / 1000
      } s (default)`,
      current,
    ),
  ];
  return { rows, saved };
}

type Steady = Awaited<ReturnType<typeof measureSteady>>;
type List = Awaited<ReturnType<typeof measuredList>>;

function report(steady: Steady, list: List, relist: List): string {
  const perDayMb = (minutes: number) =>
    ((relist.wire * 24 * 60) / minutes / 1e6).toFixed(2);
  return [
    `# Uplink traffic of a steady island, ${new Date()
      .toISOString()
      .slice(0, 10)}`,
    '',
    '- Command: `yarn bench:uplink` (`bench/uplink.ts`)',
    `- One real kube-apiserver (kubeplane) as the island; two KubeClients side by side, each on its own HTTP/2 connection through a counting TCP relay: the Reachability probe every ${
      PROBE_INTERVAL_MS / 1000
    } s (timeout 3 s) and two watches with bookmarks (${WATCHES.join(
      ', ',
    )}), as the backend keeps an island. Nothing changes on the server.`,
    `- Counted: ${SECONDS} s after a ${
      WARM_UP_MS / 1000
    } s warm-up (handshake, first lists left out); bytes are TLS records on the TCP connection (TCP/IP headers not counted).`,
    '',
    '| probe | GET /readyz | PINGs answered | bytes to the island | bytes from the island | bytes per minute | MB per day |',
    '|---|---|---|---|---|---|---|',
    ...steady.rows,
    '',
    `The default sends ${(steady.saved * 100).toFixed(
      0,
    )} % fewer bytes over the uplink than the baseline.`,
    '',
    `The relist of ${relist.items} TenantControlPlanes with status (${
      relist.json
    } bytes of JSON, under the compression threshold): ${
      relist.wire
    } bytes from the island, ${perDayMb(
      10,
    )} MB a day with a relist every 10 minutes, ${perDayMb(
      60,
    )} MB a day every hour (\`kamaji.fleet.resyncInterval\`; each watched kind is relisted).`,
    '',
    `One LIST of 150 ConfigMaps (${list.json} bytes of JSON): ${list.wire} bytes from the island. The KubeClient asks for gzip (since 2026-12-05), and the API server compresses answers of 128 KiB and more; smaller ones come as they are.`,
    '',
  ].join('\n');
}

async function main() {
  const { baseline, current } = await connectTwice();
  const steady = await measureSteady(baseline, current);
  // After the steady figures: its objects' events reach both connections' watches.
  log('measuring one LIST of 150 ConfigMaps');
  const list = await oneList(current);
  log(`measuring the relist of ${TCPS} TenantControlPlanes`);
  const relist = await tcpRelist(current);
  const files = writeResults(
    report(steady, list, relist),
    'latest-uplink.md',
    `${new Date().toISOString().slice(0, 10)}-uplink.md`,
  );
  log(`written to ${files.join(' and ')}`);
}

main()
  .catch(e => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => cleanup.run());
