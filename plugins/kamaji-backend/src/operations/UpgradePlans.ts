import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  TenantNode,
  UpgradePlan,
  UpgradePlanRequest,
  UpgradePlanStatus,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import { buildUpgradePlan, PlanRules } from './planBuilder';
import { UNSTARTED, UpgradePlanStore } from './UpgradePlanStore';

export type PlanCommand = 'start' | 'pause' | 'resume' | 'abort';

const TRANSITIONS: Record<
  PlanCommand,
  { from: UpgradePlanStatus[]; to: UpgradePlanStatus }
> = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  // A halted plan is resumed too, by UpgradePlanStore.retryHalted: its failed steps first.
  resume: { from: ['paused'], to: 'running' },
  abort: { from: ['draft', 'running', 'paused', 'halted'], to: 'aborted' },
};

/** Creates plans from the fleet as it is now and moves them between states. */
export class UpgradePlans {
  constructor(
    private readonly fleet: FleetService,
    private readonly store: UpgradePlanStore,
    private readonly rules: Omit<PlanRules, 'visible'>,
  ) {}

  async create(
    request: UpgradePlanRequest,
    createdBy: string,
    visible?: (tenant: TenantNode) => boolean,
  ): Promise<UpgradePlan> {
    const built = buildUpgradePlan(this.fleet.getSnapshot(), request, {
      ...this.rules,
      visible,
    });
    const id = await this.store.create({
      request,
      createdBy,
      waves: built.waves,
      steps: built.steps,
      status: request.dryRun === false ? 'running' : 'draft',
    });
    return (await this.store.get(id))!;
  }

  async get(id: string): Promise<UpgradePlan> {
    const plan = await this.store.get(id);
    if (!plan) throw new NotFoundError(`No upgrade plan with id ${id}`);
    return plan;
  }

  list(limit: number, offset: number) {
    return this.store.list(limit, offset);
  }

  async command(
    id: string,
    command: PlanCommand,
    actor: string,
  ): Promise<UpgradePlan> {
    const plan = await this.get(id);
    const { from, to } = TRANSITIONS[command];
    const message = command === 'abort' ? `aborted by ${actor}` : undefined;
    const moved =
      command === 'resume' && plan.status === 'halted'
        ? await this.store.retryHalted(id, `tried again by ${actor}`)
        : await this.store.setStatus(id, from, to, { message });
    if (!moved) {
      const accepted = command === 'resume' ? [...from, 'halted'] : from;
      throw new ConflictError(
        `cannot ${command} plan ${id}: it is ${
          plan.status
        } (${command} works on a ${accepted.join(' or ')} plan)`,
      );
    }
    if (command === 'abort') {
      // Steps already patching or gating finish their own patch; nothing new starts.
      await this.store.updateSteps(id, UNSTARTED, 'cancelled', message!);
    }
    return this.get(id);
  }
}
