import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ObjectStore } from '../storage/object-store';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';
import { DependencyMonitor, DependencyStatus } from './dependency-monitor';

/** HealthReport is the body of GET /health: the process's own state only. */
export interface HealthReport {
  status: 'ok' | 'stopping';
  instanceId: string;
}

/** DeepHealthReport is the body of GET /health/deep: the last background probe of each dependency. */
export interface DeepHealthReport {
  /** `ok` when every dependency answered its last probe, `degraded` when one did not. */
  status: 'ok' | 'degraded' | 'unknown';
  instanceId: string;
  /** The process is stopping (what GET /health says). */
  stopping: boolean;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  dependencies: Record<string, DependencyStatus>;
}

/**
 * overallState sums dependency states up: degraded if any is down, unknown if any has not been
 * probed yet, ok otherwise.
 */
export function overallState(
  dependencies: Record<string, DependencyStatus>,
): DeepHealthReport['status'] {
  const states = Object.values(dependencies).map((d) => d.state);
  if (states.includes('down')) return 'degraded';
  if (states.includes('unknown')) return 'unknown';
  return 'ok';
}

/**
 * HealthService answers the two depths of health. `shallow` (GET /health, the balancer's check)
 * reads only the process's own state, in constant time: a slow or unreachable MySQL or S3 is
 * shared by every worker, and failing all their checks at once would take the whole pool out
 * (issue #9). It fails only once the process is stopping. `deep` (GET /health/deep) reports the
 * dependencies as the background DependencyMonitor last saw them; it never probes on request.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly monitor: DependencyMonitor;
  private stopping = false;

  constructor(
    dataSource: DataSource,
    objects: ObjectStore,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    this.monitor = new DependencyMonitor(
      [
        { name: 'database', probe: () => dataSource.query('SELECT 1') },
        { name: 'bucket', probe: (signal) => objects.ping(signal) },
      ],
      {
        intervalMs: config.WORKER_HEALTH_PROBE_INTERVAL_MS,
        timeoutMs: config.WORKER_HEALTH_PROBE_TIMEOUT_MS,
      },
    );
  }

  onApplicationBootstrap(): void {
    this.monitor.start();
  }

  /** beforeApplicationShutdown: from now on /health answers 503, so balancers stop sending. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.monitor.stop();
  }

  shallow(): HealthReport {
    return { status: this.stopping ? 'stopping' : 'ok', instanceId: this.config.INSTANCE_ID };
  }

  deep(): DeepHealthReport {
    const dependencies = this.monitor.statuses();
    return {
      status: overallState(dependencies),
      instanceId: this.config.INSTANCE_ID,
      stopping: this.stopping,
      probeIntervalMs: this.config.WORKER_HEALTH_PROBE_INTERVAL_MS,
      probeTimeoutMs: this.config.WORKER_HEALTH_PROBE_TIMEOUT_MS,
      dependencies,
    };
  }
}
