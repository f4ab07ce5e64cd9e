import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ClearProgress,
  ClearResult,
  FLEET_INSTANCE_STATE,
  FLEET_POOL_CHANGED,
  FLEET_SNAPSHOT,
  FleetSnapshot,
  InstanceStateChanged,
  JANITOR_CLEARED,
  JANITOR_PROGRESS,
  PolicyChanged,
  PoolChanged,
  SCALER_DECISION,
  SCALER_POLICY_CHANGED,
  ScalingDecision,
} from '@app/contracts';
import { ActivityService } from '../activity/activity.service';
import { ClearService } from '../clear/clear.service';
import { FleetViewService } from '../live/fleet-view.service';

/**
 * GatewayEventsController consumes the events the gateway shows: the pool (live worker list and
 * activity), the scaler's decisions and policy changes (activity), the janitor's progress and
 * results ("Delete"). One handler per pattern, fanning out to the services that need it.
 */
@Controller()
export class GatewayEventsController {
  constructor(
    private readonly activity: ActivityService,
    private readonly fleet: FleetViewService,
    private readonly clear: ClearService,
  ) {}

  @EventPattern(FLEET_SNAPSHOT.pattern)
  onSnapshot(@Payload() e: FleetSnapshot): void {
    this.fleet.onSnapshot(e);
  }

  @EventPattern(FLEET_INSTANCE_STATE.pattern)
  async onInstanceState(@Payload() e: InstanceStateChanged): Promise<void> {
    this.fleet.onInstanceState(e);
    await this.activity.onInstanceState(e);
  }

  @EventPattern(FLEET_POOL_CHANGED.pattern)
  async onPoolChanged(@Payload() e: PoolChanged): Promise<void> {
    this.fleet.onPoolChanged(e);
    await this.activity.onPoolChanged(e);
  }

  @EventPattern(SCALER_DECISION.pattern)
  async onDecision(@Payload() d: ScalingDecision): Promise<void> {
    await this.activity.onDecision(d);
  }

  @EventPattern(SCALER_POLICY_CHANGED.pattern)
  async onPolicyChanged(@Payload() e: PolicyChanged): Promise<void> {
    await this.activity.onPolicyChanged(e);
  }

  @EventPattern(JANITOR_PROGRESS.pattern)
  onClearProgress(@Payload() p: ClearProgress): void {
    this.clear.onProgress(p);
  }

  @EventPattern(JANITOR_CLEARED.pattern)
  async onCleared(@Payload() r: ClearResult): Promise<void> {
    this.clear.onCleared(r);
    await this.activity.onCleared(r);
  }
}
