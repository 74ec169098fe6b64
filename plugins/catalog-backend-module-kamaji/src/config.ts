import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  LabelSelector,
  parseClusterOwner,
} from '@kamaji-backstage/plugin-kamaji-common';
import { parseSelector } from './selector';

/** Settings of the Kamaji entity provider (`kamaji.catalog`). @public */
export interface KamajiCatalogSettings {
  managementClusters?: string[];
  selector?: LabelSelector;
  namespace: string;
  defaultOwner: string;
  system?: string;
  includeUnmanaged: boolean;
  /** Written as `backstage.io/kubernetes-label-selector` on islands and managed tenants; empty: none. */
  kubernetesLabelSelector: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 5 },
  initialDelay: { minutes: 30 },
};

/** Everything that belongs to a catalog entity (the Kubernetes plugin's own label). */
export const DEFAULT_KUBERNETES_LABEL_SELECTOR = 'backstage.io/kubernetes-id';

function readKubernetesLabelSelector(c: Config | undefined): string {
  if (c?.getOptional('kubernetesLabelSelector') === false) return '';
  return (
    c?.getOptionalString('kubernetesLabelSelector') ??
    DEFAULT_KUBERNETES_LABEL_SELECTOR
  );
}

/** The owner of clusters without one, normalised by kamaji-common's owner parser. */
function readDefaultOwner(c: Config | undefined): string {
  const owner = parseClusterOwner(
    c?.getOptionalString('defaultOwner') ?? 'group:default/unknown',
  );
  if ('problem' in owner)
    throw new Error(`kamaji.catalog.defaultOwner: ${owner.problem}`);
  return owner.entityRef;
}

export function readCatalogSettings(root: Config): KamajiCatalogSettings {
  const c = root.getOptionalConfig('kamaji.catalog');
  const sel = c?.getOptional('selector');
  let selector: LabelSelector | undefined;
  if (typeof sel === 'string') {
    selector = parseSelector(sel);
  } else if (sel !== undefined) {
    selector = sel as LabelSelector;
    for (const e of selector.matchExpressions ?? []) {
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator))
        throw new Error(
          `kamaji.catalog.selector: unknown operator '${e.operator}' for key '${e.key}'`,
        );
    }
  }
  return {
    managementClusters: c?.getOptionalStringArray('managementClusters'),
    selector,
    namespace: c?.getOptionalString('namespace') ?? 'default',
    defaultOwner: readDefaultOwner(c),
    system: c?.getOptionalString('system'),
    includeUnmanaged: c?.getOptionalBoolean('includeUnmanaged') ?? true,
    kubernetesLabelSelector: readKubernetesLabelSelector(c),
    schedule: c?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          c.getConfig('schedule'),
        )
      : DEFAULT_SCHEDULE,
  };
}
