/*
 * Hostile input, table-driven: every case must end in a clear error that names the field, the
 * message must stay one problem per line (no injected newlines or control characters), and
 * nothing may be written to the (fake) API server.
 */
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import {
  FakeObjectClient,
  actionFailure,
  makeDeps,
  runAction,
} from '../__testUtils__/fakes';
import { createTenantCreateAction } from './tenantCreate';
import { createIslandCreateAction } from './islandCreate';
import { createAddonSetCreateAction } from './addonSetCreate';
import { KamajiActionDeps } from './common';
import { renderAddonSet, renderIsland, renderTenantCluster } from '../render';

const tenant = {
  name: 'shop-42',
  island: 'island-a',
  kubernetesVersion: 'v1.34.2',
  workerPools: [{ name: 'edge', replicas: 2 }],
  addonSets: ['observability'],
  owner: 'team-retail',
};
const island = {
  name: 'island-c',
  site: 'shop-hamburg',
  owner: 'platform-team',
  kubernetesVersion: 'v1.34.2',
};
const addonSet = {
  name: 'metrics',
  owner: 'platform-team',
  chart: {
    repositoryURL: 'https://kubernetes-sigs.github.io/metrics-server/',
    chartName: 'metrics-server',
    chartVersion: '3.12.2',
  },
};

/** Strings no DNS-1123 label accepts. */
const NOT_A_LABEL: unknown[] = [
  '',
  ' ',
  ' shop',
  'shop ',
  'a'.repeat(64),
  'a'.repeat(1000),
  'Shop_42',
  'UPPER',
  '-leading',
  'trailing-',
  'under_score',
  'dot.ted',
  'ünïcödé',
  '店舗',
  '🚀',
  'ＦＵＬＬ',
  'zero\u200bwidth',
  '$(rm -rf /)',
  '`id`',
  '; rm -rf /',
  '{{ .Values.x }}',
  '${{ secrets.token }}',
  '../etc',
  '..',
  'a/b',
  'name\nkind: Secret',
  'a: b',
  '- x',
  '&anchor',
  '*alias',
  '!!python/object',
  '#comment',
  "'quoted'",
  '"dq"',
  '<script>alert(1)</script>',
  'nul\u0000byte',
  'tab\tchar',
  42,
  -1,
  true,
  null,
  [],
  {},
  ['shop'],
];

const BAD_VERSIONS: unknown[] = [
  'v1.34',
  '1.34',
  'V1.34.2',
  'v1.34.2-rc.1',
  'v1.34.2+k3s1',
  'v2.0.0',
  'v1.99.0',
  'v1.034.2',
  'v1.34.2\n',
  ' v1.34.2',
  'latest',
  'v1.30.14',
  'v1.37.0',
  '${{ parameters.version }}',
  1.34,
];

const BAD_REPLICAS: unknown[] = [-1, 101, 1e9, 1.5, '3', null, true, [], {}];

const BAD_CIDRS: unknown[] = [
  '10.0.0.0/33',
  '300.1.1.1/16',
  '10.244.0.0',
  '10.244.0.1/16',
  '10.244.0.0/16 ',
  'fd00::/200',
  '::/0',
  'abc/16',
  '10.96.0.0/12',
  '10.96.0.0/16\n- 0.0.0.0/0',
  '010.244.0.0/16',
  16,
];

const BAD_OWNERS: unknown[] = [
  '',
  'user:default/alice',
  'component:default/shop',
  'group:default/',
  'group:/team',
  'team retail',
  'group:default/team-ghost',
  `group:default/${'t'.repeat(70)}`,
  'team-retail\nkamaji-backstage.io/owner: platform-team',
  '$(whoami)',
  12,
];

const BAD_URLS: unknown[] = [
  '',
  'charts.example.com',
  'ftp://charts.example.com',
  // eslint-disable-next-line no-script-url
  'javascript:alert(1)',
  'file:///etc/passwd',
  'https://user:pass@charts.example.com',
  'https://charts.example.com/$(id)',
  'https://',
  `https://x.example.com/${'a'.repeat(3000)}`,
];

type Case = {
  action: 'tenant' | 'island' | 'addonset';
  field: string;
  value: unknown;
  /** The path the error must name (default: field). */
  path?: string;
};

function set(obj: any, path: string, value: unknown): any {
  // JSON.parse makes `__proto__` an own property, as a request body would.
  const copy = JSON.parse(JSON.stringify(obj));
  if (path === '__proto__') {
    return JSON.parse(
      `${JSON.stringify(obj).slice(0, -1)},"__proto__":${JSON.stringify(
        value,
      )}}`,
    );
  }
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = copy;
  for (const p of parts.slice(0, -1)) o = o[p];
  o[parts[parts.length - 1]] = value;
  return copy;
}

