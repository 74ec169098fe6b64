import { AnyObject, FleetObjectApi } from '../seed';

/**
 * Plays the minimal infrastructure and bootstrap provider of test/kube/capi/crds (the CAPI v1beta2
 * provider contract) and the kubelets of the workload cluster: writes only what a provider writes
 * (its own objects' status, `spec.providerID`, the bootstrap data Secret, Nodes); the real CAPI
 * controllers create and own the Machines, MachineSets and provider objects themselves.
 */

export const TEST_INFRA_GROUP = 'infrastructure.test.kamaji-backstage.io';
export const TEST_BOOTSTRAP_GROUP = 'bootstrap.test.kamaji-backstage.io';
export const TEST_INFRA_VERSION = `${TEST_INFRA_GROUP}/v1alpha1`;
export const TEST_BOOTSTRAP_VERSION = `${TEST_BOOTSTRAP_GROUP}/v1alpha1`;
const FIELD_MANAGER = 'test-capi-provider';
const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';

/** The providerID a test machine gets. */
export function testProviderId(namespace: string, name: string): string {
  return `test://${namespace}/${name}`;
}

export class TestProvider {
  constructor(
    private readonly central: FleetObjectApi,
    readonly namespace: string,
  ) {}

  /** The shared machine template and bootstrap config template worker pools reference. */
  async createTemplates(name: string, image = 'test-image-1'): Promise<void> {
    await this.central.apply(
      {
        apiVersion: TEST_INFRA_VERSION,
        kind: 'TestMachineTemplate',
        metadata: { name, namespace: this.namespace },
        spec: { template: { spec: { image } } },
      },
      { fieldManager: FIELD_MANAGER },
    );
    await this.central.apply(
      {
        apiVersion: TEST_BOOTSTRAP_VERSION,
        kind: 'TestConfigTemplate',
        metadata: { name, namespace: this.namespace },
        spec: { template: { spec: { script: 'join the cluster' } } },
      },
      { fieldManager: FIELD_MANAGER },
    );
  }

  /** Marks the TestCluster of a Cluster provisioned (status.initialization.provisioned). */
  async provisionCluster(name: string): Promise<void> {
    await this.central.apply(
      {
        apiVersion: TEST_INFRA_VERSION,
        kind: 'TestCluster',
        metadata: { name, namespace: this.namespace },
        status: { initialization: { provisioned: true } },
      },
      { fieldManager: FIELD_MANAGER, subresource: 'status' },
    );
  }

