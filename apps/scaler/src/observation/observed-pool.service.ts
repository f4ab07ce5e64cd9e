import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { FleetSnapshot, MetricSample, PoolChanged } from '@app/contracts';
import { FleetViewTracker, MessageBus } from '@app/messaging';
import { DecisionSample, DecisionWorker } from '../decision/scale-decision';
import { SCALER_CONFIG, ScalerConfig } from '../scaler.config';

/**
 * ObservedPoolService is the scaler's picture of the world: the CPU samples of the recent past
 * (from METRICS_SAMPLE) and the pool (from FLEET_SNAPSHOT; at start and when the fleet has been
 * quiet for SCALER_FLEET_REFRESH_S, from a FLEET_LIST query; see FleetViewTracker), and the time
 * of the last manual change of the desired size (FLEET_POOL_CHANGED with source 'manual').
 */
@Injectable()
export class ObservedPoolService implements OnApplicationBootstrap {
  private readonly fleet: FleetViewTracker;
  private samples: DecisionSample[] = [];
  private manualChangeAt: Date | null = null;

  constructor(bus: MessageBus, @Inject(SCALER_CONFIG) config: ScalerConfig) {
    this.fleet = new FleetViewTracker(bus, config.SCALER_FLEET_REFRESH_S, ObservedPoolService.name);
  }

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
    this.fleet.onSnapshot(snapshot);
  }

  /** onPoolChanged remembers when an operator last changed the desired size. */
  onPoolChanged(change: PoolChanged): void {
    if (change.source !== 'manual') return;
    const at = new Date(change.at);
    if (!this.manualChangeAt || at > this.manualChangeAt) this.manualChangeAt = at;
  }

  /** lastManualChangeAt is when an operator last changed the size (null: not since the start). */
  lastManualChangeAt(): Date | null {
    return this.manualChangeAt;
  }

  /** currentSize is the pool's desired size, or null while the fleet has not spoken yet. */
  currentSize(): number | null {
    return this.fleet.view()?.desired ?? null;
  }

  /** inService lists the running workers (their health decides whether they are counted). */
  inService(): DecisionWorker[] {
    return (this.fleet.view()?.workers ?? [])
      .filter((w) => w.state === 'running')
      .map((w) => ({ id: w.id, launchedAt: new Date(w.launchedAt), health: w.health }));
  }

  /** launching counts the workers the fleet launched that are not running yet (state pending). */
  launching(): number {
    return (this.fleet.view()?.workers ?? []).filter((w) => w.state === 'pending').length;
  }

  /** recentSamples drops samples older than `keepS` before `now` and returns the rest. */
  recentSamples(now: Date, keepS: number): DecisionSample[] {
    const cutoff = now.getTime() - keepS * 1000;
    this.samples = this.samples.filter((s) => s.at.getTime() > cutoff);
    return this.samples;
  }

  /** refreshIfQuiet asks the fleet for the pool when no snapshot came for a while. */
  refreshIfQuiet(): void {
    this.fleet.refreshIfQuiet();
  }

  /** refresh asks FLEET_LIST once (never two at a time); a silent fleet is logged, not fatal. */
  refresh(): Promise<void> {
    return this.fleet.refresh();
  }
}
