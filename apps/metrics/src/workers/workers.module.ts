import { Module } from '@nestjs/common';
import { FleetSnapshotEventController } from './fleet-snapshot.event.controller';
import { KnownWorkersService } from './known-workers.service';

/** WorkersModule keeps the list of workers to measure. */
@Module({
  controllers: [FleetSnapshotEventController],
  providers: [KnownWorkersService],
  exports: [KnownWorkersService],
})
export class WorkersModule {}
