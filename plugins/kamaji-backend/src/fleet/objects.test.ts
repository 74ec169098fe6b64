import {
  extractCluster,
  extractClusterSummary,
  extractHelmReleaseProxy,
  extractKcp,
  extractMachineDeployment,
  extractSecret,
  extractTcp,
  readRef,
} from './objects';

describe('extractors', () => {
  it('read a v1beta2 Cluster, keeping only conditions not in their good state', () => {
    const c = extractCluster({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      metadata: {
        name: 'a',
        namespace: 'ns',
        uid: 'u1',
        labels: { x: 'y' },
        managedFields: [{}],
      },
      spec: {
        controlPlaneRef: {
          apiGroup: 'controlplane.cluster.x-k8s.io',
          kind: 'KamajiControlPlane',
          name: 'a',
        },
        controlPlaneEndpoint: { host: '10.0.0.1', port: 6443 },
      },
      status: {
        phase: 'Provisioned',
        initialization: { controlPlaneInitialized: true },
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'Available',
            message: '',
          },
          { type: 'InfrastructureReady', status: 'True', reason: 'Ready' },
          {
            type: 'WorkersAvailable',
            status: 'False',
            reason: 'NotAvailable',
            message: 'x',
          },
          { type: 'Paused', status: 'False', reason: 'NotPaused' },
          { type: 'RollingOut', status: 'True', reason: 'RollingOut' },
        ],
      },
    });
    expect(c).toEqual({
      name: 'a',
      namespace: 'ns',
      labels: { x: 'y' },
      createdAt: undefined,
      deleting: false,
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      phase: 'Provisioned',
      controlPlaneRef: {
        group: 'controlplane.cluster.x-k8s.io',
        kind: 'KamajiControlPlane',
        name: 'a',
      },
      endpoint: '10.0.0.1:6443',
      available: 'True',
      controlPlaneInitialized: true,
      conditions: [
        {
          type: 'WorkersAvailable',
          status: 'False',
          reason: 'NotAvailable',
          message: 'x',
          source: 'Cluster',
        },
        {
          type: 'RollingOut',
          status: 'True',
          reason: 'RollingOut',
          source: 'Cluster',
        },
      ],
      version: undefined,
      paused: undefined,
    });
  });

  it('read a v1beta1 Cluster: apiVersion refs, conditions under status.v1beta2', () => {
    const c = extractCluster({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      metadata: { name: 'old', namespace: 'ns' },
      spec: {
        controlPlaneRef: {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
          kind: 'KamajiControlPlane',
          name: 'old',
          namespace: 'ns',
        },
      },
      status: {
        phase: 'Provisioned',
        controlPlaneReady: true,
        conditions: [{ type: 'Ready', status: 'True', severity: '' }],
        v1beta2: {
          conditions: [
            { type: 'Available', status: 'False', reason: 'NotAvailable' },
          ],
        },
      },
    });
    expect(c.controlPlaneRef).toEqual({
      group: 'controlplane.cluster.x-k8s.io',
      kind: 'KamajiControlPlane',
      name: 'old',
    });
    expect(c.available).toBe('False');
    expect(c.controlPlaneInitialized).toBe(true);
    expect(c.problems).toBeUndefined();
  });

  it('tolerate missing and malformed fields, reporting them', () => {
    const c = extractCluster({
      metadata: { name: 'x', namespace: 'ns' },
      spec: {},
      status: { conditions: 'nope' },
    });
    expect(c.problems).toEqual([
      'status.conditions is not a list',
      'Cluster has no spec.controlPlaneRef',
    ]);
    expect(
      extractCluster({
        metadata: { name: 'y' },
        spec: { controlPlaneRef: { kind: 'X' } },
      }).problems,
    ).toEqual(['spec.controlPlaneRef is malformed (needs kind and name)']);
    expect(() => extractCluster(null)).not.toThrow();
    expect(() => extractKcp({})).not.toThrow();
    expect(() => extractTcp(42)).not.toThrow();
    expect(() => extractMachineDeployment({ status: [] })).not.toThrow();
  });

  it('read a KCP external cluster reference, defaulting the Secret namespace', () => {
    const k = extractKcp({
      metadata: { name: 'k', namespace: 'tenants', uid: 'u' },
      spec: {
        version: '1.34.2',
        deployment: {
          externalClusterReference: {
            deploymentNamespace: 'kamaji-tenants',
            kubeconfigSecretName: 'island-a-kubeconfig',
            kubeconfigSecretKey: 'value',
          },
        },
      },
      status: { ready: true, initialized: true, version: 'v1.34.2' },
    });
    expect(k.external).toEqual({
      deploymentNamespace: 'kamaji-tenants',
      secretName: 'island-a-kubeconfig',
      secretNamespace: 'tenants',
      secretKey: 'value',
    });
    expect(k.ready && k.initialized).toBe(true);
    const bad = extractKcp({
      metadata: { name: 'k', namespace: 'n' },
      spec: { version: 'v1', deployment: { externalClusterReference: {} } },
    });
    expect(bad.problems).toEqual([
      'externalClusterReference has no kubeconfigSecretName',
      'externalClusterReference has no deploymentNamespace',
    ]);
  });

  it('read a TCP with garbage status as Unknown, with problems', () => {
    const t = extractTcp({
      metadata: { name: 't', namespace: 'n' },
      spec: { kubernetes: { version: 'v1.34.2' } },
      status: {
        controlPlaneEndpoint: 'not an endpoint!',
        kubernetesResources: {
          version: { status: 'Exploded', version: 'banana' },
          deployment: { replicas: 'two' },
        },
      },
    });
    expect(t).toMatchObject({
      status: 'Unknown',
      version: 'banana',
      endpoint: undefined,
      replicas: undefined,
    });
    expect(t.problems).toEqual([
      'status.kubernetesResources.version.status is not a known value',
      'status.controlPlaneEndpoint is not host:port',
    ]);
    expect(extractTcp({ metadata: { name: 't', namespace: 'n' } }).status).toBe(
      'Provisioning',
    );
  });

  it('read addon delivery states', () => {
    expect(
      extractClusterSummary({
        metadata: {
          namespace: 'n',
          labels: { 'projectsveltos.io/cluster-profile-name': 'p' },
        },
        spec: { clusterName: 'c', clusterType: 'Capi' },
        status: {
          featureSummaries: [
            { featureID: 'Helm', status: 'Provisioned' },
            {
              featureID: 'Resources',
              status: 'Failed',
              failureMessage: 'boom',
            },
          ],
        },
      }),
    ).toEqual({
      namespace: 'n',
      profileName: 'p',
      clusterName: 'c',
      clusterType: 'Capi',
      state: 'failed',
      message: 'boom',
    });
    expect(
      extractHelmReleaseProxy({
        metadata: { namespace: 'n', labels: {} },
        status: { status: 'pending-install' },
      }).state,
    ).toBe('progressing');
    expect(
      extractHelmReleaseProxy({
        metadata: { namespace: 'n' },
        status: { status: 'deployed' },
      }).state,
    ).toBe('applied');
  });

  it('keep only a hash of Secrets, and the data only when asked', () => {
    const secret = {
      metadata: {
        name: 'island-a-kubeconfig',
        namespace: 'fleet-islands',
        labels: { 'cluster.x-k8s.io/cluster-name': 'island-a' },
      },
      data: { value: Buffer.from('apiVersion: v1').toString('base64') },
    };
    const slim = extractSecret(secret, () => false);
    expect(slim).toEqual({
      namespace: 'fleet-islands',
      name: 'island-a-kubeconfig',
      clusterName: 'island-a',
      hash: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(extractSecret(secret, () => true).data).toEqual({
      value: 'apiVersion: v1',
    });
  });

  it('match references on group and kind', () => {
    expect(
      readRef({
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
        kind: 'KamajiControlPlane',
        name: 'x',
      })?.group,
    ).toBe('controlplane.cluster.x-k8s.io');
    expect(readRef({ kind: 'KamajiControlPlane' })).toBeUndefined();
  });
});
