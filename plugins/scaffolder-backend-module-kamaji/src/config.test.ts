import { ConfigReader } from '@backstage/config';
import { readScaffolderSettings } from './config';
import { DEFAULT_ISLAND_PROFILE } from './render/settings';

describe('readScaffolderSettings', () => {
  it('uses the defaults without configuration', () => {
    const s = readScaffolderSettings(new ConfigReader({}));
    expect(s.kubernetesVersions).toEqual({ minMinor: 31, maxMinor: 36 });
    expect(s.defaultIslandProfile).toEqual(DEFAULT_ISLAND_PROFILE);
    expect(s.fleetAdminGroups).toEqual([]);
  });

  it('reads versions, admins and island profiles on top of the default profile', () => {
    const s = readScaffolderSettings(
      new ConfigReader({
        kamaji: {
          scaffolder: {
            kubernetesVersions: { min: 'v1.33', max: 'v1.35' },
            fleetAdminGroups: ['group:default/platform-team'],
            islandProfiles: {
              central: {
                infrastructureCluster: { kind: 'OpenStackCluster' },
                workers: {
                  infrastructure: {
                    kind: 'OpenStackMachineTemplate',
                    name: 'central-workers',
                  },
                },
                controlPlane: { serviceType: 'ClusterIP' },
              },
            },
            limits: { workerReplicas: { max: 20 } },
          },
        },
      }),
    );
    expect(s.kubernetesVersions).toEqual({ minMinor: 33, maxMinor: 35 });
    expect(s.fleetAdminGroups).toEqual(['group:default/platform-team']);
    expect(s.islandProfiles.central).toEqual({
      ...DEFAULT_ISLAND_PROFILE,
      infrastructureCluster: {
        apiGroup: 'infrastructure.cluster.x-k8s.io',
        kind: 'OpenStackCluster',
      },
      workers: {
        bootstrap: DEFAULT_ISLAND_PROFILE.workers.bootstrap,
        infrastructure: {
          apiGroup: 'infrastructure.cluster.x-k8s.io',
          kind: 'OpenStackMachineTemplate',
          name: 'central-workers',
        },
      },
      controlPlane: {
        serviceType: 'ClusterIP',
        deploymentNamespace: 'kamaji-tenants',
      },
    });
    expect(s.limits.workerReplicas).toEqual({ min: 0, max: 20 });
  });

  it('names the config key of every invalid value', () => {
    expect(() =>
      readScaffolderSettings(
        new ConfigReader({
          kamaji: {
            scaffolder: {
              kubernetesVersions: { min: '1.31.0' },
              namespaces: { tenants: 'Tenants' },
              islandProfiles: {
                'island-a': {
                  infrastructureCluster: { kind: 'metal 3', spec: { x: 1 } },
                  controlPlane: { serviceType: 'Ingress' },
                },
              },
            },
          },
        }),
      ),
    ).toThrow(
      /kamaji\.scaffolder\.kubernetesVersions\.min: must be a minor version like 'v1\.31'[\s\S]*kamaji\.scaffolder\.namespaces\.tenants: must be a DNS-1123 label[\s\S]*islandProfiles\.island-a\.infrastructureCluster\.kind[\s\S]*islandProfiles\.island-a\.controlPlane\.serviceType[\s\S]*islandProfiles\.island-a\.infrastructureCluster\.version: is required together with spec/,
    );
  });
});
