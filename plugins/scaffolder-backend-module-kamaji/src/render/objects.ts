import { KAMAJI_ANNOTATIONS } from '@kamaji-backstage/plugin-kamaji-common';
import { stringify } from 'yaml';

/**
 * A Kubernetes object as the render functions produce it: plain JSON, ready for server-side
 * apply or for a YAML file.
 *
 * @public
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

/**
 * Who asked for the objects. Written as annotations on every object when given.
 *
 * @public
 */
export interface Provenance {
  /** User entity ref, e.g. `user:default/alice`. */
  requestedBy?: string;
  /** Scaffolder task id. */
  taskId?: string;
}

/** The provenance annotations, or undefined when there are none (no empty maps). */
export function provenanceAnnotations(
  provenance: Provenance | undefined,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (provenance?.requestedBy)
    out[KAMAJI_ANNOTATIONS.requestedBy] = provenance.requestedBy;
  if (provenance?.taskId) out[KAMAJI_ANNOTATIONS.taskId] = provenance.taskId;
  return Object.keys(out).length ? out : undefined;
}

/** Builds metadata without empty label or annotation maps. */
export function meta(
  name: string,
  namespace: string | undefined,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
): KubeObject['metadata'] {
  const m: KubeObject['metadata'] = { name };
  if (namespace) m.namespace = namespace;
  if (labels && Object.keys(labels).length) m.labels = labels;
  if (annotations && Object.keys(annotations).length)
    m.annotations = annotations;
  return m;
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects), for messages. @public */
export function describeObject(obj: {
  kind: string;
  metadata: { name?: string; namespace?: string };
}): string {
  return `${obj.kind} ${
    obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''
  }${obj.metadata.name}`;
}

/**
 * Multi-document YAML of the objects, in order, as committed under examples/rendered and
 * printed by the CLI.
 *
 * @public
 */
export function toYaml(objects: KubeObject[]): string {
  return objects
    .map(o =>
      stringify(o, {
        lineWidth: 0,
        aliasDuplicateObjects: false,
      }),
    )
    .join('---\n');
}
