import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  FLEET_POOL_CHANGED,
  FLEET_SNAPSHOT,
  FleetSnapshot,
  METRICS_SAMPLE,
  MetricSample,
  PoolChanged,
} from '@app/contracts';
import { ObservedPoolService } from './observed-pool.service';

/**
 * ObservationEventController feeds the samples, the fleet snapshots and the fleet's changes of the
 * desired size to ObservedPoolService.
 */
@Controller()
export class ObservationEventController {
  constructor(private readonly observed: ObservedPoolService) {}

  @EventPattern(METRICS_SAMPLE.pattern)
  onSample(@Payload() sample: MetricSample): void {
    this.observed.addSample(sample);
  }

  @EventPattern(FLEET_SNAPSHOT.pattern)
  onSnapshot(@Payload() snapshot: FleetSnapshot): void {
    this.observed.onSnapshot(snapshot);
  }

  @EventPattern(FLEET_POOL_CHANGED.pattern)
  onPoolChanged(@Payload() change: PoolChanged): void {
    this.observed.onPoolChanged(change);
  }
}
