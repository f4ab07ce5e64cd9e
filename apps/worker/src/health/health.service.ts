import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ObjectStore } from '../storage/object-store';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';

/** HEALTH_CHECK_TIMEOUT_MS: a dependency slower than this counts as down (balancers time out at ~5 s). */
export const HEALTH_CHECK_TIMEOUT_MS = 2000;

/** HealthReport is the body of GET /health. */
export interface HealthReport {
  status: 'ok' | 'error';
  database: 'up' | 'down';
  bucket: 'up' | 'down';
  instanceId: string;
}

/** withTimeout rejects when `promise` has not settled after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** HealthService checks, in parallel, that the database and the bucket answer. */
@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly objects: ObjectStore,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async check(timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<HealthReport> {
    const [database, bucket] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), timeoutMs).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      this.objects.ping(timeoutMs).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
    ]);
    return {
      status: database === 'up' && bucket === 'up' ? 'ok' : 'error',
      database,
      bucket,
      instanceId: this.config.INSTANCE_ID,
    };
  }
}
