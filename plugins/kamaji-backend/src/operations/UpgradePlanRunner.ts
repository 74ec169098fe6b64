import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  IslandNode,
  TenantNode,
  UpgradePlan,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import { ClusterActions, DeclaredCluster } from '../actions/ClusterActions';
import { checkGate, conditionsNotMet } from './healthGate';
import { PlanAudit } from './planAudit';
import {
  ACTIVE,
  StepChange,
  StepRow,
  UNSTARTED,
  UpgradePlanStore,
} from './UpgradePlanStore';

const RUNNER = {
  actor: 'kamaji-upgrade-runner',
  actorType: 'service' as const,
};
const OPEN = [...UNSTARTED, ...ACTIVE];
const isActive = (step: StepRow) => ACTIVE.includes(step.state);
const isOpen = (step: StepRow) => OPEN.includes(step.state);

export interface RunnerOptions {
  fleet: FleetService;
  store: UpgradePlanStore;
  actions: ClusterActions;
  audit: PlanAudit;
  logger: LoggerService;
  now?: () => number;
}

/**
 * Advances running plans, one tick at a time. It keeps no state of its own: everything it
 * knows is in the database, so a new instance (another replica, a restarted backend) goes on
 * where the last one stopped. A step is `patching` in the database before its patch is sent;
 * a step found `patching` is patched again, which changes nothing when the first patch landed
 * (the upgrade is idempotent: same version, no write).
 */
export class UpgradePlanRunner {
  private readonly now: () => number;

  constructor(private readonly options: RunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Runs the ticks as a scheduler global task: on exactly one replica at a time. */
  async schedule(scheduler: SchedulerService, tickSeconds = 3) {
    await scheduler.scheduleTask({
      id: 'kamaji-upgrade-plans',
      scope: 'global',
      frequency: { seconds: tickSeconds },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 1 },
      fn: () => this.tick(),
    });
  }

  async tick(): Promise<void> {
    for (const id of await this.options.store.idsWithStatus('running')) {
      try {
        await this.advance(id);
      } catch (e) {
        this.options.logger.error(
          `upgrade plan ${id}: tick failed: ${(e as Error).message}`,
        );
      }
    }
  }

  private async advance(planId: string): Promise<void> {
    const { store } = this.options;
    const plan = await store.get(planId);
    if (!plan || plan.status !== 'running') return;
    const steps = await store.steps(planId);
    const wave = plan.waves.find(w =>
      steps.some(s => s.wave === w.index && isOpen(s)),
    );
    if (!wave) {
      await this.succeed(plan);
      return;
    }
    if (await this.soaking(plan, steps, wave.index)) return;
    const inWave = steps.filter(s => s.wave === wave.index);
    if (!(await this.advanceActive(plan, inWave))) return;
    if ((await this.startPending(plan, wave.index, inWave)) === 'halted')
      return;
    await this.soakIfWaveDone(plan, wave.index);
  }

  private async succeed(plan: UpgradePlan) {
    await this.options.store.setStatus(plan.id, ['running'], 'succeeded', {
      message: null,
    });
    await this.audit(
      plan,
      `upgrade-plan/${plan.id}`,
      'plan succeeded',
      'success',
    );
  }

  /** Whether a fresh wave is still held back by the soak after the wave before it. */
  private async soaking(plan: UpgradePlan, steps: StepRow[], wave: number) {
    const soakUntil = await this.options.store.soakUntil(plan.id);
    return (
      !!soakUntil &&
      soakUntil.getTime() > this.now() &&
      !this.waveStarted(steps, wave)
    );
  }

  /** Moves each patching or gating step of the wave on; false once one of them stopped the plan. */
  private async advanceActive(plan: UpgradePlan, inWave: StepRow[]) {
    for (const step of inWave.filter(isActive)) {
      const ok =
        step.state === 'patching'
          ? await this.patch(plan, step)
          : await this.gate(plan, step);
      if (!ok) return false;
    }
    return true;
  }

  /** Starts waiting steps of the wave while fewer than `maxConcurrent` are active. */
  private async startPending(
    plan: UpgradePlan,
    wave: number,
    inWave: StepRow[],
  ): Promise<'halted' | undefined> {
    let active = (await this.options.store.steps(plan.id)).filter(
      s => s.wave === wave && isActive(s),
    ).length;
    const maxConcurrent = plan.request.maxConcurrent ?? 1;
    for (const step of inWave.filter(
      s => s.state === 'pending' || s.state === 'waiting-uplink',
    )) {
      if (active >= maxConcurrent) break;
      const started = await this.start(plan, step);
      if (started === 'halted') return 'halted';
      if (started) active++;
    }
    return undefined;
  }

  /** Once no step of the wave is open, the next wave waits `soakSeconds`. */
  private async soakIfWaveDone(plan: UpgradePlan, wave: number) {
    const { store } = this.options;
    const after = (await store.steps(plan.id)).filter(s => s.wave === wave);
    if (after.some(isOpen)) return;
    const soakMs = (plan.request.soakSeconds ?? 0) * 1000;
    await store.setStatus(plan.id, ['running'], 'running', {
      soakUntil: new Date(this.now() + soakMs),
    });
  }

  /** Whether any step of the wave has started (the soak only holds back a fresh wave). */
  private waveStarted(steps: StepRow[], wave: number): boolean {
    return steps.some(
      s =>
        s.wave === wave &&
        s.state !== 'pending' &&
        s.state !== 'waiting-uplink',
    );
  }

  private islandOf(tenant: TenantNode): IslandNode | undefined {
    if (!tenant.islandId) return undefined;
    return this.options.fleet.getCluster(tenant.islandId) as
      | IslandNode
      | undefined;
  }

