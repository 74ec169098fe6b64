import { parseAllDocuments } from 'yaml';
import { main } from './main';

function io(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
      readFile: (p: string) => {
        if (!(p in files))
          throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        return files[p];
      },
    },
  };
}

const tenant = `name: shop-42
island: island-b
kubernetesVersion: v1.34.2
workerPools:
  - name: edge
    replicas: 2
owner: team-retail
`;

describe('kamaji-render', () => {
  it('prints the objects as multi-document YAML', async () => {
    const t = io({ 'v.yaml': tenant });
    expect(await main(['render', 'tenant', 'v.yaml'], t.io)).toBe(0);
    const docs = parseAllDocuments(t.out.join('')).map(d => d.toJS());
    expect(docs.map(d => d.kind)).toEqual([
      'Cluster',
      'KamajiControlPlane',
      'KubeadmConfigTemplate',
      'MachineDeployment',
      'ClusterResourceSet',
      'ConfigMap',
    ]);
    expect(t.err).toEqual([]);
  });

  it('adds provenance annotations and reads profiles from --config', async () => {
    const t = io({
      'v.yaml': tenant,
      'app-config.yaml': `kamaji:
  scaffolder:
    islandProfiles:
      island-b:
        workers:
          infrastructure:
            kind: EdgeMachineTemplate
            name: berlin-workers
`,
    });
    expect(
      await main(
        [
          'render',
          'tenant',
          'v.yaml',
          '--config',
          'app-config.yaml',
          '--requested-by=user:default/alice',
          '--task-id',
          't-1',
        ],
        t.io,
      ),
    ).toBe(0);
    const [cluster, , , md] = parseAllDocuments(t.out.join('')).map(d =>
      d.toJS(),
    );
    expect(cluster.metadata.annotations).toEqual({
      'kamaji-backstage.io/requested-by': 'user:default/alice',
      'kamaji-backstage.io/task-id': 't-1',
    });
    expect(md.spec.template.spec.infrastructureRef).toEqual({
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'EdgeMachineTemplate',
      name: 'berlin-workers',
    });
  });

  it('merges YAML merge keys (<<: *anchor) in values files', async () => {
    const t = io({
      'merge.yaml': `name: shop-42
island: island-b
kubernetesVersion: v1.34.2
workerPools:
  - &edge
    name: edge
    replicas: 3
  - <<: *edge
    name: edge-spare
owner: team-retail
`,
    });
    expect(await main(['render', 'tenant', 'merge.yaml'], t.io)).toBe(0);
    const pools = parseAllDocuments(t.out.join(''))
      .map(d => d.toJS())
      .filter(o => o.kind === 'MachineDeployment');
    expect(pools.map(p => [p.metadata.name, p.spec.replicas])).toEqual([
      ['shop-42-edge', 3],
      ['shop-42-edge-spare', 3],
    ]);
    expect(t.err).toEqual([]);
  });

  it.each([
    [
      ['render', 'tenant', 'bad-merge.yaml'],
      1,
      "bad-merge.yaml is not valid YAML: Merge sources must be maps or map aliases (a merge key takes an anchored mapping or a list of them, e.g. '<<: *defaults')",
    ],
    [
      ['render', 'tenant', 'bad.yaml'],
      1,
      'kamaji-render: bad.yaml: Invalid tenant cluster input (1 problem):\n- name: must be a DNS-1123 label',
    ],
    [['render', 'tenant', 'broken.yaml'], 1, 'broken.yaml is not valid YAML'],
    [
      ['render', 'tenant', 'missing.yaml'],
      1,
      'cannot read the values file missing.yaml: ENOENT',
    ],
    [['render', 'cluster', 'v.yaml'], 2, "unknown kind 'cluster'"],
    [['render', 'tenant'], 2, 'Usage: kamaji-render render'],
    [['render', 'tenant', 'v.yaml', '--force'], 2, 'unknown option --force'],
    [['render', 'tenant', 'v.yaml', '--config'], 2, '--config needs a value'],
    [
      ['render', 'tenant', 'v.yaml', '--config', 'bad-config.yaml'],
      1,
      'Invalid configuration',
    ],
  ])('%j exits %d', async (argv, code, message) => {
    const t = io({
      'v.yaml': tenant,
      'bad.yaml': tenant.replace('shop-42', 'Shop 42'),
      'broken.yaml': 'name: [shop',
      'bad-merge.yaml': tenant.replace(
        '  - name: edge\n    replicas: 2\n',
        '  - <<: 3\n',
      ),
      'bad-config.yaml':
        'kamaji:\n  scaffolder:\n    kubernetesVersions:\n      max: latest\n',
    });
    expect(await main(argv as string[], t.io)).toBe(code);
    expect(t.err.join('')).toContain(message);
    expect(t.out).toEqual([]);
  });

  it('prints help', async () => {
    const t = io({});
    expect(await main(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toContain(
      'Exit codes: 0 rendered, 1 invalid values or configuration, 2 wrong usage.',
    );
  });
});
