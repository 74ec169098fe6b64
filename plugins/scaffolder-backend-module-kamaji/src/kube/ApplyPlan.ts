import {
  KAMAJI_ANNOTATIONS,
  KAMAJI_FIELD_MANAGER,
  KAMAJI_LABELS,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import { InputError } from '@backstage/errors';
import { KubeObject, describeObject } from '../render/objects';
import { KubeApiError, ObjectClient, StoredObject } from './ObjectClient';

/**
 * The order objects are written in: everything a Cluster points at first, the Cluster itself
 * (what the CAPI controllers act on) after them, addon objects last. If a write fails, the
 * controllers have not started on a half-made cluster yet.
 */
const KIND_ORDER: Record<string, number> = {
  Namespace: 0,
  ConfigMap: 1,
  KubeadmConfigTemplate: 2,
  KamajiControlPlane: 4,
  MachineDeployment: 5,
  Cluster: 6,
  ClusterProfile: 7,
  HelmChartProxy: 7,
  ClusterResourceSet: 7,
};
const OTHER_KIND = 3; // infrastructure provider objects

/** Sorts objects into apply order (stable within one kind). @public */
export function applyOrder(objects: KubeObject[]): KubeObject[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort(
      (a, b) =>
        (KIND_ORDER[a.o.kind] ?? OTHER_KIND) -
          (KIND_ORDER[b.o.kind] ?? OTHER_KIND) || a.i - b.i,
    )
    .map(x => x.o);
}

/** What happened (or would happen) to one object. @public */
export type ObjectOutcome = 'created' | 'updated' | 'unchanged';

/** @public */
export interface ObjectResult {
  object: string;
  outcome: ObjectOutcome;
}

/**
 * Failure of a dry run or an apply. The message says which objects failed and why, and (after an
 * apply failure) what was rolled back.
 *
 * @public
 */
export class KamajiApplyError extends InputError {}

/** Explains an API error for one object in words a template user can act on. */
export function explainApiError(obj: KubeObject, e: unknown): string {
  const what = describeObject(obj);
  if (!(e instanceof KubeApiError)) {
    return `${what}: ${String((e as any)?.message ?? e)}`;
  }
  if (
    e.statusCode === 409 &&
    e.causes.some(c => c.reason === 'FieldManagerConflict')
  ) {
    const fields = e.causes
      .filter(c => c.reason === 'FieldManagerConflict')
      .map(
        c =>
          `${c.field ?? '?'} (${(c.message ?? '').replace(
            /^conflict with /,
            'set by ',
          )})`,
      )
      .join(', ');
    return `${what}: conflicts with changes made outside Backstage: ${fields}. The request would overwrite them, so nothing was changed. Re-run with the values now in the cluster, or have the platform team resolve who manages these fields.`;
  }
  if (e.kind !== 'http') {
    const problem = e.reachable ? 'an unusable answer from' : 'cannot reach';
    return `${what}: ${problem} the API server (${e.message})`;
  }
  const status = e.statusMessage ?? e.message;
  if (e.statusCode === 403) {
    return `${what}: the backend's credentials for the management cluster may not write this object (${status}); the platform team has to grant it.`;
  }
  if (e.statusCode === 404 && e.reason === 'NotServed')
    return `${what}: ${status}`;
  if (e.statusCode === 404 && /namespaces? .* not found/.test(status)) {
    return `${what}: its namespace does not exist (${status}).`;
  }
  return `${what}: the API server rejected it (${e.statusCode}${
    e.reason ? ` ${e.reason}` : ''
  }): ${status}`;
}

function outcomeOf(
  existing: StoredObject | undefined,
  same: boolean | undefined,
): ObjectOutcome {
  if (!existing) return 'created';
  return same ? 'unchanged' : 'updated';
}

function comparable(o: StoredObject | KubeObject): string {
  const { metadata, status, ...rest } = o as any;
  return JSON.stringify({
    labels: metadata?.labels ?? {},
    annotations: metadata?.annotations ?? {},
    ...rest,
  });
}

/**
 * The objects of one request, in apply order, with what the cluster holds for each. Writes are
 * server-side apply with the fixed field manager `kamaji-backstage` and `force: false`, so
 * repeating a request changes nothing, and changes made by others are reported as conflicts
 * instead of being overwritten.
 *
 * @public
 */
export class ApplyPlan {
  /** Reads the current state of every object. */
  static async prepare(
    client: ObjectClient,
    objects: KubeObject[],
  ): Promise<ApplyPlan> {
    const ordered = applyOrder(objects);
    const entries: Array<{ object: KubeObject; existing?: StoredObject }> = [];
    for (const object of ordered) {
      try {
        entries.push({ object, existing: await client.get(object) });
      } catch (e) {
        throw new KamajiApplyError(
          `Could not read the management cluster: ${explainApiError(
            object,
            e,
          )}`,
        );
      }
    }
    return new ApplyPlan(client, entries);
  }

  private constructor(
    private readonly client: ObjectClient,
    readonly entries: Array<{ object: KubeObject; existing?: StoredObject }>,
  ) {}

  /** The stored object of a kind and name, if it exists. */
  existing(kind: string, name: string): StoredObject | undefined {
    return this.entries.find(
      e => e.object.kind === kind && e.object.metadata.name === name,
    )?.existing;
  }

  /**
   * Checks that objects that already exist may be applied again: they were made through
   * Backstage (field manager `kamaji-backstage`) and for the same owner group. Keeps who asked for
   * an existing object first (its provenance annotations), so a re-run changes nothing.
   * Returns the problems (one line each); empty when all is well.
   */
  checkExisting(): string[] {
    const problems: string[] = [];
    for (const entry of this.entries) {
      const { object, existing } = entry;
      if (!existing) continue;
      const what = describeObject(object);
      const managers = (existing.metadata.managedFields ?? []).map(
        m => m.manager,
      );
      if (!managers.includes(KAMAJI_FIELD_MANAGER)) {
        problems.push(
          `${what} already exists and was not created through Backstage: pick another name (or have the platform team adopt it)`,
        );
        continue;
      }
      const want = object.metadata.labels?.[KAMAJI_LABELS.owner];
      const have = existing.metadata.labels?.[KAMAJI_LABELS.owner];
      if (
        want !== undefined &&
        have !== undefined &&
        ownerEntityRef(want) !== ownerEntityRef(have)
      ) {
        // Not naming the other owner: the task's author may not be allowed to see its clusters.
        problems.push(
          `${what} already exists and belongs to another group than '${want}': pick another name`,
        );
        continue;
      }
      const keep: Record<string, string> = {};
      for (const key of [
        KAMAJI_ANNOTATIONS.requestedBy,
        KAMAJI_ANNOTATIONS.taskId,
      ]) {
        const value = existing.metadata.annotations?.[key];
        if (
          value !== undefined &&
          object.metadata.annotations?.[key] !== undefined
        )
          keep[key] = value;
      }
      if (Object.keys(keep).length) {
        entry.object = {
          ...object,
          metadata: {
            ...object.metadata,
            annotations: { ...object.metadata.annotations, ...keep },
          },
        };
      }
    }
    return problems;
  }

  /**
   * Server-side dry run (`dryRun=All`) of every object. Throws a {@link KamajiApplyError} listing
   * every object the API server would reject; otherwise says what a real apply would do.
   */
  async dryRun(): Promise<ObjectResult[]> {
    const each = await this.dryRunEach();
    const failures = each.flatMap(r => (r.refusal ? [r.refusal] : []));
    const results = each.flatMap(r =>
      r.outcome
        ? [{ object: describeObject(r.object), outcome: r.outcome }]
        : [],
    );
    if (failures.length) {
      throw new KamajiApplyError(
        `The management cluster rejected the request in a dry run; nothing was written:\n${failures
          .map(f => `- ${f}`)
          .join('\n')}`,
      );
    }
    return results;
  }

  /**
   * Server-side dry run (`dryRun=All`) of every object, each with what a real apply would do or
   * the API server's refusal of it.
   */
  async dryRunEach(): Promise<
    Array<{
      object: KubeObject;
      /** What the server would store. */
      result?: StoredObject;
      outcome?: ObjectOutcome;
      refusal?: string;
    }>
  > {
    const results = [];
    for (const { object, existing } of this.entries) {
      try {
        const result = await this.client.apply(object, {
          fieldManager: KAMAJI_FIELD_MANAGER,
          dryRun: true,
          force: false,
        });
        results.push({
          object,
          result,
          outcome: outcomeOf(
            existing,
            existing && comparable(existing) === comparable(result),
          ),
        });
      } catch (e) {
        results.push({ object, refusal: explainApiError(object, e) });
      }
    }
    return results;
  }

  /**
   * Applies every object in order, all or nothing: when one write fails, the objects this run
   * created are deleted again (newest first) and the error says what happened. Objects that existed
   * before are left as they are.
   */
  async apply(log: (line: string) => void = () => {}): Promise<ObjectResult[]> {
    const done: Array<{ object: KubeObject; outcome: ObjectOutcome }> = [];
    for (const { object, existing } of this.entries) {
      let stored: StoredObject;
      try {
        stored = await this.client.apply(object, {
          fieldManager: KAMAJI_FIELD_MANAGER,
          force: false,
        });
      } catch (e) {
        const cause = explainApiError(object, e);
        log(`failed: ${cause}`);
        const rollback = await this.rollback(done, log);
        throw new KamajiApplyError(
          [
            `Creating the objects failed at ${describeObject(
              object,
            )}: ${cause}`,
            ...rollback,
          ].join('\n'),
        );
      }
      const outcome = outcomeOf(
        existing,
        existing?.metadata.resourceVersion === stored.metadata.resourceVersion,
      );
      done.push({ object, outcome });
      log(`${outcome}: ${describeObject(object)}`);
    }
    return done.map(d => ({
      object: describeObject(d.object),
      outcome: d.outcome,
    }));
  }

  private async rollback(
    done: Array<{ object: KubeObject; outcome: ObjectOutcome }>,
    log: (line: string) => void,
  ): Promise<string[]> {
    const created = done.filter(d => d.outcome === 'created').reverse();
    const kept = done.filter(d => d.outcome !== 'created');
    const removed: string[] = [];
    const failed: string[] = [];
    for (const { object } of created) {
      try {
        await this.client.delete(object);
        removed.push(describeObject(object));
        log(`rolled back: deleted ${describeObject(object)}`);
      } catch (e) {
        failed.push(explainApiError(object, e));
      }
    }
    const lines: string[] = [];
    lines.push(
      removed.length
        ? `Rolled back: deleted what this run had created (${removed.join(
            ', ',
          )}).`
        : 'Nothing had been created yet, so nothing was rolled back.',
    );
    if (kept.length) {
      lines.push(
        `Left as they were before this run: ${kept
          .map(
            k =>
              `${describeObject(k.object)}${
                k.outcome === 'updated' ? ' (updated by this run)' : ''
              }`,
          )
          .join(', ')}.`,
      );
    }
    if (failed.length) {
      lines.push(
        `Could not delete (remove these by hand): ${failed.join('; ')}`,
      );
    }
    return lines;
  }
}
