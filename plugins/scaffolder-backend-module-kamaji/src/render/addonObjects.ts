/*
 * The objects that deliver addons to the clusters they select: a Sveltos ClusterProfile, a CAPI
 * Helm addon HelmChartProxy, or a CAPI ClusterResourceSet applying the manifests of a ConfigMap.
 */
import {
  FLEET_KINDS,
  KAMAJI_LABELS,
  apiVersionOf,
} from '@kamaji-backstage/plugin-kamaji-common';
import { KubeObject, meta } from './objects';
import type { HelmChartSpec } from './addonSet';

/** Selects the clusters that carry every one of the labels. */
export interface ClusterSelector {
  matchLabels: Record<string, string>;
}

/** The label a cluster opts in to an addon set with: `addons.kamaji-backstage.io/<name>: enabled`. */
export function addonSetOptIn(addonSet: string): Record<string, string> {
  return { [`${KAMAJI_LABELS.addonSetPrefix}${addonSet}`]: 'enabled' };
}

/** Selects the clusters that opt in to an addon set. */
export function addonSetSelector(addonSet: string): ClusterSelector {
  return { matchLabels: addonSetOptIn(addonSet) };
}

/**
 * The Sveltos ClusterProfile of an addon set. It is cluster-scoped: it selects the clusters that
 * opt in to the addon set in every namespace, and installs a Helm chart on them and/or applies
 * the manifests of a ConfigMap.
 */
export function clusterProfileObject(addonSet: {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string> | undefined;
  chart?: HelmChartSpec;
  configMap?: { name: string; namespace: string };
}): KubeObject {
  const { ClusterProfile } = FLEET_KINDS;
  const spec: Record<string, unknown> = {
    clusterSelector: addonSetSelector(addonSet.name),
    syncMode: 'Continuous',
  };
  if (addonSet.chart) spec.helmCharts = [sveltosHelmChart(addonSet.chart)];
  if (addonSet.configMap) {
    const { name, namespace } = addonSet.configMap;
    spec.policyRefs = [{ kind: 'ConfigMap', name, namespace }];
  }
  return {
    apiVersion: apiVersionOf(ClusterProfile),
    kind: ClusterProfile.kind,
    metadata: meta(
      addonSet.name,
      undefined,
      addonSet.labels,
      addonSet.annotations,
    ),
    spec,
  };
}

/** A chart of a ClusterProfile's `helmCharts`. */
function sveltosHelmChart(chart: HelmChartSpec): Record<string, unknown> {
  const helmChart: Record<string, unknown> = {
    repositoryURL: chart.repositoryURL,
    repositoryName: chart.repositoryName,
    chartName: chart.repositoryURL.startsWith('oci://')
      ? chart.chartName
      : `${chart.repositoryName}/${chart.chartName}`,
    chartVersion: chart.chartVersion,
    releaseName: chart.releaseName,
    releaseNamespace: chart.releaseNamespace,
    helmChartAction: 'Install',
  };
  if (chart.values) helmChart.values = chart.values;
  return helmChart;
}

/** A HelmChartProxy: installs the chart on the clusters of its namespace that it selects. */
export function helmChartProxyObject(
  metadata: KubeObject['metadata'],
  clusterSelector: ClusterSelector,
  chart: HelmChartSpec,
): KubeObject {
  const { HelmChartProxy } = FLEET_KINDS;
  const spec: Record<string, unknown> = {
    clusterSelector,
    repoURL: chart.repositoryURL,
    chartName: chart.chartName,
    version: chart.chartVersion,
    releaseName: chart.releaseName,
    namespace: chart.releaseNamespace,
  };
  if (chart.values) spec.valuesTemplate = chart.values;
  return {
    apiVersion: apiVersionOf(HelmChartProxy),
    kind: HelmChartProxy.kind,
    metadata,
    spec,
  };
}

/**
 * A ClusterResourceSet: applies the manifests of the ConfigMap `configMap` to the clusters of
 * its namespace that it selects, again whenever they change.
 */
export function clusterResourceSetObject(
  metadata: KubeObject['metadata'],
  clusterSelector: ClusterSelector,
  configMap: string,
): KubeObject {
  const { ClusterResourceSet } = FLEET_KINDS;
  return {
    apiVersion: apiVersionOf(ClusterResourceSet),
    kind: ClusterResourceSet.kind,
    metadata,
    spec: {
      strategy: 'Reconcile',
      clusterSelector,
      resources: [{ kind: 'ConfigMap', name: configMap }],
    },
  };
}
