import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PolicyView, SCALER_POLICY_CHANGED, ScalingPolicy } from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { Repository } from 'typeorm';
import { PolicyValues } from '../decision/scale-decision';
import { POLICY_ROW_ID, ScalingPolicyRow } from './scaling-policy.entity';

function toPolicy(row: ScalingPolicyRow): ScalingPolicy {
  return Object.assign(new ScalingPolicy(), {
    growThreshold: Number(row.growThreshold),
    shrinkThreshold: Number(row.shrinkThreshold),
    growRatio: Number(row.growRatio),
    shrinkRatio: Number(row.shrinkRatio),
    minWorkers: Number(row.minWorkers),
    maxWorkers: Number(row.maxWorkers),
    enabled: Boolean(row.enabled),
  });
}

/**
 * PolicyService keeps the auto-scaling policy in MySQL (one row). Until one is saved the scaler
 * is disabled; disabling keeps the values (enabled=false), so re-enabling is one click. Every
 * change is broadcast as SCALER_POLICY_CHANGED.
 */
@Injectable()
export class PolicyService {
  private readonly logger = new Logger(PolicyService.name);

  constructor(
    @InjectRepository(ScalingPolicyRow) private readonly rows: Repository<ScalingPolicyRow>,
    private readonly bus: MessageBus,
  ) {}

  /** view is the policy as SCALER_GET_POLICY answers it. */
  async view(): Promise<PolicyView> {
    const row = await this.rows.findOneBy({ id: POLICY_ROW_ID });
    if (!row) return { policy: null, enabled: false, updatedAt: null };
    const policy = toPolicy(row);
    return { policy, enabled: policy.enabled, updatedAt: row.updatedAt.toISOString() };
  }

  /** current is the policy the decision reads (null before one is saved). */
  async current(): Promise<PolicyValues | null> {
    return (await this.view()).policy;
  }

  /** save replaces the policy with an already validated one. */
  async save(policy: ScalingPolicy, cause = 'policy saved'): Promise<PolicyView> {
    await this.rows.save(
      this.rows.create({
        id: POLICY_ROW_ID,
        growThreshold: policy.growThreshold,
        shrinkThreshold: policy.shrinkThreshold,
        growRatio: policy.growRatio,
        shrinkRatio: policy.shrinkRatio,
        minWorkers: policy.minWorkers,
        maxWorkers: policy.maxWorkers,
        enabled: policy.enabled,
        updatedAt: new Date(),
      }),
    );
    const view = await this.view();
    this.logger.log(`${cause}: ${JSON.stringify(view.policy)}`);
    await this.announce(view, cause);
    return view;
  }

  /** disable turns the auto-scaler off and keeps the values; doing it twice changes nothing. */
  async disable(cause: string): Promise<PolicyView> {
    await this.rows.update(
      { id: POLICY_ROW_ID, enabled: true },
      { enabled: false, updatedAt: new Date() },
    );
    const view = await this.view();
    this.logger.log(`auto-scaler disabled: ${cause}`);
    await this.announce(view, cause);
    return view;
  }

  private async announce(view: PolicyView, cause: string): Promise<void> {
    try {
      await this.bus.emit(SCALER_POLICY_CHANGED, {
        policy: view.policy ? { ...view.policy } : null,
        enabled: view.enabled,
        cause: cause.slice(0, 500),
        at: new Date().toISOString(),
      });
    } catch (error) {
      // The change is stored; only the notification is lost (the UI re-reads the policy).
      this.logger.warn(`policy change not broadcast: ${(error as Error).message}`);
    }
  }
}
