import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MonitoredWorker } from '@app/cloud';
import { FleetSnapshot } from '@app/contracts';
import { FleetViewTracker, MessageBus } from '@app/messaging';
import { METRICS_CONFIG, MetricsConfig } from '../metrics.config';

/**
 * KnownWorkersService knows which workers to measure: the latest FLEET_SNAPSHOT (the fleet emits
 * one after every reconcile pass), or, at start and whenever no snapshot came for
 * METRICS_FLEET_REFRESH_S, the answer to a FLEET_LIST query (see FleetViewTracker).
 */
@Injectable()
export class KnownWorkersService implements OnApplicationBootstrap {
  private readonly fleet: FleetViewTracker;

  constructor(bus: MessageBus, @Inject(METRICS_CONFIG) config: MetricsConfig) {
    this.fleet = new FleetViewTracker(
      bus,
      config.METRICS_FLEET_REFRESH_S,
      KnownWorkersService.name,
    );
  }

  onApplicationBootstrap(): void {
    void this.refresh();
  }

  /** onSnapshot replaces the list, unless the snapshot is older than the one already known. */
  onSnapshot(snapshot: FleetSnapshot): void {
    this.fleet.onSnapshot(snapshot);
  }

  /** monitored lists the workers to measure now: every one not terminated. */
  monitored(): MonitoredWorker[] {
    return (this.fleet.view()?.workers ?? [])
      .filter((w) => w.state !== 'terminated')
      .map((w) => ({ id: w.id, address: w.address, launchedAt: new Date(w.launchedAt) }));
  }

  /** refreshIfQuiet asks the fleet for its list when no snapshot came for a while. */
  refreshIfQuiet(): void {
    this.fleet.refreshIfQuiet();
  }

  /** refresh asks FLEET_LIST once (never two at a time); a silent fleet is logged, not fatal. */
  refresh(): Promise<void> {
    return this.fleet.refresh();
  }
}
