import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { FleetSnapshot, MetricSample } from '@app/contracts';
import { FleetViewTracker, MessageBus } from '@app/messaging';
import { DecisionSample, DecisionWorker } from '../decision/scale-decision';
import { SCALER_CONFIG, ScalerConfig } from '../scaler.config';

/**
 * ObservedPoolService is the scaler's picture of the world: the CPU samples of the recent past
 * (from METRICS_SAMPLE) and the pool (from FLEET_SNAPSHOT; at start and when the fleet has been
 * quiet for SCALER_FLEET_REFRESH_S, from a FLEET_LIST query; see FleetViewTracker).
 */
@Injectable()
export class ObservedPoolService implements OnApplicationBootstrap {
  private readonly fleet: FleetViewTracker;
  private samples: DecisionSample[] = [];

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
