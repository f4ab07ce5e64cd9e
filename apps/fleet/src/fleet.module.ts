import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { PoolMessageController } from './commands/pool.message.controller';
import { PoolService } from './commands/pool.service';
import { FLEET_ENTITIES, FLEET_MIGRATIONS } from './database/fleet.database';
import { BusFleetEvents, FleetEvents } from './events/fleet.events';
import { FleetConfig } from './fleet.config';
import {
  CloudInfrastructureModule,
  CloudInfrastructureOptions,
} from './infrastructure/cloud.infrastructure.module';
import { FleetListMessageController } from './listing/fleet-list.message.controller';
import { FleetListService } from './listing/fleet-list.service';
import { FleetLock } from './reconcile/fleet.lock';
import {
  CLOCK,
  RECONCILE_SETTINGS,
  ReconcileSettings,
  systemClock,
} from './reconcile/reconcile.settings';
import { Reconciler } from './reconcile/reconciler.service';
import { FleetStartup, STARTUP_SETTINGS, StartupSettings } from './startup/fleet-startup.service';
import { FleetStore } from './store/fleet.store';
import { TypeormFleetStore } from './store/typeorm.fleet.store';

/** FleetModuleOptions are test-time choices that do not come from the environment. */
export type FleetModuleOptions = CloudInfrastructureOptions;

/** reconcileSettings turns the FLEET_* variables into the reconciler's settings. */
export function reconcileSettings(config: FleetConfig): ReconcileSettings {
  return {
    intervalMs: config.FLEET_RECONCILE_INTERVAL_MS,
    unhealthyGraceMs: config.FLEET_UNHEALTHY_GRACE_S * 1000,
    drainTimeoutMs: config.FLEET_DRAIN_TIMEOUT_S * 1000,
    launchRetryMs: config.FLEET_LAUNCH_RETRY_MS,
    // runMain forces the exit 10 s after SIGTERM; a launch not recorded by then is resumed with
    // its client token at the next start (it never launches twice).
    shutdownWaitMs: Math.min(config.LAUNCH_TIMEOUT_MS, 8000),
  };
}

/**
 * FleetModule is the fleet service: it owns the worker pool (desired size, launching,
 * registering, draining, terminating, replacing dead workers), consumes the `fleet.*` commands
 * and the FLEET_LIST query, and emits the `fleet.*` events.
 */
@Module({})
export class FleetModule {
  static forRoot(config: FleetConfig, options: FleetModuleOptions = {}): DynamicModule {
    const startup: StartupSettings = {
      initialWorkers: config.INITIAL_WORKERS,
      keepDesired: config.FLEET_KEEP_DESIRED_ON_START,
    };
    return {
      module: FleetModule,
      imports: [
        MessagingModule.forRoot('fleet', config),
        DatabaseModule.forRoot({
          app: 'fleet',
          entities: FLEET_ENTITIES,
          migrations: FLEET_MIGRATIONS,
          url: config.DATABASE_URL,
        }),
        TypeOrmModule.forFeature(FLEET_ENTITIES),
        CloudInfrastructureModule.forRoot(config, options),
      ],
      controllers: [PoolMessageController, FleetListMessageController],
      providers: [
        { provide: RECONCILE_SETTINGS, useValue: reconcileSettings(config) },
        { provide: STARTUP_SETTINGS, useValue: startup },
        { provide: CLOCK, useValue: systemClock },
        { provide: FleetStore, useClass: TypeormFleetStore },
        { provide: FleetEvents, useClass: BusFleetEvents },
        FleetLock,
        Reconciler,
        PoolService,
        FleetListService,
        FleetStartup,
      ],
    };
  }
}
