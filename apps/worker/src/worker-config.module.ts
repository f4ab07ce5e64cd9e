import { DynamicModule, Global, Module } from '@nestjs/common';
import { WorkerConfig } from './worker.config';
import { WORKER_CONFIG } from './worker.tokens';

/** WorkerConfigModule makes the WorkerConfig given to WorkerModule.forRoot injectable everywhere. */
@Global()
@Module({})
export class WorkerConfigModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerConfigModule,
      providers: [{ provide: WORKER_CONFIG, useValue: config }],
      exports: [WORKER_CONFIG],
    };
  }
}
