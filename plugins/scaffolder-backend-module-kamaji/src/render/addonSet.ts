import {
  AddonSetKind,
  KAMAJI_LABELS,
} from '@kamaji-backstage/plugin-kamaji-common';
import { Document, parse, parseAllDocuments } from 'yaml';
import { AddonSetInput, addonSetInputSchema } from './schemas';
import {
  KamajiScaffolderSettings,
  defaultScaffolderSettings,
} from './settings';
import {
  OwnerRef,
  Problems,
  checkDnsLabel,
  shown,
  checkOwner,
} from './validation';
import { parseShape } from './shape';
import { KubeObject, meta, provenanceAnnotations } from './objects';
import {
  addonSetSelector,
  clusterProfileObject,
  clusterResourceSetObject,
  helmChartProxyObject,
} from './addonObjects';
import { RenderOptions } from './tenant';

/** A Helm chart after validation. @public */
export interface HelmChartSpec {
  repositoryURL: string;
  repositoryName: string;
  chartName: string;
  chartVersion: string;
  releaseName: string;
  releaseNamespace: string;
  values?: string;
}

/**
 * An addon set input after validation, with every default filled in.
 *
 * @public
 */
export interface AddonSetSpec {
  name: string;
  kind: AddonSetKind;
  namespace: string;
  managementCluster?: string;
  owner: OwnerRef;
  chart?: HelmChartSpec;
  manifests?: string;
}

const CHART_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
const CHART_VERSION =
  /^v?(0|[1-9]\d*)(\.(0|[1-9]\d*)){0,2}([-+][0-9A-Za-z.+-]+)?$/;
const MAX_VALUES = 64 * 1024;
const MAX_MANIFESTS = 512 * 1024;

/** Checks a Helm chart version (semver, optionally with a leading v). */
export function checkChartVersion(
  problems: Problems,
  path: string,
  value: string,
): boolean {
  if (value.length === 0 || value.length > 64 || !CHART_VERSION.test(value)) {
    problems.add(
      path,
      `must be a chart version like '3.12.2' (semantic version, at most 64 characters); got ${shown(
        value,
      )}`,
    );
    return false;
  }
  return true;
}

function checkRepositoryUrl(problems: Problems, path: string, value: string) {
  let url: URL | undefined;
  try {
    url = value.length <= 2048 ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (
    !url ||
    !['http:', 'https:', 'oci:'].includes(url.protocol) ||
    !url.host
  ) {
    problems.add(
      path,
      `must be an https://, http:// or oci:// URL of a Helm repository, e.g. 'https://kubernetes-sigs.github.io/metrics-server/'; got ${shown(
        value,
      )}`,
    );
    return false;
  }
  if (url.username || url.password) {
    problems.add(
      path,
      'must not contain credentials: remove the user and password from the URL and give the addon controller a credentials Secret instead',
    );
    return false;
  }
  if (/[\s"'`$\\{}<>]/.test(value)) {
    problems.add(
      path,
      `contains characters a repository URL cannot have; got ${shown(value)}`,
    );
    return false;
  }
  return true;
}

function checkChartName(problems: Problems, path: string, value: string) {
  if (value.length === 0 || value.length > 63 || !CHART_NAME.test(value)) {
    problems.add(
      path,
      `must be a chart name (lowercase letters, digits, '-', '_' and '.'), at most 63 characters; got ${shown(
        value,
      )}`,
    );
    return false;
  }
  return true;
}

function checkValues(problems: Problems, path: string, value: string) {
  if (value.length > MAX_VALUES) {
    problems.add(
      path,
      `is ${value.length} characters; at most ${MAX_VALUES} are allowed`,
    );
    return;
  }
  // Go templates ({{ … }}) are evaluated by the addon controller per cluster; YAML can only be
  // checked once they are filled in, so such values are passed on unchecked.
  if (value.includes('{{')) return;
  try {
    const doc = parse(value, { merge: true });
    if (doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) {
      problems.add(
        path,
        'must be YAML key: value pairs (a mapping), e.g. "replicas: 2"',
      );
    }
  } catch (e: any) {
    problems.add(
      path,
      `is not valid YAML: ${String(e?.message ?? e)
        .split('\n')[0]
        .replace(/:$/, '')}`,
    );
  }
}

/** Checks one YAML document of the manifests; true when it is an object (checked or not). */
function checkManifestDocument(
  problems: Problems,
  path: string,
  doc: Document.Parsed,
  where: string,
): boolean {
  if (doc.errors.length) {
    problems.add(
      path,
      `${where} is not valid YAML: ${doc.errors[0].message
        .split('\n')[0]
        .replace(/:$/, '')}`,
    );
    return false;
  }
  const obj = doc.toJS();
  if (obj === null || obj === undefined) return false;
  if (typeof obj !== 'object' || Array.isArray(obj)) {
    problems.add(
      path,
      `${where} must be a Kubernetes object (apiVersion, kind, metadata.name)`,
    );
    return false;
  }
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    problems.add(path, `${where} needs apiVersion and kind`);
    return true;
  }
  if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name) {
    problems.add(path, `${where} (${obj.kind}) needs metadata.name`);
  }
  if (obj.kind === 'Secret' && /^v1$/.test(obj.apiVersion)) {
    problems.add(
      path,
      `${where} is a Secret: its data would be stored readable in a ConfigMap; deliver Secrets with a Secret-backed resource instead`,
    );
  }
  return true;
}

