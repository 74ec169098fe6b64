import {
  UpgradePlan,
  UpgradePlanRequest,
  UpgradePlanStatus,
  UpgradeStep,
  UpgradeStepState,
  UpgradeWave,
} from '@kamaji-backstage/plugin-kamaji-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const PLANS = 'kamaji_upgrade_plans';
const STEPS = 'kamaji_upgrade_steps';

/** The states of a step not started yet: what the runner may start, and what an abort cancels. */
export const UNSTARTED: UpgradeStepState[] = ['pending', 'waiting-uplink'];
/** The states of a step started and not finished: being patched, or its health gate checked. */
export const ACTIVE: UpgradeStepState[] = ['patching', 'gating'];

function toIso(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const d =
    value instanceof Date
      ? value
      : new Date(
          Number.isFinite(Number(value)) ? Number(value) : String(value),
        );
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** A step row as the runner sees it (with the baseline of conditions). */
export interface StepRow extends UpgradeStep {
  baseline: string[];
  patchCount: number;
}

export interface StepChange {
  state?: UpgradeStepState;
  message?: string | null;
  baseline?: string[];
  startedAt?: Date;
  finishedAt?: Date;
  patched?: boolean;
}

/**
 * Upgrade plans and their steps in the plugin's database. Every change bumps the plan's
 * revision (the ETag of the plan endpoint). State changes are compare-and-set on the old state,
 * so two runners (which the scheduler prevents anyway) could not both start a step.
 */
export class UpgradePlanStore {
  constructor(private readonly knex: Knex) {}

  async create(options: {
    request: UpgradePlanRequest;
    createdBy: string;
    waves: UpgradeWave[];
    steps: UpgradeStep[];
    status: UpgradePlanStatus;
  }): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await this.knex.transaction(async tx => {
      await tx(PLANS).insert({
        id,
        status: options.status,
        version: options.request.version,
        request: JSON.stringify(options.request),
        waves: JSON.stringify(options.waves),
        created_by: options.createdBy.slice(0, 255),
        created_at: now,
        updated_at: now,
        revision: 1,
      });
      const rows = options.steps.map((s, position) => ({
        plan_id: id,
        cluster_id: s.clusterId,
        wave: s.wave,
        position,
        state: s.state,
        from_version: s.fromVersion ?? null,
        message: s.message ?? null,
      }));
      for (let i = 0; i < rows.length; i += 200) {
        await tx(STEPS).insert(rows.slice(i, i + 200));
      }
    });
    return id;
  }

  async get(id: string): Promise<UpgradePlan | undefined> {
    const row = await this.knex(PLANS).where({ id }).first();
    if (!row) return undefined;
    const steps = await this.steps(id);
    return this.toPlan(row, steps);
  }

  async list(limit: number, offset: number) {
    const [{ count }] = await this.knex(PLANS).count({ count: '*' });
    const rows = await this.knex(PLANS)
      .select('*')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .offset(offset);
    return { total: Number(count), items: rows.map(r => this.toPlan(r, [])) };
  }

  /** Plans changed after `since` (without their steps): one query on the `updated_at` index. */
  async changedSince(since: Date): Promise<UpgradePlan[]> {
    const rows = await this.knex(PLANS)
      .where('updated_at', '>', since)
      .select('*');
    return rows.map(r => this.toPlan(r, []));
  }

  async idsWithStatus(status: UpgradePlanStatus): Promise<string[]> {
    const rows = await this.knex(PLANS).where({ status }).select('id');
    return rows.map(r => r.id);
  }

  async steps(planId: string): Promise<StepRow[]> {
    const rows = await this.knex(STEPS)
      .where({ plan_id: planId })
      .orderBy('position');
    return rows.map(r => ({
      clusterId: r.cluster_id,
      wave: Number(r.wave),
      state: r.state,
      fromVersion: r.from_version ?? undefined,
      message: r.message ?? undefined,
      startedAt: toIso(r.started_at),
      finishedAt: toIso(r.finished_at),
      baseline: r.baseline ? JSON.parse(r.baseline) : [],
      patchCount: Number(r.patch_count),
    }));
  }

  /** Moves a plan from one of `from` to `to`; false when it was in none of them. */
  async setStatus(
    id: string,
    from: UpgradePlanStatus[],
    to: UpgradePlanStatus,
    extra: { message?: string | null; soakUntil?: Date | null } = {},
  ): Promise<boolean> {
    const changed = await this.knex(PLANS)
      .where({ id })
      .whereIn('status', from)
      .update({
        status: to,
        updated_at: new Date(),
        revision: this.knex.raw('revision + 1'),
        ...(extra.message !== undefined ? { message: extra.message } : {}),
        ...(extra.soakUntil !== undefined
          ? { soak_until: extra.soakUntil }
          : {}),
      });
    return changed > 0;
  }

  async soakUntil(id: string): Promise<Date | undefined> {
    const row = await this.knex(PLANS)
      .where({ id })
      .select('soak_until')
      .first();
    const iso = toIso(row?.soak_until);
    return iso ? new Date(iso) : undefined;
  }

  /** Changes a step that is in one of the states `from`; false when it was not. */
  async updateStep(
    planId: string,
    clusterId: string,
    from: UpgradeStepState[],
    change: StepChange,
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const changed = await tx(STEPS)
        .where({ plan_id: planId, cluster_id: clusterId })
        .whereIn('state', from)
        .update({
          ...(change.state ? { state: change.state } : {}),
          ...(change.message !== undefined ? { message: change.message } : {}),
          ...(change.baseline
            ? { baseline: JSON.stringify(change.baseline) }
            : {}),
          ...(change.startedAt ? { started_at: change.startedAt } : {}),
          ...(change.finishedAt ? { finished_at: change.finishedAt } : {}),
          ...(change.patched ? { patch_count: tx.raw('patch_count + 1') } : {}),
        });
      if (changed > 0) {
        await tx(PLANS)
          .where({ id: planId })
          .update({ updated_at: new Date(), revision: tx.raw('revision + 1') });
      }
      return changed > 0;
    });
  }

  /**
   * A halted plan runs again, its failed steps first: they go back to `patching` (patched again,
   * which writes nothing where the first patch landed, then gated anew from now), in the same
   * transaction as the plan's status, so the runner never sees the plan running past a failed
   * step. Steps that were still being patched or gated when it halted are gated from now too:
   * their gate's time ran out while nothing was checked. False when the plan was not halted.
   */
  async retryHalted(planId: string, message: string): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const now = new Date();
      const resumed = await tx(PLANS)
        .where({ id: planId, status: 'halted' })
        .update({
          status: 'running',
          message: null,
          updated_at: now,
          revision: tx.raw('revision + 1'),
        });
      if (resumed === 0) return false;
      await tx(STEPS)
        .where({ plan_id: planId, state: 'failed' })
        .update({ state: 'patching', message, finished_at: null });
      await tx(STEPS)
        .where({ plan_id: planId })
        .whereIn('state', ACTIVE)
        .update({ started_at: now });
      return true;
    });
  }

  /** Every step of the plan in one of `from` goes to `to` (abort, halt). */
  async updateSteps(
    planId: string,
    from: UpgradeStepState[],
    to: UpgradeStepState,
    message: string,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      const changed = await tx(STEPS)
        .where({ plan_id: planId })
        .whereIn('state', from)
        .update({ state: to, message, finished_at: new Date() });
      if (changed > 0) {
        await tx(PLANS)
          .where({ id: planId })
          .update({ updated_at: new Date(), revision: tx.raw('revision + 1') });
      }
    });
  }

  private toPlan(row: any, steps: StepRow[]): UpgradePlan {
    return {
      id: row.id,
      status: row.status,
      version: row.version,
      request: JSON.parse(row.request),
      createdBy: row.created_by,
      createdAt: toIso(row.created_at)!,
      updatedAt: toIso(row.updated_at)!,
      revision: Number(row.revision),
      message: row.message ?? undefined,
      waves: JSON.parse(row.waves),
      steps: steps.map(({ baseline: _b, patchCount: _p, ...step }) => step),
    };
  }
}
