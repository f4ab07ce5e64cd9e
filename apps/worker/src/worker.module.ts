import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DatabaseModule } from '@app/database';
import { AccountsModule } from './accounts/accounts.module';
import { AutomationModule } from './automation/automation.module';
import { WORKER_ENTITIES, WORKER_MIGRATIONS } from './database/worker.database';
import { GalleryModule } from './gallery/gallery.module';
import { HealthModule } from './health/health.module';
import { LoadModule } from './load/load.module';
import { MetricsModule } from './metrics/metrics.module';
import { SessionModule } from './session/session.module';
import { UploadsModule } from './uploads/uploads.module';
import { WorkerConfigModule } from './worker-config.module';
import { WorkerConfig } from './worker.config';
import { WorkerExceptionFilter } from './web/worker-exception.filter';

/**
 * WorkerModule is the user app: pages, automation API, health and metrics, and the load-test
 * endpoints only when WORKER_LOAD_ENDPOINTS is true (otherwise their paths are 404).
 */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        WorkerConfigModule.forRoot(config),
        DatabaseModule.forRoot({
          app: 'worker',
          entities: WORKER_ENTITIES,
          migrations: WORKER_MIGRATIONS,
          url: config.DATABASE_URL,
        }),
        MetricsModule.forRoot(config),
        SessionModule,
        AccountsModule,
        UploadsModule,
        GalleryModule,
        AutomationModule,
        ...(config.WORKER_LOAD_ENDPOINTS ? [LoadModule] : []),
        HealthModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: WorkerExceptionFilter }],
    };
  }
}
