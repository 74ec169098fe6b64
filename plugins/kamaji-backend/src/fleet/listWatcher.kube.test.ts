import { LocalControlPlane, startTcpRelay, waitFor } from '@internal/test-kube';
import { KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import { CoreV1Api } from '@kubernetes/client-node';
import { ListWatcher } from './listWatcher';

jest.setTimeout(300_000);

/** Counts the list requests (GETs that are not watches). */
class CountingClient extends KubeClient {
  lists = 0;

  getJson<T = any>(...args: Parameters<KubeClient['getJson']>): Promise<T> {
    if (!args[0].includes('watch=')) this.lists++;
    return super.getJson<T>(...args);
  }
}

const NAMESPACE = 'fleet-watch';

/**
 * A ListWatcher on a real API server keeps only what `extract` returns; a change the fleet does
 * not read (an annotation here, a status heartbeat in a real fleet) and a relist that finds what
 * it held change nothing, so they make no new model version (each version re-serialises the
 * whole fleet and is sent to every live client).
 */
describe('ListWatcher changes', () => {
  let plane: LocalControlPlane;
  let core: CoreV1Api;
  let watcher: ListWatcher<{ colour?: string }>;
  let changes = 0;
  let client: CountingClient;

  beforeAll(async () => {
    plane = await LocalControlPlane.start({ clusters: { central: [] } });
    core = plane.kubeConfig('central').makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
    await core.createNamespacedConfigMap({
      namespace: NAMESPACE,
      body: { metadata: { name: 'paint' }, data: { colour: 'red' } },
    });
    watcher = new ListWatcher({
      http: (client = new CountingClient(plane.kubeConfig('central'))),
      kindName: 'ConfigMap',
      path: `/api/v1/namespaces/${NAMESPACE}/configmaps`,
      extract: obj => ({ colour: obj.data?.colour }),
      onChange: () => changes++,
      onState: () => {},
      // A relist every 1–2 s (jittered), so the test sees several.
      resyncMs: 1_500,
      unreadableRetryMs: 1_000,
      maxRetryDelayMs: 1_000,
    });
    watcher.start();
    await waitFor('the first list', async () => watcher.everSynced);
  });

  afterAll(async () => {
    await watcher?.stop();
    await plane?.stop();
  });

  /** A JSON patch (client-node's default patch type). */
  const patchConfigMap = (path: string, value: unknown) =>
    core.patchNamespacedConfigMap({
      name: 'paint',
      namespace: NAMESPACE,
      body: [{ op: 'add', path, value }],
    });

  it('signals the first list, then neither relists that find the same nor updates of unread fields', async () => {
    expect(changes).toBe(1);
    const revision = watcher.revision;
    const lists = client.lists;
    await patchConfigMap('/metadata/annotations', { touched: 'yes' });
    // Several relists (each 1–2 s) and the watch event of the annotation.
    await new Promise(r => setTimeout(r, 5_000));
    expect(client.lists).toBeGreaterThanOrEqual(lists + 2);
    expect(watcher.state).toEqual({ state: 'synced' });
    expect(changes).toBe(1);
    expect(watcher.revision).toBe(revision);
    expect(watcher.items.get(`${NAMESPACE}/paint`)).toEqual({ colour: 'red' });
  });

  it('signals a change of a field it keeps, once', async () => {
    const before = changes;
    await patchConfigMap('/data/colour', 'blue');
    await waitFor(
      'the new colour',
      async () => watcher.items.get(`${NAMESPACE}/paint`)?.colour === 'blue',
    );
    await new Promise(r => setTimeout(r, 3_000));
    expect(changes).toBe(before + 1);
  });

  it('signals a deletion', async () => {
    const before = changes;
    await core.deleteNamespacedConfigMap({
      name: 'paint',
      namespace: NAMESPACE,
    });
    await waitFor('the deletion', async () => watcher.items.size === 0);
    expect(changes).toBe(before + 1);
  });

  it('reads a list the API server sends compressed (128 KiB and more), as every list asks', async () => {
    const big = `${NAMESPACE}-big`;
    await core.createNamespace({ body: { metadata: { name: big } } });
    for (let i = 0; i < 150; i++) {
      await core.createNamespacedConfigMap({
        namespace: big,
        body: {
          metadata: { name: `pool-${i}` },
          data: { colour: `shade-${i}`, notes: `line ${i} `.repeat(120) },
        },
      });
    }
    const relay = await startTcpRelay(plane.server('central'));
    const bigWatcher = new ListWatcher({
      http: new KubeClient(relay.through(plane.kubeConfig('central'))),
      kindName: 'ConfigMap',
      path: `/api/v1/namespaces/${big}/configmaps`,
      extract: obj => ({ colour: obj.data?.colour }),
      onChange: () => {},
      onState: () => {},
      resyncMs: 600_000,
      unreadableRetryMs: 1_000,
      maxRetryDelayMs: 1_000,
    });
    try {
      bigWatcher.start();
      await waitFor('the big list', async () => bigWatcher.everSynced);
      expect(bigWatcher.items.size).toBe(150);
      expect(
        [...bigWatcher.items.values()].filter(v => v.colour === 'shade-149'),
      ).toHaveLength(1);
      const listed = await core.listNamespacedConfigMap({ namespace: big });
      const uncompressed = JSON.stringify(listed).length;
      expect(uncompressed).toBeGreaterThan(128 * 1024);
      // The whole exchange (TLS handshake, list, watch) took far fewer bytes than the list's JSON.
      expect(relay.bytes.down).toBeLessThan(uncompressed / 4);
    } finally {
      await bigWatcher.stop();
      await relay.close();
    }
  });
});