  /** Writes the bootstrap data Secret of every TestConfig CAPI created, and their status. Returns how many. */
  async bootstrap(): Promise<number> {
    let done = 0;
    for (const config of await this.list(
      TEST_BOOTSTRAP_VERSION,
      'TestConfig',
    )) {
      if (config.status?.initialization?.dataSecretCreated) continue;
      const secretName = `${config.metadata.name}-bootstrap-data`;
      const owner = {
        apiVersion: config.apiVersion,
        kind: config.kind,
        name: config.metadata.name,
        uid: config.metadata.uid,
        controller: true,
      };
      await this.central.apply(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: secretName,
            namespace: this.namespace,
            labels: {
              [CLUSTER_NAME_LABEL]:
                config.metadata.labels?.[CLUSTER_NAME_LABEL] ?? '',
            },
            ownerReferences: [owner],
          },
          type: 'cluster.x-k8s.io/secret',
          stringData: {
            value: '#!/bin/sh\necho joining\n',
            format: 'cloud-config',
          },
        },
        { fieldManager: FIELD_MANAGER },
      );
      await this.central.apply(
        {
          apiVersion: config.apiVersion,
          kind: config.kind,
          metadata: { name: config.metadata.name, namespace: this.namespace },
          status: {
            initialization: { dataSecretCreated: true },
            dataSecretName: secretName,
          },
        },
        { fieldManager: FIELD_MANAGER, subresource: 'status' },
      );
      done++;
    }
    return done;
  }

  /** Gives every TestMachine CAPI created a providerID and marks it provisioned. Returns how many. */
  async provisionMachines(): Promise<number> {
    let done = 0;
    for (const m of await this.list(TEST_INFRA_VERSION, 'TestMachine')) {
      if (m.status?.initialization?.provisioned) continue;
      const ref = { name: m.metadata.name, namespace: this.namespace };
      await this.central.apply(
        {
          apiVersion: m.apiVersion,
          kind: m.kind,
          metadata: ref,
          spec: { providerID: testProviderId(this.namespace, m.metadata.name) },
        },
        { fieldManager: FIELD_MANAGER },
      );
      await this.central.apply(
        {
          apiVersion: m.apiVersion,
          kind: m.kind,
          metadata: ref,
          status: { initialization: { provisioned: true } },
        },
        { fieldManager: FIELD_MANAGER, subresource: 'status' },
      );
      done++;
    }
    return done;
  }

  /**
   * Plays the kubelet of every provisioned machine of a cluster: a Node in the workload cluster with
   * the machine's providerID, Ready. Nodes of machines that are gone are deleted (as the cloud would).
   */
  async joinNodes(
    clusterName: string,
    workload: FleetObjectApi,
  ): Promise<number> {
    const machines = (
      await this.list('cluster.x-k8s.io/v1beta2', 'Machine')
    ).filter(m => m.spec?.clusterName === clusterName);
    const nodes = await workload.listAll('v1', 'Node');
    const have = new Set(nodes.map(n => n.spec?.providerID));
    let joined = 0;
    for (const m of machines) {
      const providerID = m.spec?.providerID;
      if (!providerID || have.has(providerID) || m.metadata.deletionTimestamp)
        continue;
      await workload.apply(
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: m.metadata.name },
          spec: { providerID },
        },
        { fieldManager: FIELD_MANAGER },
      );
      await this.setNodeReady(workload, m.metadata.name, true, m.spec?.version);
      joined++;
    }
    // A Node whose kubelet has not reported yet (e.g. a failed status write) gets its status again.
    for (const n of nodes) {
      const m = machines.find(x => x.spec?.providerID === n.spec?.providerID);
      if (
        m &&
        !(n.status?.conditions ?? []).some((c: any) => c.type === 'Ready')
      )
        await this.setNodeReady(
          workload,
          n.metadata.name,
          true,
          m.spec?.version,
        );
    }
    const live = new Set(machines.map(m => m.spec?.providerID).filter(Boolean));
    for (const n of nodes)
      if (!live.has(n.spec?.providerID)) await workload.remove(n);
    return joined;
  }

  /** Sets a Node's Ready condition, as its kubelet would (False: the machine is failing). */
  async setNodeReady(
    workload: FleetObjectApi,
    node: string,
    ready: boolean,
    kubeletVersion = 'v0.0.0',
  ): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await workload.apply(
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: node },
        status: {
          // The kubelet reports the pressure conditions too; CAPI's NodeHealthy needs all four.
          conditions: [
            {
              type: 'Ready',
              status: ready ? 'True' : 'False',
              reason: ready ? 'KubeletReady' : 'KubeletNotReady',
              message: ready
                ? 'kubelet is posting ready status'
                : 'container runtime is down',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
            ...['MemoryPressure', 'DiskPressure', 'PIDPressure'].map(type => ({
              type,
              status: 'False',
              reason: `KubeletHasNo${type}`,
              message: `kubelet has no ${type}`,
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            })),
          ],
          nodeInfo: {
            kubeletVersion,
            machineID: node,
            systemUUID: node,
            bootID: node,
            kernelVersion: '6.1.0',
            osImage: 'Test OS',
            containerRuntimeVersion: 'containerd://2.0.0',
            kubeProxyVersion: kubeletVersion,
            operatingSystem: 'linux',
            architecture: 'amd64',
          },
        },
      },
      { fieldManager: FIELD_MANAGER, subresource: 'status' },
    );
  }

  /**
   * One pass of everything the provider and the kubelets do for a cluster: bootstrap data,
   * machines, nodes. Returns how many objects it changed.
   */
  async reconcile(
    clusterName: string,
    workload: FleetObjectApi,
  ): Promise<number> {
    return (
      (await this.bootstrap()) +
      (await this.provisionMachines()) +
      (await this.joinNodes(clusterName, workload))
    );
  }

  /** Runs {@link reconcile} every `intervalMs` until the returned function is called. */
  /** The last errors of {@link run}'s passes (conflicts with CAPI are normal; the next pass retries). */
  readonly errors: string[] = [];

  run(clusterName: string, workload: FleetObjectApi, intervalMs = 200) {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        try {
          await this.reconcile(clusterName, workload);
        } catch (e) {
          // Objects CAPI deletes while a pass runs give conflicts or 404s; the next pass retries.
          this.errors.push(String(e));
          if (this.errors.length > 50) this.errors.splice(0, 25);
        }
        await new Promise(r => setTimeout(r, intervalMs));
      }
    })();
    return async () => {
      stopped = true;
      await loop;
    };
  }

  private list(apiVersion: string, kind: string): Promise<AnyObject[]> {
    return this.central.listAll(apiVersion, kind, this.namespace);
  }
}
