import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '@internal/test-kube';
import { parseAllDocuments } from 'yaml';
import {
  extractClusterProfile,
  extractClusterResourceSet,
  extractHelmChartProxy,
} from './objects';

/** The first object of an upstream example file (shared/upstream-examples). */
function upstream(file: string): any {
  const text = readFileSync(
    join(SHARED_DIR, 'upstream-examples', file),
    'utf8',
  );
  return parseAllDocuments(text)[0].toJS();
}

describe('addon set extractors on upstream objects', () => {
  it('reads a Sveltos ClusterProfile: cluster-scoped, its charts, failed clusters', () => {
    const profile = upstream('sveltos/docs__addons__helm_charts.md__L316.yaml');
    profile.spec.clusterRefs = [
      { kind: 'Cluster', namespace: 'edge', name: 'berlin' },
      { kind: 'SveltosCluster', namespace: 'edge', name: 'other' },
    ];
    profile.status = {
      failedClusters: [
        {
          clusterRef: { namespace: 'edge', name: 'berlin' },
          failureMessage: 'chart not found',
        },
      ],
    };
    expect(extractClusterProfile(profile)).toEqual({
      kind: 'ClusterProfile',
      name: 'deploy-cilium-v1-26',
      namespace: '',
      selector: { matchLabels: { env: 'fv' } },
      clusterRefs: ['edge/berlin'],
      contents: ['cilium/cilium@1.12.12'],
      failedClusters: { 'edge/berlin': 'chart not found' },
    });
  });

  it('reads a CAPI ClusterResourceSet: its resources and ResourcesApplied', () => {
    const set = upstream(
      'cluster-api/docs__book__src__tasks__cluster-resource-set.md__L17.yaml',
    );
    set.status = {
      conditions: [
        {
          type: 'ResourcesApplied',
          status: 'True',
          lastTransitionTime: '2026-12-07T10:00:00Z',
          reason: 'Applied',
        },
      ],
    };
    const slim = extractClusterResourceSet(set);
    expect(slim).toMatchObject({
      kind: 'ClusterResourceSet',
      name: 'cloud-provider-openstack',
      namespace: 'default',
      selector: { matchLabels: { cloud: 'openstack' } },
      clusterRefs: [],
      contents: ['ConfigMap/cloud-provider-openstack', 'Secret/cloud-config'],
      condition: { type: 'ResourcesApplied', status: 'True' },
      failedClusters: {},
    });
    expect(slim.problems).toBeUndefined();
  });

  it('reads a HelmChartProxy: its chart and an empty selector matching every cluster', () => {
    const proxy = upstream(
      'cluster-api-addon-provider-helm/config__samples__calico-cni.yaml',
    );
    proxy.spec.version = 'v3.28.0';
    expect(extractHelmChartProxy(proxy)).toEqual({
      kind: 'HelmChartProxy',
      name: 'calico-cni',
      namespace: '',
      selector: { matchLabels: {} },
      clusterRefs: [],
      contents: ['tigera-operator@v3.28.0'],
      failedClusters: {},
    });
  });

  it('names what is malformed and keeps reading the rest', () => {
    const slim = extractClusterResourceSet({
      metadata: { name: 'broken', namespace: 'addons' },
      spec: {
        clusterSelector: 'env=edge',
        resources: [{ kind: 'ConfigMap' }, { kind: 'Secret', name: 'x' }],
      },
      status: { conditions: 'Ready' },
    });
    expect(slim.selector).toBeUndefined();
    expect(slim.contents).toEqual(['Secret/x']);
    expect(slim.problems).toEqual([
      expect.stringContaining('spec.clusterSelector'),
      expect.stringContaining('status.conditions'),
    ]);
  });
});
