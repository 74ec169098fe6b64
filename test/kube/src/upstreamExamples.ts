import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { KubeApiError } from '@kamaji-backstage/plugin-kamaji-node';
import { AnyObject, FleetObjectApi } from './seed';

/**
 * Upstream example objects that a real API server with the upstream CRDs rejects too
 * (see shared/upstream-examples/README.md): docs fragments that miss required fields.
 */
export const KNOWN_INVALID_UPSTREAM_EXAMPLES = new Set([
  'kamaji/docs__content__guides__write-permissions.md__L21.yaml',
  'cluster-api/docs__book__src__tasks__workload-bootstrap-gitops.md__L16.yaml',
]);

export interface UpstreamExampleResult {
  file: string;
  kind: string;
  name: string;
  outcome: 'accepted' | 'rejected' | 'not served';
  message?: string;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(entry => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

/**
 * Dry-runs every upstream example object whose kind the API server serves (server-side, `dryRun=All`),
 * so the project's own CRDs are shown to accept what the upstream projects write.
 */
export async function dryRunUpstreamExamples(
  kc: KubeConfig,
  examplesDir: string,
): Promise<UpstreamExampleResult[]> {
  const api = FleetObjectApi.forConfig(kc);
  const results: UpstreamExampleResult[] = [];
  const namespaces = new Set<string>();
  for (const path of yamlFiles(examplesDir).sort()) {
    const file = relative(examplesDir, path);
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const obj = doc.toJS() as KubernetesObject | null;
      if (!obj?.apiVersion || !obj.kind) continue;
      const name = obj.metadata?.name ?? obj.metadata?.generateName ?? '?';
      const resource = await api.servedResource(obj.apiVersion, obj.kind);
      if (!resource) {
        results.push({ file, kind: obj.kind, name, outcome: 'not served' });
        continue;
      }
      if (resource.namespaced) {
        const ns = obj.metadata?.namespace ?? 'default';
        obj.metadata = { ...obj.metadata, namespace: ns };
        if (!namespaces.has(ns)) {
          namespaces.add(ns);
          await api.apply(
            { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
            { fieldManager: 'upstream-examples' },
          );
        }
      }
      try {
        await api.create(obj as AnyObject, { dryRun: true });
        results.push({ file, kind: obj.kind, name, outcome: 'accepted' });
      } catch (e: any) {
        const message =
          e instanceof KubeApiError
            ? e.statusMessage ?? e.message
            : String(e?.message ?? e);
        results.push({
          file,
          kind: obj.kind,
          name,
          outcome: 'rejected',
          message,
        });
      }
    }
  }
  return results;
}