const cases: Case[] = [
  ...NOT_A_LABEL.map(value => ({
    action: 'tenant' as const,
    field: 'name',
    value,
  })),
  ...NOT_A_LABEL.filter(v => typeof v === 'string' && v.length > 0)
    .slice(0, 20)
    .map(value => ({
      action: 'tenant' as const,
      field: 'workerPools[0].name',
      value,
    })),
  ...NOT_A_LABEL.filter(v => typeof v === 'string')
    .slice(0, 12)
    .map(value => ({
      action: 'tenant' as const,
      field: 'namespace',
      value,
    })),
  ...NOT_A_LABEL.filter(v => typeof v === 'string')
    .slice(0, 12)
    .map(value => ({
      action: 'tenant' as const,
      field: 'addonSets[0]',
      value,
    })),
  ...NOT_A_LABEL.filter(v => typeof v === 'string')
    .slice(4, 16)
    .map(value => ({
      action: 'tenant' as const,
      field: 'island',
      value,
    })),
  ...BAD_VERSIONS.map(value => ({
    action: 'tenant' as const,
    field: 'kubernetesVersion',
    value,
  })),
  ...BAD_REPLICAS.map(value => ({
    action: 'tenant' as const,
    field: 'workerPools[0].replicas',
    value,
  })),
  ...[0, 6, -3, 2.5, '2'].map(value => ({
    action: 'tenant' as const,
    field: 'controlPlaneReplicas',
    value,
  })),
  ...BAD_CIDRS.map(value => ({
    action: 'tenant' as const,
    field: 'podCidr',
    value,
    // An overlapping but valid pod CIDR is reported on the service CIDR it collides with.
    path: value === '10.96.0.0/12' ? 'serviceCidr' : 'podCidr',
  })),
  ...[
    'local',
    '',
    'Cluster.Local',
    'cluster..local',
    '.cluster.local',
    'a'.repeat(254),
  ].map(value => ({
    action: 'tenant' as const,
    field: 'serviceDomain',
    value,
  })),
  ...BAD_OWNERS.map(value => ({
    action: 'tenant' as const,
    field: 'owner',
    value,
  })),
  { action: 'tenant', field: 'workerPools', value: 'edge' },
  {
    action: 'tenant',
    field: 'workerPools',
    value: [null],
    path: 'workerPools[0]',
  },
  {
    action: 'tenant',
    field: 'workerPools',
    value: [{ name: 'edge' }],
    path: 'workerPools[0].replicas',
  },
  {
    action: 'tenant',
    field: 'workerPools',
    value: [{ name: 'edge', replicas: 1, image: 'evil:latest' }],
    path: 'workerPools[0].image',
  },
  { action: 'tenant', field: 'addonSets', value: 'observability' },
  // An addon set that does not exist is an error (nothing created), not a warning in the log.
  {
    action: 'tenant',
    field: 'addonSets',
    value: ['observability', 'observabilty'],
    path: 'addonSets[1]',
  },
  {
    action: 'tenant',
    field: 'addonSets',
    value: ['edge-baseline'],
    path: 'addonSets[0]',
  },
  { action: 'tenant', field: '__proto__', value: { admin: true } },
  // A merge key that was not merged is named as one, not as a misspelt field.
  { action: 'tenant', field: '<<', value: { controlPlaneReplicas: 2 } },
  {
    action: 'tenant',
    field: 'constructor',
    value: { prototype: { admin: true } },
  },
  { action: 'tenant', field: 'spec', value: { name: 'x' } },
  ...NOT_A_LABEL.filter(v => typeof v === 'string')
    .slice(0, 10)
    .map(value => ({
      action: 'island' as const,
      field: 'name',
      value,
    })),
  { action: 'island', field: 'name', value: 'i'.repeat(57) },
  ...['', 'shop hamburg', 'shop/hamburg', 's'.repeat(64), '$(id)', 'a\nb'].map(
    value => ({
      action: 'island' as const,
      field: 'site',
      value,
    }),
  ),
  ...[2, 4, 0, -1, 7, '3'].map(value => ({
    action: 'island' as const,
    field: 'controlPlaneReplicas',
    value,
  })),
  ...['latest', '', '1.0.0; rm -rf /', '{{ .x }}'].map(value => ({
    action: 'island' as const,
    field: 'kamajiChartVersion',
    value,
  })),
  ...BAD_URLS.map(value => ({
    action: 'addonset' as const,
    field: 'chart.repositoryURL',
    value,
  })),
  ...['', 'Metrics', '../chart', 'a b', 'x'.repeat(64)].map(value => ({
    action: 'addonset' as const,
    field: 'chart.chartName',
    value,
  })),
  ...['', '>=3', 'latest', '3.12.2; echo', 'v'.repeat(70)].map(value => ({
    action: 'addonset' as const,
    field: 'chart.chartVersion',
    value,
  })),
  ...['key: [unclosed', '- a\n- b', 'a: b\n  c: d\n e', 'x'.repeat(70000)].map(
    value => ({
      action: 'addonset' as const,
      field: 'chart.values',
      value,
    }),
  ),
  ...[
    '',
    'just text',
    'kind: ConfigMap',
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\nstringData:\n  token: x',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {}',
    '---\n- list\n',
    'a: [',
  ].map(value => ({ action: 'addonset' as const, field: 'manifests', value })),
  ...['Kustomization', '', 'clusterprofile', 3].map(value => ({
    action: 'addonset' as const,
    field: 'kind',
    value,
  })),
];

