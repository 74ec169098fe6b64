import {
  ClusterId,
  FleetProblem,
  KAMAJI_LABELS,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { ManagementView, SourceView } from './modelBuilder';
import type { StaleMark } from './nodeParts';
import { shared } from './sharedStrings';

/** A value derived from items, computed again only when `key` (their revisions) changes. */
export type Derive = <T>(
  name: string,
  key: string,
  compute: (previous: T | undefined) => T,
) => T;

/** What the parts of one management cluster's build read, and where they report problems. */
export interface ManagementBuild {
  view: ManagementView;
  /** The management cluster's name. */
  name: string;
  source: SourceView;
  /** Island key (namespace/name of its Cluster) → island id. */
  islandIds: ReadonlyMap<string, ClusterId>;
  /** Set while the management cluster is stale. */
  stale?: StaleMark;
  problems: FleetProblem[];
  derive: Derive;
}

/** A cluster's owner: its owner label, else the management cluster's. */
export function ownerOf(
  build: ManagementBuild,
  labels: Record<string, string>,
): string | undefined {
  const owner = ownerEntityRef(labels[KAMAJI_LABELS.owner]);
  return owner === undefined ? build.view.owner : shared(owner);
}

/** Reports into `problems` what is wrong with `object` (as read from `cluster`), if anything. */
export function reportProblems(
  problems: FleetProblem[],
  cluster: string,
  object: string,
  messages: readonly string[] | undefined,
): void {
  for (const message of messages ?? [])
    problems.push({ cluster, object, message });
}