function checkManifests(problems: Problems, path: string, value: string) {
  if (value.trim().length === 0) {
    problems.add(
      path,
      'must not be empty: give at least one Kubernetes manifest, or omit the field',
    );
    return;
  }
  if (value.length > MAX_MANIFESTS) {
    problems.add(
      path,
      `is ${value.length} characters; at most ${MAX_MANIFESTS} fit in the ConfigMap that carries them`,
    );
    return;
  }
  const docs = parseAllDocuments(value, { merge: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const objects = list.filter((doc, i) =>
    checkManifestDocument(problems, path, doc, `document ${i + 1}`),
  ).length;
  if (objects === 0) {
    problems.add(
      path,
      'contains no Kubernetes object: give at least one manifest',
    );
  }
}

/**
 * Validates an addon set input and fills in defaults; throws a {@link KamajiInputError}.
 *
 * @public
 */
export function parseAddonSet(
  raw: unknown,
  settings: KamajiScaffolderSettings = defaultScaffolderSettings(),
): AddonSetSpec {
  const problems = new Problems();
  const input = parseShape(
    addonSetInputSchema,
    raw,
    problems,
    'addon set input',
  );
  const kind: AddonSetKind = input.kind ?? 'ClusterProfile';
  checkDnsLabel(problems, 'name', input.name, {
    max: 53,
    why: `it becomes the label ${KAMAJI_LABELS.addonSetPrefix}<name> and names the ConfigMap '<name>-resources'`,
  });
  const namespace =
    input.namespace ??
    (kind === 'ClusterProfile'
      ? settings.namespaces.addons
      : settings.namespaces.tenants);
  checkDnsLabel(problems, 'namespace', namespace);
  if (input.managementCluster !== undefined)
    checkDnsLabel(problems, 'managementCluster', input.managementCluster);
  const owner = checkOwner(problems, 'owner', input.owner);
  const chart = input.chart ? checkChart(problems, input.chart) : undefined;
  if (input.manifests !== undefined)
    checkManifests(problems, 'manifests', input.manifests);
  checkDelivery(problems, kind, input);
  problems.throwIfAny('addon set input');

  return {
    name: input.name,
    kind,
    namespace,
    managementCluster: input.managementCluster,
    owner: owner!,
    chart,
    manifests: input.manifests,
  };
}

/** Checks a Helm chart and fills in its defaults: repository and release named after the chart. */
function checkChart(
  problems: Problems,
  chart: NonNullable<AddonSetInput['chart']>,
): HelmChartSpec {
  checkRepositoryUrl(problems, 'chart.repositoryURL', chart.repositoryURL);
  checkChartName(problems, 'chart.chartName', chart.chartName);
  const repositoryName = chart.repositoryName ?? chart.chartName;
  if (chart.repositoryName !== undefined)
    checkChartName(problems, 'chart.repositoryName', chart.repositoryName);
  checkChartVersion(problems, 'chart.chartVersion', chart.chartVersion);
  const releaseName = chart.releaseName ?? chart.chartName;
  checkDnsLabel(problems, 'chart.releaseName', releaseName, {
    max: 53,
    why: 'Helm release names have at most 53 characters',
  });
  const releaseNamespace = chart.releaseNamespace ?? 'kube-system';
  checkDnsLabel(problems, 'chart.releaseNamespace', releaseNamespace);
  if (chart.values !== undefined)
    checkValues(problems, 'chart.values', chart.values);
  return {
    repositoryURL: chart.repositoryURL,
    repositoryName,
    chartName: chart.chartName,
    chartVersion: chart.chartVersion,
    releaseName,
    releaseNamespace,
    values: chart.values,
  };
}

/**
 * What the kind can deliver: a HelmChartProxy a chart, a ClusterResourceSet manifests, a
 * ClusterProfile either or both.
 */
function checkDelivery(
  problems: Problems,
  kind: AddonSetKind,
  input: AddonSetInput,
) {
  if (kind === 'HelmChartProxy') {
    if (!input.chart)
      problems.add(
        'chart',
        'is required for a HelmChartProxy: give the Helm chart to install',
      );
    if (input.manifests !== undefined)
      problems.add(
        'manifests',
        'cannot be delivered by a HelmChartProxy: use kind ClusterProfile or ClusterResourceSet, or remove the manifests',
      );
  } else if (kind === 'ClusterResourceSet') {
    if (input.manifests === undefined)
      problems.add(
        'manifests',
        'is required for a ClusterResourceSet: give the manifests to apply',
      );
    if (input.chart)
      problems.add(
        'chart',
        'cannot be delivered by a ClusterResourceSet: use kind ClusterProfile or HelmChartProxy, or remove the chart',
      );
  } else if (!input.chart && input.manifests === undefined) {
    problems.add('chart', 'a ClusterProfile needs a chart, manifests, or both');
  }
}

/**
 * Renders an addon set: a Sveltos ClusterProfile (cluster-scoped; selects clusters in every
 * namespace), a HelmChartProxy or a ClusterResourceSet (both select clusters in their own
 * namespace), selecting the clusters labelled `addons.kamaji-backstage.io/<name>: enabled`.
 * Manifests travel in a ConfigMap `<name>-resources`.
 *
 * @public
 */
export function renderAddonSet(
  input: unknown,
  options: RenderOptions = {},
): KubeObject[] {
  const settings = options.settings ?? defaultScaffolderSettings();
  return renderAddonSetSpec(parseAddonSet(input, settings), options);
}

/**
 * Renders an already validated {@link AddonSetSpec}.
 *
 * @public
 */
export function renderAddonSetSpec(
  spec: AddonSetSpec,
  options: Pick<RenderOptions, 'provenance'> = {},
): KubeObject[] {
  const annotations = provenanceAnnotations(options.provenance);
  const labels = { [KAMAJI_LABELS.owner]: spec.owner.labelValue };
  const resourcesName = `${spec.name}-resources`;
  const configMap = (): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(resourcesName, spec.namespace, labels, annotations),
    data: { 'resources.yaml': spec.manifests! },
  });

  if (spec.kind === 'ClusterProfile') {
    const withManifests = spec.manifests !== undefined;
    const profile = clusterProfileObject({
      name: spec.name,
      labels,
      annotations,
      chart: spec.chart,
      configMap: withManifests
        ? { name: resourcesName, namespace: spec.namespace }
        : undefined,
    });
    return withManifests ? [profile, configMap()] : [profile];
  }
  const metadata = meta(spec.name, spec.namespace, labels, annotations);
  const selector = addonSetSelector(spec.name);
  if (spec.kind === 'HelmChartProxy')
    return [helmChartProxyObject(metadata, selector, spec.chart!)];
  return [
    clusterResourceSetObject(metadata, selector, resourcesName),
    configMap(),
  ];
}
