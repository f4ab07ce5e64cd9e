import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FLEET_SNAPSHOT, FleetSnapshot, METRICS_SAMPLE, MetricSample } from '@app/contracts';
import { ObservedPoolService } from './observed-pool.service';

/** ObservationEventController feeds the samples and the fleet snapshots to ObservedPoolService. */
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
}
