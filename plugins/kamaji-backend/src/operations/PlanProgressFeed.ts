import { LoggerService } from '@backstage/backend-plugin-api';
import {
  UpgradePlanProgress,
  UpgradePlanStatus,
  UpgradeStep,
} from '@kamaji-backstage/plugin-kamaji-common';
import { UpgradePlanStore } from './UpgradePlanStore';

export type PlanProgressListener = (progress: UpgradePlanProgress) => void;

/** Plans whose `updated_at` lies this far behind the last look are asked for again (clock skew between replicas, commits landing late); the revision keeps them from being sent twice. */
const LOOK_BACK_MS = 5_000;

const FINAL: UpgradePlanStatus[] = ['halted', 'aborted', 'succeeded'];

interface SeenPlan {
  revision: number;
  status: UpgradePlanStatus;
  steps: Map<string, string>;
}

/**
 * Upgrade plan progress from the database, so every replica sees the runner's work wherever the
 * runner runs: while anyone listens, one query on the `updated_at` index per interval for the
 * plans changed since the last look, then the steps of each plan whose revision moved.
 */
export class PlanProgressFeed {
  private readonly listeners = new Set<PlanProgressListener>();
  private readonly seen = new Map<string, SeenPlan>();
  private timer?: NodeJS.Timeout;
  private lastLook = new Date();
  private polling = false;

  constructor(
    private readonly store: UpgradePlanStore,
    private readonly logger: LoggerService,
    private readonly intervalMs = 1000,
  ) {}

  /** Listens until the returned function is called; polling runs only while someone listens. */
  subscribe(listener: PlanProgressListener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.lastLook = new Date(Date.now() - LOOK_BACK_MS);
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      this.timer.unref?.();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    this.seen.clear();
  }

  /** One look at the store; exposed for tests. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const startedAt = Date.now();
    try {
      const changed = await this.store.changedSince(this.lastLook);
      for (const plan of changed) {
        const before = this.seen.get(plan.id);
        if (before && before.revision >= plan.revision) continue;
        const steps = await this.store.steps(plan.id);
        const now = new Map(
          steps.map(({ baseline: _b, patchCount: _p, ...step }) => [
            step.clusterId,
            JSON.stringify(step),
          ]),
        );
        const changedSteps: UpgradeStep[] = [];
        for (const [clusterId, json] of now) {
          if (before?.steps.get(clusterId) !== json) {
            changedSteps.push(JSON.parse(json));
          }
        }
        this.seen.set(plan.id, {
          revision: plan.revision,
          status: plan.status,
          steps: now,
        });
        this.emit({
          planId: plan.id,
          status: plan.status,
          revision: plan.revision,
          updatedAt: plan.updatedAt,
          ...(plan.message ? { message: plan.message } : {}),
          steps: changedSteps,
        });
      }
      this.lastLook = new Date(startedAt - LOOK_BACK_MS);
      this.forgetQuiet(new Set(changed.map(p => p.id)));
    } catch (e) {
      this.logger.warn(
        `upgrade plan progress: reading the plans failed: ${
          (e as Error).message
        }`,
      );
    } finally {
      this.polling = false;
    }
  }

  /** Finished plans are forgotten once they are out of the look-back window. */
  private forgetQuiet(recent: Set<string>) {
    for (const [id, plan] of this.seen) {
      if (!recent.has(id) && FINAL.includes(plan.status)) this.seen.delete(id);
    }
  }

  private emit(progress: UpgradePlanProgress) {
    for (const listener of this.listeners) listener(progress);
  }
}
