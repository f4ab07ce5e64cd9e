import { DynamicModule, Module } from '@nestjs/common';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CLOUDWATCH_REGION,
  CloudWatchMetricSourceAdapter,
  cloudWatchClientProvider,
  MetricSourcePort,
  ScrapeMetricSourceAdapter,
} from '@app/cloud';
import { MetricsConfig } from '../metrics.config';

/**
 * MetricSourceModule binds MetricSourcePort to the provider's adapter and exports only the port:
 * scraping /metrics locally, CloudWatch GetMetricData on aws.
 */
@Module({})
export class MetricSourceModule {
  static forRoot(config: MetricsConfig): DynamicModule {
    if (config.CLOUD_PROVIDER === 'aws') {
      return {
        module: MetricSourceModule,
        providers: [
          { provide: CLOUDWATCH_REGION, useValue: config.AWS_REGION },
          cloudWatchClientProvider,
          {
            provide: MetricSourcePort,
            inject: [CloudWatchClient],
            useFactory: (client: CloudWatchClient) => new CloudWatchMetricSourceAdapter(client),
          },
        ],
        exports: [MetricSourcePort],
      };
    }
    return {
      module: MetricSourceModule,
      providers: [
        {
          provide: MetricSourcePort,
          useFactory: () =>
            new ScrapeMetricSourceAdapter({ timeoutMs: config.METRICS_SCRAPE_TIMEOUT_MS }),
        },
      ],
      exports: [MetricSourcePort],
    };
  }
}
