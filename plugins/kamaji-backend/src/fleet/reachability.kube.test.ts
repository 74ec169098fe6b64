import { LocalControlPlane, waitFor } from '@internal/test-kube';
import { KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import { Reachability } from './reachability';

jest.setTimeout(120_000);

const PROBE_INTERVAL_MS = 200;
const READINESS_INTERVAL_MS = 1_500;

/**
 * One real kube-apiserver probed as an island is: PINGs on the HTTP/2 connection between the
 * `/readyz` requests, and both ways of going dark found.
 */
describe('Reachability of a real API server', () => {
  let plane: LocalControlPlane;
  let client: KubeClient;
  let reach: Reachability;
  const transitions: string[] = [];

  beforeAll(async () => {
    plane = await LocalControlPlane.start({ clusters: { island: [] } });
    client = new KubeClient(plane.kubeConfig('island'));
    reach = new Reachability(
      client,
      {
        probeIntervalMs: PROBE_INTERVAL_MS,
        probeTimeoutMs: 2_000,
        readinessIntervalMs: READINESS_INTERVAL_MS,
        maxRetryDelayMs: 500,
      },
      {
        onUp: () => transitions.push('up'),
        onDown: error => transitions.push(`down: ${error}`),
        onChange: () => {},
      },
    );
  });

  afterAll(async () => {
    await reach?.stop();
    client?.close();
    await plane?.stop();
  });

  it('asks /readyz at connection and every readiness interval, and PINGs the connection between', async () => {
    const readyz = jest.spyOn(client, 'probe');
    const pings = jest.spyOn(client, 'pingThen');
    const started = Date.now();
    reach.start();
    await waitFor('reachable', () => reach.reachable === true, 30_000);
    await new Promise(r => setTimeout(r, 4_000));
    const elapsed = Date.now() - started;

    expect(transitions).toEqual(['up']);
    expect(readyz.mock.calls.every(([path]) => path === '/readyz')).toBe(true);
    expect(readyz.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(readyz.mock.calls.length).toBeLessThanOrEqual(
      Math.ceil(elapsed / READINESS_INTERVAL_MS) + 1,
    );
    // Sent on the open connection (pingThen is false without one); no transition: answered.
    const sent = pings.mock.results.filter(r => r.value === true);
    expect(sent.length).toBeGreaterThanOrEqual(3 * readyz.mock.calls.length);
    expect(reach.lastContactAt!.getTime()).toBeGreaterThan(
      Date.now() - 2 * PROBE_INTERVAL_MS - 1_000,
    );
  });

  it('asks /readyz at once when a watcher suspects the connection', async () => {
    const readyz = jest.spyOn(client, 'probe');
    readyz.mockClear();
    reach.suspect();
    await waitFor(
      'a /readyz after the suspicion',
      () => readyz.mock.calls.length > 0,
      1_000,
      10,
    );
    expect(reach.reachable).toBe(true);
  });

  it('finds a frozen API server by its unanswered PING, and its return by /readyz', async () => {
    const pid = plane.state.clusters.island.pid!;
    // A /readyz answered just now: the probes of the next readiness interval are PINGs.
    const readyz = jest.spyOn(client, 'probe');
    readyz.mockClear();
    reach.suspect();
    await waitFor('a /readyz', () => readyz.mock.calls.length > 0, 1_000, 5);
    expect(await readyz.mock.results[0].value).toBe(200);
    transitions.length = 0;
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor('unreachable', () => reach.reachable === false, 10_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(transitions).toEqual([
      'down: HTTP/2 PING: no answer within 2000 ms',
    ]);
    await waitFor('reachable again', () => reach.reachable === true, 30_000);
  });

  it('stops at once while a PING waits for a frozen API server', async () => {
    const pid = plane.state.clusters.island.pid!;
    const pings = jest.spyOn(client, 'pingThen');
    await waitFor('a PING', () => pings.mock.calls.length > 0, 5_000, 5);
    process.kill(pid, 'SIGSTOP');
    try {
      pings.mockClear();
      await waitFor(
        'a PING to the frozen server',
        () => pings.mock.calls.length > 0,
        5_000,
        5,
      );
      const stopping = Date.now();
      await reach.stop();
      // Well under the probe timeout (2 s): the PING in flight did not hold the stop.
      expect(Date.now() - stopping).toBeLessThan(500);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    reach.start();
    await waitFor('reachable again', () => reach.reachable === true, 30_000);
  });

  it('finds a killed API server by its closed connection', async () => {
    transitions.length = 0;
    await plane.stopCluster('island', 'kill');
    await waitFor('unreachable', () => reach.reachable === false, 10_000);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatch(
      /^down: (GET \/readyz|HTTP\/2 PING): (ECONNREFUSED|ECONNRESET|ERR_HTTP2_\w+)$/,
    );
    await plane.startCluster('island');
    await waitFor('reachable again', () => reach.reachable === true, 60_000);
  });
});
