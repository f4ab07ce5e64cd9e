import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MonitoredWorker } from '@app/cloud';
import { FLEET_LIST, FleetSnapshot, WorkerView } from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { METRICS_CONFIG, MetricsConfig } from '../metrics.config';

/**
 * KnownWorkersService knows which workers to measure: the latest FLEET_SNAPSHOT (the fleet emits
 * one after every reconcile pass), or, at start and whenever no snapshot came for
 * METRICS_FLEET_REFRESH_S, the answer to a FLEET_LIST query.
 */
@Injectable()
export class KnownWorkersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(KnownWorkersService.name);
  private workers: WorkerView[] = [];
  private snapshotAt = -Infinity;
  private heardAt = -Infinity;
  /** Counts snapshots, so a FLEET_LIST answer never overwrites a newer snapshot. */
  private snapshots = 0;
  private refreshing?: Promise<void>;

  constructor(
    private readonly bus: MessageBus,
    @Inject(METRICS_CONFIG) private readonly config: MetricsConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.refresh();
  }

  /** onSnapshot replaces the list, unless the snapshot is older than the one already known. */
  onSnapshot(snapshot: FleetSnapshot): void {
    const at = Date.parse(snapshot.at);
    if (at < this.snapshotAt) return;
    this.snapshotAt = at;
    this.heardAt = Date.now();
    this.snapshots++;
    this.workers = snapshot.workers;
  }

  /** monitored lists the workers to measure now: every one not terminated. */
  monitored(): MonitoredWorker[] {
    return this.workers
      .filter((w) => w.state !== 'terminated')
      .map((w) => ({ id: w.id, address: w.address, launchedAt: new Date(w.launchedAt) }));
  }

  /** refreshIfQuiet asks the fleet for its list when no snapshot came for a while. */
  refreshIfQuiet(): void {
    if (Date.now() - this.heardAt >= this.config.METRICS_FLEET_REFRESH_S * 1000)
      void this.refresh();
  }

  /** refresh asks FLEET_LIST once (never two at a time); a silent fleet is logged, not fatal. */
  refresh(): Promise<void> {
    const before = this.snapshots;
    this.refreshing ??= this.bus
      .query(FLEET_LIST, {})
      .then((reply) => {
        // A snapshot that arrived while the query was out is at least as new: keep it.
        if (this.snapshots !== before) return;
        this.workers = reply.workers;
        this.heardAt = Date.now();
      })
      .catch((error: Error) => {
        this.heardAt = Date.now();
        this.logger.warn(`cannot list the workers: ${error.message}`);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
