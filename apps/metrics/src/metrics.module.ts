import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { METRICS_MIGRATIONS } from './database/migrations';
import { HistoryModule } from './history/history.module';
import { MetricMinute } from './history/metric-minute.entity';
import { METRICS_CONFIG, MetricsConfig } from './metrics.config';
import { PollingModule } from './polling/polling.module';
import { WorkersModule } from './workers/workers.module';

/** MetricsModule is the metrics service: workers to measure, the polling loop, the history. */
@Module({})
export class MetricsModule {
  static forRoot(config: MetricsConfig): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      imports: [
        MessagingModule.forRoot('metrics', config),
        DatabaseModule.forRoot({
          app: 'metrics',
          entities: [MetricMinute],
          migrations: METRICS_MIGRATIONS,
          url: config.DATABASE_URL,
        }),
        WorkersModule,
        HistoryModule,
        PollingModule.forRoot(config),
      ],
      providers: [{ provide: METRICS_CONFIG, useValue: config }],
      exports: [METRICS_CONFIG],
    };
  }
}
