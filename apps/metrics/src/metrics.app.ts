import { INestMicroservice, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createRmqServer } from '@app/messaging';
import { MetricsConfig } from './metrics.config';
import { MetricsModule } from './metrics.module';

/** createMetricsApp builds the metrics service (not yet listening) from a validated config. */
export function createMetricsApp(
  config: MetricsConfig,
  logger?: LoggerService | LogLevel[] | false,
): Promise<INestMicroservice> {
  return NestFactory.createMicroservice(MetricsModule.forRoot(config), {
    strategy: createRmqServer('metrics', config),
    ...(logger === undefined ? {} : { logger }),
  });
}
