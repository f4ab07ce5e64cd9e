import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { BALANCER_CONFIG, BalancerConfig } from '../balancer.config';
import { Target } from '../targets/target';
import { TargetRegistry } from '../targets/target.registry';
import { probeHealth } from './health.probe';

/**
 * HealthChecker probes every registered, non-draining target every BALANCER_HEALTH_INTERVAL_MS
 * and records the results in the TargetRegistry. A newly registered target is probed at once, so
 * a worker that is ready joins the rotation after (threshold - 1) intervals, not threshold; for
 * the same reason targets restored from the state file are all checked as soon as it starts.
 */
@Injectable()
export class HealthChecker implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  /** Targets with a check in progress: a slow target is never probed twice at once. */
  private readonly checking = new Set<string>();
  private stopped = false;

  constructor(
    private readonly registry: TargetRegistry,
    @Inject(BALANCER_CONFIG) private readonly config: BalancerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.onRegistered((target) => void this.check(target));
    this.checkAll();
    this.timer = setInterval(() => this.checkAll(), this.config.BALANCER_HEALTH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** checkAll starts one check of every checkable target (each settles on its own). */
  checkAll(): void {
    for (const target of this.registry.checkable()) void this.check(target);
  }

  private async check(target: Target): Promise<void> {
    const key = `${target.id}#${target.generation}`;
    if (this.stopped || this.checking.has(key)) return;
    this.checking.add(key);
    const generation = target.generation;
    try {
      const result = await probeHealth({
        host: target.host,
        port: target.port,
        path: this.config.BALANCER_HEALTH_PATH,
        timeoutMs: this.config.BALANCER_HEALTH_TIMEOUT_MS,
      });
      if (!this.stopped) this.registry.recordCheck(target.id, generation, result);
    } finally {
      this.checking.delete(key);
    }
  }
}
