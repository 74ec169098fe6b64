import { NotAllowedError } from '@backstage/errors';
import {
  FakeObjectClient,
  actionFailure,
  makeDeps,
  runAction,
} from '../__testUtils__/fakes';
import { createAddonSetCreateAction } from './addonSetCreate';

const chart = {
  repositoryURL: 'https://kubernetes-sigs.github.io/metrics-server/',
  chartName: 'metrics-server',
  chartVersion: '3.12.2',
};
const manifests = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: default
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

const platform = () => makeDeps({ groups: ['group:default/platform-team'] });

describe('kamaji:addonset:create', () => {
  it.each([
    [
      'ClusterProfile',
      { chart, manifests },
      ['ConfigMap fleet-addons/metrics-resources', 'ClusterProfile metrics'],
    ],
    ['HelmChartProxy', { chart }, ['HelmChartProxy fleet-tenants/metrics']],
    [
      'ClusterResourceSet',
      { manifests },
      [
        'ConfigMap fleet-tenants/metrics-resources',
        'ClusterResourceSet fleet-tenants/metrics',
      ],
    ],
  ])('creates a %s', async (kind, content, objects) => {
    const deps = platform();
    const { ctx } = await runAction(createAddonSetCreateAction(deps), {
      name: 'metrics',
      kind,
      owner: 'platform-team',
      ...content,
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'objects',
      objects.map(o => `created: ${o}`),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'label',
      'addons.kamaji-backstage.io/metrics',
    );
    const main = (deps.client as FakeObjectClient).all(kind)[0];
    expect(main.metadata.labels).toEqual({
      'kamaji-backstage.io/owner': 'platform-team',
    });
    expect((main as any).spec.clusterSelector).toEqual({
      matchLabels: { 'addons.kamaji-backstage.io/metrics': 'enabled' },
    });
  });

  it('refuses without the create permission', async () => {
    const deps = makeDeps({ allow: false });
    const e = await actionFailure(createAddonSetCreateAction(deps), {
      name: 'metrics',
      owner: 'platform-team',
      chart,
    });
    expect(e).toBeInstanceOf(NotAllowedError);
    expect((deps.client as FakeObjectClient).calls).toEqual([]);
  });

  it('refuses a second addon set with the same name and another kind', async () => {
    const deps = platform();
    const e = await actionFailure(createAddonSetCreateAction(deps), {
      name: 'cilium',
      kind: 'ClusterProfile',
      owner: 'platform-team',
      chart: {
        repositoryURL: 'https://helm.cilium.io/',
        chartName: 'cilium',
        chartVersion: '1.18.1',
      },
    });
    expect(e.message).toContain(
      "name: an addon set 'cilium' already exists as HelmChartProxy in fleet-tenants: clusters with the label addons.kamaji-backstage.io/cilium would get both",
    );
  });

  it.each([
    [
      { kind: 'Kustomization' },
      "kind: must be one of 'ClusterProfile', 'HelmChartProxy', 'ClusterResourceSet'",
    ],
    [
      { chart: { ...chart, repositoryURL: 'ftp://charts.example.com' } },
      'chart.repositoryURL: must be an https://, http:// or oci:// URL',
    ],
    [
      {
        chart: {
          ...chart,
          repositoryURL: 'https://user:secret@charts.example.com',
        },
      },
      'chart.repositoryURL: must not contain credentials',
    ],
    [
      { chart: { ...chart, chartName: 'Metrics Server' } },
      'chart.chartName: must be a chart name',
    ],
    [
      { chart: { ...chart, chartVersion: '>=3' } },
      "chart.chartVersion: must be a chart version like '3.12.2'",
    ],
    [
      { chart: { ...chart, releaseName: 'r'.repeat(54) } },
      'chart.releaseName: must be a DNS-1123 label',
    ],
    [
      { chart: { ...chart, values: 'replicas: [1, 2' } },
      'chart.values: is not valid YAML',
    ],
    [
      { chart: { ...chart, values: '- a\n- b\n' } },
      'chart.values: must be YAML key: value pairs',
    ],
    [
      { manifests: 'kind: ConfigMap\n' },
      'manifests: document 1 needs apiVersion and kind',
    ],
    [{ manifests: '   ' }, 'manifests: must not be empty'],
    [
      { kind: 'HelmChartProxy', manifests },
      'manifests: cannot be delivered by a HelmChartProxy',
    ],
    [
      { kind: 'ClusterResourceSet', chart },
      'chart: cannot be delivered by a ClusterResourceSet',
    ],
    [{ name: 'x'.repeat(54) }, 'name: must be a DNS-1123 label'],
    [
      { namespace: 'addons-west' },
      "namespace: namespace 'addons-west' does not exist in central",
    ],
  ])('%j', async (change, message) => {
    const deps = platform();
    const e = await actionFailure(createAddonSetCreateAction(deps), {
      name: 'metrics',
      owner: 'platform-team',
      chart,
      ...change,
    });
    expect(e.message).toContain(message);
    expect((deps.client as FakeObjectClient).writes).toEqual([]);
  });
});
