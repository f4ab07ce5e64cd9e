import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { MetricSourcePort, RawSample } from '@app/cloud';
import { METRICS_SAMPLE } from '@app/contracts';
import { MessageBus, NonOverlappingLoop } from '@app/messaging';
import { HistoryService } from '../history/history.service';
import { METRICS_CONFIG, MetricsConfig } from '../metrics.config';
import { KnownWorkersService } from '../workers/known-workers.service';

/** PRUNE_EVERY_MS: old minutes are deleted at most once a minute, not on every poll. */
const PRUNE_EVERY_MS = 60_000;

/**
 * PollerService measures the known workers every METRICS_POLL_S: it asks the metric source,
 * emits one METRICS_SAMPLE per worker (a null CPU too, so listeners see a worker is unmeasured),
 * adds the samples to the per-minute history and prunes it. Polls never overlap: the next one is
 * scheduled when the previous one ends.
 */
@Injectable()
export class PollerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PollerService.name);
  private readonly loop: NonOverlappingLoop;
  private prunedAt = -Infinity;

  constructor(
    private readonly source: MetricSourcePort,
    private readonly workers: KnownWorkersService,
    private readonly history: HistoryService,
    private readonly bus: MessageBus,
    @Inject(METRICS_CONFIG) private readonly config: MetricsConfig,
  ) {
    this.loop = new NonOverlappingLoop(
      config.METRICS_POLL_S,
      () => this.pollOnce(),
      (error) => this.logger.error(`poll failed: ${error.message}`),
    );
  }

  onApplicationBootstrap(): void {
    this.logger.log(`measuring workers every ${this.config.METRICS_POLL_S} s`);
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** pollOnce measures every known worker once, emits and stores the samples. */
  async pollOnce(now = new Date()): Promise<RawSample[]> {
    this.workers.refreshIfQuiet();
    const samples = await this.source.collect(this.workers.monitored(), now);
    const emitted = await Promise.allSettled(
      samples.map((s) =>
        this.bus.emit(METRICS_SAMPLE, {
          instanceId: s.instanceId,
          at: s.at.toISOString(),
          cpuPercent: s.cpuPercent === null ? null : Math.max(0, s.cpuPercent),
          requests: Math.max(0, Math.round(s.requests)),
          intervalS: s.intervalS,
        }),
      ),
    );
    for (const r of emitted) {
      if (r.status === 'rejected')
        this.logger.warn(`sample not sent: ${(r.reason as Error).message}`);
    }
    await this.history.record(samples);
    if (now.getTime() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now.getTime();
      const removed = await this.history.prune(now);
      if (removed) this.logger.log(`pruned ${removed} minutes past the retention`);
    }
    return samples;
  }
}
