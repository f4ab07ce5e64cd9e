import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ComputePort } from '@app/cloud';
import { FleetEvents } from '../events/fleet.events';
import { FleetLock } from '../reconcile/fleet.lock';
import { CLOCK, Clock } from '../reconcile/reconcile.settings';
import { Reconciler } from '../reconcile/reconciler.service';
import { FleetStore } from '../store/fleet.store';
import { desiredOnStart, KeepDesiredMode } from './desired-on-start';

/** StartupSettings are the start-up variables (INITIAL_WORKERS, FLEET_KEEP_DESIRED_ON_START). */
export interface StartupSettings {
  initialWorkers: number;
  keepDesired: KeepDesiredMode;
}

/** STARTUP_SETTINGS is the DI token of the StartupSettings. */
export const STARTUP_SETTINGS = Symbol('STARTUP_SETTINGS');

/**
 * FleetStartup sets the desired size at start (see desiredOnStart) and then starts the reconcile
 * loop, which re-adopts the workers still running: no orphans, no duplicates.
 */
@Injectable()
export class FleetStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger('FleetStartup');

  constructor(
    private readonly store: FleetStore,
    private readonly compute: ComputePort,
    private readonly events: FleetEvents,
    private readonly lock: FleetLock,
    private readonly reconciler: Reconciler,
    @Inject(STARTUP_SETTINGS) private readonly settings: StartupSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.lock.run(() => this.initDesired());
    this.reconciler.start();
  }

  private async initDesired(): Promise<void> {
    const stored = await this.store.getDesired();
    let aliveWorkers: number | null = null;
    if (stored && this.settings.keepDesired === 'auto') {
      try {
        const described = await this.compute.describe();
        aliveWorkers = described.filter(
          (i) => i.state === 'pending' || i.state === 'running',
        ).length;
      } catch (error) {
        this.logger.warn(`cannot tell which workers survived: ${(error as Error).message}`);
      }
    }
    const decision = desiredOnStart({
      stored: stored?.desired ?? null,
      initial: this.settings.initialWorkers,
      mode: this.settings.keepDesired,
      aliveWorkers,
    });
    this.logger.log(`desired size ${decision.desired} (${decision.cause})`);
    if (stored?.desired === decision.desired) return;
    const now = this.clock();
    await this.store.setDesired(decision.desired, decision.cause, now);
    await this.events.poolChanged({
      desired: decision.desired,
      previous: stored?.desired ?? 0,
      cause: decision.cause,
      source: 'start',
      at: now.toISOString(),
    });
  }
}
