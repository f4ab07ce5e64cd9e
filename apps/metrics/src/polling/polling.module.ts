import { DynamicModule, Module } from '@nestjs/common';
import { HistoryModule } from '../history/history.module';
import { MetricsConfig } from '../metrics.config';
import { MetricSourceModule } from '../source/metric-source.module';
import { WorkersModule } from '../workers/workers.module';
import { PollerService } from './poller.service';

/** PollingModule runs the measuring loop. */
@Module({})
export class PollingModule {
  static forRoot(config: MetricsConfig): DynamicModule {
    return {
      module: PollingModule,
      imports: [MetricSourceModule.forRoot(config), WorkersModule, HistoryModule],
      providers: [PollerService],
    };
  }
}
