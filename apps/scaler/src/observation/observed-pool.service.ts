import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { FLEET_LIST, FleetSnapshot, MetricSample, WorkerView } from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { DecisionSample, DecisionWorker } from '../decision/scale-decision';
import { SCALER_CONFIG, ScalerConfig } from '../scaler.config';

/** PoolView is what the fleet last said about the pool. */
export interface PoolView {
  desired: number;
  workers: WorkerView[];
}

/**
 * ObservedPoolService is the scaler's picture of the world: the CPU samples of the recent past
 * (from METRICS_SAMPLE) and the pool (from FLEET_SNAPSHOT; at start and when the fleet has been
 * quiet for SCALER_FLEET_REFRESH_S, from a FLEET_LIST query).
 */
@Injectable()
export class ObservedPoolService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ObservedPoolService.name);
  private samples: DecisionSample[] = [];
  private pool: PoolView | null = null;
  private snapshotAt = -Infinity;
  private heardAt = -Infinity;
  private snapshots = 0;
  private refreshing?: Promise<void>;

  constructor(
    private readonly bus: MessageBus,
    @Inject(SCALER_CONFIG) private readonly config: ScalerConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.refresh();
  }

  /** addSample keeps a CPU sample (null ones too: the decision tells them apart). */
  addSample(sample: MetricSample): void {
    this.samples.push({
      instanceId: sample.instanceId,
      at: new Date(sample.at),
      cpuPercent: sample.cpuPercent ?? null,
    });
  }

  /** onSnapshot takes the fleet's newest view of the pool (older, reordered ones are ignored). */
  onSnapshot(snapshot: FleetSnapshot): void {
    const at = Date.parse(snapshot.at);
    if (at < this.snapshotAt) return;
    this.snapshotAt = at;
    this.heardAt = Date.now();
    this.snapshots++;
    this.pool = { desired: snapshot.desired, workers: snapshot.workers };
  }

  /** currentSize is the pool's desired size, or null while the fleet has not spoken yet. */
  currentSize(): number | null {
    return this.pool?.desired ?? null;
  }

  /** inService lists the running workers (their health decides whether they are counted). */
  inService(): DecisionWorker[] {
    return (this.pool?.workers ?? [])
      .filter((w) => w.state === 'running')
      .map((w) => ({ id: w.id, launchedAt: new Date(w.launchedAt), health: w.health }));
  }

  /** recentSamples drops samples older than `keepS` before `now` and returns the rest. */
  recentSamples(now: Date, keepS: number): DecisionSample[] {
    const cutoff = now.getTime() - keepS * 1000;
    this.samples = this.samples.filter((s) => s.at.getTime() > cutoff);
    return this.samples;
  }

  /** refreshIfQuiet asks the fleet for the pool when no snapshot came for a while. */
  refreshIfQuiet(): void {
    if (Date.now() - this.heardAt >= this.config.SCALER_FLEET_REFRESH_S * 1000) void this.refresh();
  }

  /** refresh asks FLEET_LIST once (never two at a time); a silent fleet is logged, not fatal. */
  refresh(): Promise<void> {
    const before = this.snapshots;
    this.refreshing ??= this.bus
      .query(FLEET_LIST, {})
      .then((reply) => {
        this.heardAt = Date.now();
        // A snapshot that arrived while the query was out is at least as new: keep it.
        if (this.snapshots === before)
          this.pool = { desired: reply.desired, workers: reply.workers };
      })
      .catch((error: Error) => {
        this.heardAt = Date.now();
        this.logger.warn(`cannot ask the fleet for the pool: ${error.message}`);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
