import { INestMicroservice, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createRmqServer } from '@app/messaging';
import { ScalerConfig } from './scaler.config';
import { ScalerModule } from './scaler.module';

/** createScalerApp builds the scaler service (not yet listening) from a validated config. */
export function createScalerApp(
  config: ScalerConfig,
  logger?: LoggerService | LogLevel[] | false,
): Promise<INestMicroservice> {
  return NestFactory.createMicroservice(ScalerModule.forRoot(config), {
    strategy: createRmqServer('scaler', config),
    ...(logger === undefined ? {} : { logger }),
  });
}
