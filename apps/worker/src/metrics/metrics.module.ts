import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';
import { MetricsController } from './metrics.controller';
import { RequestCountPublisher } from './request-count.publisher';
import { RequestCounter } from './request-counter';
import { WorkerMetrics } from './worker-metrics';

/** cloudWatchClientProvider builds the worker's one CloudWatchClient (aws mode only). */
export const cloudWatchClientProvider: Provider = {
  provide: CloudWatchClient,
  useFactory: (config: WorkerConfig) => new CloudWatchClient({ region: config.AWS_REGION }),
  inject: [WORKER_CONFIG],
};

/**
 * MetricsModule: the Prometheus registry and /metrics in every mode; in aws mode also the
 * CloudWatch request-count publisher. Global so any use case can record its own metrics.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    const aws = config.CLOUD_PROVIDER === 'aws';
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: WorkerMetrics, useFactory: () => new WorkerMetrics() },
        RequestCounter,
        ...(aws ? [cloudWatchClientProvider, RequestCountPublisher] : []),
      ],
      exports: [WorkerMetrics, RequestCounter],
    };
  }
}
