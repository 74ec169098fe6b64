/** The `state.json` the kubeplane supervisor writes (see test/kube/README.md). */
export interface KubeplaneClusterState {
  name: string;
  server: string;
  sets: string[];
  running: boolean;
  pid?: number;
  adminKubeconfig: string;
  logFile: string;
}

export interface KubeplaneUserState {
  groups: string[];
  /** Static bearer token; only for users declared at start. */
  token?: string;
  kubeconfigs: Record<string, string>;
  tokenKubeconfigs?: Record<string, string>;
}

export interface KubeplaneState {
  ready: boolean;
  pid: number;
  controlUrl: string;
  etcd: { endpoint: string };
  caFile: string;
  clusters: Record<string, KubeplaneClusterState>;
  users: Record<string, KubeplaneUserState>;
}