const actions: Record<
  Case['action'],
  [(d: KamajiActionDeps) => TemplateAction<any, any, any>, unknown]
> = {
  tenant: [createTenantCreateAction, tenant],
  island: [createIslandCreateAction, island],
  addonset: [createAddonSetCreateAction, addonSet],
};

describe('hostile input', () => {
  it('has at least 100 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(
    cases.map(
      c =>
        [c.action, c.field, JSON.stringify(c.value)?.slice(0, 60), c] as const,
    ),
  )('%s %s = %s', async (_a, _f, _v, c) => {
    const deps = makeDeps({ groups: ['group:default/platform-team'] });
    const client = deps.client as FakeObjectClient;
    const [make, base] = actions[c.action];
    const input = set(base, c.field, c.value);
    const e = await actionFailure(make(deps), input);
    expect(e).toBeInstanceOf(InputError);
    const path = c.path ?? c.field;
    const lines = e.message.split('\n');
    expect(lines[0]).toMatch(/^Invalid [a-z ]+ \(\d+ problems?\):$/);
    // One problem per line: hostile values cannot inject lines or control characters.
    for (const line of lines.slice(1)) expect(line).toMatch(/^- \S+: /);
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(lines.some(l => l.startsWith(`- ${path}: `))).toBe(true);
    expect(client.writes).toEqual([]);
  });

  it.each([[], 'name: shop-42', 42, true])(
    'rejects a whole input of %j',
    async value => {
      const deps = makeDeps();
      const e = await actionFailure(createTenantCreateAction(deps), value);
      expect(e.message).toMatch(/- \(input\): must be an object/);
      expect((deps.client as FakeObjectClient).calls).toEqual([]);
    },
  );

  it('reads a version written without its leading v, with a note in the task log', async () => {
    const deps = makeDeps({ groups: ['group:default/platform-team'] });
    const client = deps.client as FakeObjectClient;
    const { logger } = await runAction(createTenantCreateAction(deps), {
      ...tenant,
      kubernetesVersion: '1.34.2',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      "Note: kubernetesVersion: '1.34.2' has no leading 'v': read as 'v1.34.2'",
    );
    expect((client.all('KamajiControlPlane')[0] as any).spec.version).toBe(
      'v1.34.2',
    );
  });

  it('says a merge key that reached the input unmerged is a merge key', async () => {
    const deps = makeDeps();
    const e = await actionFailure(createTenantCreateAction(deps), {
      ...tenant,
      '<<': { controlPlaneReplicas: 2 },
    });
    expect(e.message).toContain('- <<: is a YAML merge key');
    expect(e.message).not.toContain('check its spelling');
  });

  it('accepts merge keys in Helm values, which Helm merges too', () => {
    const values =
      'defaults: &d\n  replicas: 2\nserver:\n  <<: *d\n  port: 443\n';
    const objects = renderAddonSet({
      ...addonSet,
      chart: { ...addonSet.chart, values },
    });
    expect(objects.length).toBeGreaterThan(0);
    // Merged, not kept as a key: a merge source that is no mapping is an error naming the field.
    expect(() =>
      renderAddonSet({
        ...addonSet,
        chart: { ...addonSet.chart, values: 'server:\n  <<: 3\n' },
      }),
    ).toThrow(/- chart\.values: is not valid YAML: Merge sources must be maps/);
  });

  it('rejects null values files in every render function', () => {
    for (const render of [renderTenantCluster, renderIsland, renderAddonSet]) {
      expect(() => render(null)).toThrow(/- \(input\): must be an object/);
    }
  });
});
