import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FLEET_SNAPSHOT, FleetSnapshot } from '@app/contracts';
import { KnownWorkersService } from './known-workers.service';

/** FleetSnapshotEventController learns the worker list from the fleet's snapshots. */
@Controller()
export class FleetSnapshotEventController {
  constructor(private readonly workers: KnownWorkersService) {}

  @EventPattern(FLEET_SNAPSHOT.pattern)
  onSnapshot(@Payload() snapshot: FleetSnapshot): void {
    this.workers.onSnapshot(snapshot);
  }
}
