import { Module } from '@nestjs/common';
import { ObservationEventController } from './observation.event.controller';
import { ObservedPoolService } from './observed-pool.service';

/** ObservationModule keeps the recent samples and the pool as the fleet reports it. */
@Module({
  controllers: [ObservationEventController],
  providers: [ObservedPoolService],
  exports: [ObservedPoolService],
})
export class ObservationModule {}