  /** Starts one step, or lets it wait for its island's uplink; true when it started. */
  private async start(
    plan: UpgradePlan,
    step: StepRow,
  ): Promise<boolean | 'halted'> {
    const { fleet } = this.options;
    const tenant = fleet.getCluster(step.clusterId) as TenantNode | undefined;
    if (!tenant) {
      await this.updateUnstarted(plan, step, {
        state: 'skipped',
        message: 'the cluster is gone from the fleet',
        finishedAt: new Date(this.now()),
      });
      return false;
    }
    const island = this.islandOf(tenant);
    if (
      island?.connection.status === 'disconnected' ||
      tenant.staleness?.stale
    ) {
      await this.holdForUplink(plan, step, tenant);
      return false;
    }
    const claimed = await this.updateUnstarted(plan, step, {
      state: 'patching',
      message: null,
      baseline: conditionsNotMet(tenant),
      startedAt: new Date(this.now()),
    });
    if (!claimed) return false;
    const patched = await this.patch(plan, {
      ...step,
      state: 'patching',
      startedAt: new Date(this.now()).toISOString(),
    });
    return patched || 'halted';
  }

  /** Changes a step that has not started (pending, or waiting for its uplink); true if it was. */
  private updateUnstarted(
    plan: UpgradePlan,
    step: StepRow,
    update: StepChange,
  ): Promise<boolean> {
    return this.options.store.updateStep(
      plan.id,
      step.clusterId,
      UNSTARTED,
      update,
    );
  }

  /**
   * The step's island is disconnected (or its state stale): the step waits for the uplink, or
   * is skipped when the plan says so; audited once, when its state changes.
   */
  private async holdForUplink(
    plan: UpgradePlan,
    step: StepRow,
    tenant: TenantNode,
  ) {
    const skip = plan.request.whenDisconnected === 'skip';
    const state = skip ? 'skipped' : 'waiting-uplink';
    if (step.state === state) return;
    const message = skip
      ? `skipped: island ${tenant.islandId} is disconnected`
      : `waiting for the uplink of island ${tenant.islandId}`;
    await this.updateUnstarted(plan, step, {
      state,
      message,
      ...(skip ? { finishedAt: new Date(this.now()) } : {}),
    });
    await this.audit(plan, step.clusterId, message, 'success');
  }

  /** Sends the patch of a `patching` step; false when it failed (the plan halted). */
  private async patch(plan: UpgradePlan, step: StepRow): Promise<boolean> {
    const { store, fleet, actions } = this.options;
    const tenant = fleet.getCluster(step.clusterId) as
      | DeclaredCluster
      | undefined;
    try {
      if (!tenant) throw new Error('the cluster is gone from the fleet');
      const result = await actions.upgrade(tenant, {
        version: plan.version,
        workers: plan.request.workers ?? true,
      });
      await store.updateStep(plan.id, step.clusterId, ['patching'], {
        state: 'gating',
        patched: result.changed,
      });
      await this.audit(plan, step.clusterId, 'patched', 'success', {
        changed: result.changed,
        controlPlane: result.controlPlane,
        workerPools: result.workerPools,
      });
      return true;
    } catch (e) {
      await this.fail(
        plan,
        step,
        `the upgrade was refused: ${(e as Error).message}`,
      );
      return false;
    }
  }

  /** Checks the gate of a patched step; false when the plan halted. */
  private async gate(plan: UpgradePlan, step: StepRow): Promise<boolean> {
    const tenant = this.options.fleet.getCluster(step.clusterId) as
      | TenantNode
      | undefined;
    const result = checkGate(tenant, {
      version: plan.version,
      workers: plan.request.workers ?? true,
      baseline: step.baseline,
    });
    if (result.kind === 'passed') {
      await this.options.store.updateStep(plan.id, step.clusterId, ['gating'], {
        state: 'succeeded',
        message: null,
        finishedAt: new Date(this.now()),
      });
      await this.audit(plan, step.clusterId, 'health gate passed', 'success');
      return true;
    }
    const timeoutMs = (plan.request.gateTimeoutSeconds ?? 900) * 1000;
    const started = step.startedAt ? Date.parse(step.startedAt) : this.now();
    if (result.kind === 'failed' || this.now() - started > timeoutMs) {
      const reason =
        result.kind === 'failed'
          ? result.reason
          : `health gate timed out after ${timeoutMs / 1000} s (${
              result.reason
            })`;
      await this.fail(plan, step, reason);
      return false;
    }
    if (step.message !== result.reason) {
      await this.options.store.updateStep(plan.id, step.clusterId, ['gating'], {
        message: result.reason,
      });
    }
    return true;
  }

  /** The first failed step halts the whole plan; steps not started stay untouched. */
  private async fail(plan: UpgradePlan, step: StepRow, reason: string) {
    const { store } = this.options;
    await store.updateStep(plan.id, step.clusterId, ['patching', 'gating'], {
      state: 'failed',
      message: reason,
      finishedAt: new Date(this.now()),
    });
    await store.setStatus(plan.id, ['running'], 'halted', {
      message: `halted: ${step.clusterId} failed: ${reason}`,
    });
    await this.audit(plan, step.clusterId, `failed: ${reason}`, 'failure');
  }

  private audit(
    plan: UpgradePlan,
    target: string,
    what: string,
    result: 'success' | 'failure',
    details?: Record<string, unknown>,
  ) {
    return this.options.audit({
      ...RUNNER,
      target,
      planId: plan.id,
      what,
      result,
      status: result === 'success' ? 200 : 500,
      // The runner makes the change; the plan's author is who asked for it.
      details: {
        version: plan.version,
        planCreatedBy: plan.createdBy,
        ...details,
      },
    });
  }
}
