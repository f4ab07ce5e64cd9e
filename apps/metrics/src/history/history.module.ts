import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HistoryMessageController } from './history.message.controller';
import { HistoryService } from './history.service';
import { MetricMinute } from './metric-minute.entity';

/** HistoryModule stores per-minute aggregates and answers history queries. */
@Module({
  imports: [TypeOrmModule.forFeature([MetricMinute])],
  controllers: [HistoryMessageController],
  providers: [HistoryService],
  exports: [HistoryService],
})
export class HistoryModule {}
