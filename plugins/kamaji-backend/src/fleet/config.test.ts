import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  buildManagementKubeConfig,
  DEFAULT_TIMINGS,
  readFleetConfig,
} from './config';

const dir = mkdtempSync(join(tmpdir(), 'fleet-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kubeconfig = join(dir, 'kubeconfig.yaml');
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters:
- name: central
  cluster: {server: "https://127.0.0.1:6443"}
- name: other
  cluster: {server: "https://10.0.0.1:6443"}
users:
- name: u
  user: {token: "s3cret-token-value"}
contexts:
- name: central
  context: {cluster: central, user: u}
- name: other
  context: {cluster: other, user: u}
current-context: central
`,
);
const caFile = join(dir, 'ca.crt');
writeFileSync(
  caFile,
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
);
const notYaml = join(dir, 'broken.yaml');
writeFileSync(notYaml, 'users:\n  - token: "s3cret-token-value\n  bad: [');

const read = (kamaji: unknown) =>
  readFleetConfig(new ConfigReader({ kamaji } as any));
const problems = (kamaji: unknown): string => {
  try {
    read(kamaji);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('readFleetConfig', () => {
  it('reads the three ways to reach a management cluster, with defaults', () => {
    const c = read({
      managementClusters: [
        { name: 'central', title: 'Central', kubeconfig: { path: kubeconfig } },
        { name: 'west', kubeconfig: { path: kubeconfig, context: 'other' } },
        {
          name: 'east',
          url: 'https://east.example.com:6443',
          serviceAccountToken: 'tok',
          caFile,
        },
      ],
    });
    expect(c.timings).toEqual(DEFAULT_TIMINGS);
    expect(c.managementClusters.map(m => [m.name, m.access.type])).toEqual([
      ['central', 'kubeconfig'],
      ['west', 'kubeconfig'],
      ['east', 'token'],
    ]);
    expect(
      buildManagementKubeConfig(c.managementClusters[1]).getCurrentCluster()
        ?.server,
    ).toBe('https://10.0.0.1:6443');
    const east = buildManagementKubeConfig(c.managementClusters[2]);
    expect(east.getCurrentCluster()).toMatchObject({
      server: 'https://east.example.com:6443',
      caFile,
    });
    expect(east.getCurrentUser()?.token).toBe('tok');
  });

  it('reads replica mode with its defaults, off unless enabled', () => {
    const clusters = [
      { name: 'central', kubeconfig: { path: kubeconfig } },
      { name: 'edge', kubeconfig: { path: kubeconfig } },
    ];
    expect(read({ managementClusters: clusters }).replicas).toBeUndefined();
    const on = read({
      managementClusters: clusters,
      fleet: { replicas: { enabled: true } },
    }).replicas!;
    expect(on).toMatchObject({
      shards: 16,
      leaseNamespace: 'kamaji-system',
      leaseCluster: 'central',
      leaseDurationMs: 10_000,
      renewIntervalMs: 2_000,
      followIntervalMs: 500,
    });
    expect(on.identity).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));
    expect(
      read({
        managementClusters: clusters,
        fleet: {
          replicas: {
            enabled: true,
            identity: 'backstage-0',
            shards: 4,
            leaseCluster: 'edge',
            leaseDuration: '20s',
            renewInterval: '5s',
            followInterval: '1s',
          },
        },
      }).replicas,
    ).toEqual({
      identity: 'backstage-0',
      shards: 4,
      leaseNamespace: 'kamaji-system',
      leaseCluster: 'edge',
      leaseDurationMs: 20_000,
      renewIntervalMs: 5_000,
      followIntervalMs: 1_000,
    });
    const refused = problems({
      managementClusters: clusters,
      fleet: {
        replicas: {
          enabled: true,
          shards: 0,
          leaseCluster: 'nowhere',
          leaseNamespace: 'Kamaji System',
          renewInterval: '8s',
        },
      },
    });
    expect(refused).toContain(
      'kamaji.fleet.replicas.shards: must be an integer from 1 to 1024',
    );
    expect(refused).toContain(
      'kamaji.fleet.replicas.leaseCluster: must name a configured management cluster',
    );
    expect(refused).toContain(
      'kamaji.fleet.replicas.leaseNamespace: must be a namespace name',
    );
    expect(refused).toContain(
      'kamaji.fleet.replicas.renewInterval: must be at most half of leaseDuration',
    );
  });

  it('treats a missing list as an empty fleet', () => {
    expect(read({}).managementClusters).toEqual([]);
    expect(readFleetConfig(new ConfigReader({})).managementClusters).toEqual(
      [],
    );
  });

  it('reads timings', () => {
    const c = read({
      fleet: {
        resyncInterval: '2m',
        probeInterval: { seconds: 2 },
        readinessInterval: '30s',
        debounce: '20ms',
      },
    });
    expect(c.timings).toMatchObject({
      resyncIntervalMs: 120_000,
      probeIntervalMs: 2_000,
      readinessIntervalMs: 30_000,
      debounceMs: 20,
    });
  });

  it.each([
    [
      'a name that is not a DNS label',
      [
        { name: 'central', kubeconfig: { path: kubeconfig } },
        { name: 'Central!', kubeconfig: { path: kubeconfig } },
      ],
      'kamaji.managementClusters[1].name: must be a DNS label, got "Central!"',
    ],
    [
      'a missing name',
      [{ kubeconfig: { path: kubeconfig } }],
      'kamaji.managementClusters[0].name: required',
    ],
    [
      'a duplicate name',
      [
        { name: 'a', kubeconfig: { path: kubeconfig } },
        { name: 'a', kubeconfig: { path: kubeconfig } },
      ],
      'kamaji.managementClusters[1].name: duplicate name "a" (also kamaji.managementClusters[0])',
    ],
    [
      'no way to reach it',
      [{ name: 'a' }],
      'kamaji.managementClusters[0]: give one of kubeconfig, serviceAccount or url',
    ],
    [
      'two ways to reach it',
      [
        {
          name: 'a',
          kubeconfig: { path: kubeconfig },
          serviceAccount: { inCluster: true },
        },
      ],
      'kamaji.managementClusters[0]: give exactly one of kubeconfig, serviceAccount or url, got kubeconfig and serviceAccount',
    ],
    [
      'a url without token',
      [{ name: 'a', url: 'https://x.example.com' }],
      'kamaji.managementClusters[0].serviceAccountToken: required with url',
    ],
    [
      'a token without url',
      [
        {
          name: 'a',
          kubeconfig: { path: kubeconfig },
          serviceAccountToken: 'tok',
        },
      ],
      'kamaji.managementClusters[0].serviceAccountToken: only allowed together with url',
    ],
    [
      'a url with user info',
      [
        {
          name: 'a',
          url: 'https://user:s3cret-token-value@x.example.com',
          serviceAccountToken: 'tok',
        },
      ],
      'kamaji.managementClusters[0].url: must be an http(s) URL without user info',
    ],
    [
      'a token of the wrong type',
      [{ name: 'a', url: 'https://x.example.com', serviceAccountToken: 12345 }],
      'kamaji.managementClusters[0].serviceAccountToken: expected string, received number',
    ],
    [
      'a missing kubeconfig file',
      [{ name: 'a', kubeconfig: { path: '/nonexistent/kubeconfig' } }],
      'kamaji.managementClusters[0].kubeconfig.path: file "/nonexistent/kubeconfig" does not exist',
    ],
    [
      'an unknown context',
      [{ name: 'a', kubeconfig: { path: kubeconfig, context: 'nope' } }],
      `kamaji.managementClusters[0].kubeconfig.context: no context "nope" in "${kubeconfig}"`,
    ],
    [
      'an unknown key',
      [{ name: 'a', kubeconfig: { path: kubeconfig }, token: 'x' }],
      'kamaji.managementClusters[0]: unknown key(s) "token"',
    ],
    [
      'serviceAccount.inCluster false',
      [{ name: 'a', serviceAccount: { inCluster: false } }],
      'kamaji.managementClusters[0].serviceAccount.inCluster: must be true',
    ],
  ])('refuses %s, naming the key', (_what, managementClusters, message) => {
    expect(problems({ managementClusters })).toContain(message);
  });

  it('reads the owner of a management cluster as a group ref, and refuses anything else', () => {
    const ownerOf = (owner: string | undefined) =>
      readFleetConfig(
        new ConfigReader({
          kamaji: {
            managementClusters: [
              { name: 'central', owner, kubeconfig: { path: kubeconfig } },
            ],
          },
        }),
      ).managementClusters[0].owner;
    expect(ownerOf('group:default/platform-team')).toBe(
      'group:default/platform-team',
    );
    expect(ownerOf('platform-team')).toBe('group:default/platform-team');
    expect(ownerOf('ops/SRE')).toBe('group:ops/sre');
    expect(ownerOf('group:Default/Platform-Team')).toBe(
      'group:default/platform-team',
    );
    expect(ownerOf(undefined)).toBeUndefined();
    for (const bad of ['user:default/alice', 'a/b/c', 'group:', '-x']) {
      expect(
        problems({
          managementClusters: [
            { name: 'central', owner: bad, kubeconfig: { path: kubeconfig } },
          ],
        }),
      ).toMatch(
        /kamaji\.managementClusters\[0\]\.owner: (must be a group|give a catalog group)/,
      );
    }
  });

  it('refuses a list that is not a list and bad timings', () => {
    expect(problems({ managementClusters: { name: 'a' } })).toContain(
      'kamaji.managementClusters: must be a list',
    );
    expect(problems({ fleet: { probeInterval: 'soon' } })).toContain(
      'kamaji.fleet.probeInterval: not a duration',
    );
    expect(
      problems({ fleet: { probeInterval: '1s', probeTimeout: '2s' } }),
    ).toContain(
      'kamaji.fleet.probeTimeout: must be shorter than probeInterval',
    );
  });

  it('never quotes credentials or kubeconfig contents', () => {
    const texts = [
      problems({
        managementClusters: [
          {
            name: 'a',
            url: 'https://u:s3cret-token-value@x',
            serviceAccountToken: 's3cret-token-value',
            caData: '%%%',
          },
        ],
      }),
      problems({
        managementClusters: [{ name: 'a', kubeconfig: { path: notYaml } }],
      }),
    ];
    for (const t of texts) expect(t).not.toContain('s3cret-token-value');
    expect(texts[1]).toContain(
      `kamaji.managementClusters[0].kubeconfig.path: "${notYaml}" is not a readable kubeconfig file`,
    );
  });
});
