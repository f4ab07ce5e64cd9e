/** MonitoredWorker is a worker the metrics service measures. */
export interface MonitoredWorker {
  id: string;
  address: string | null;
  launchedAt: Date;
}

/** RawSample is one worker's CPU and request count over one interval. */
export interface RawSample {
  instanceId: string;
  at: Date;
  /** Percent CPU over the interval; null when it cannot be known yet (first scrape). */
  cpuPercent: number | null;
  requests: number;
  intervalS: number;
}

/**
 * MetricSourcePort measures workers: scraping each worker's /metrics locally, CloudWatch
 * GetMetricData on AWS. Also the DI token.
 */
export abstract class MetricSourcePort {
  abstract collect(workers: MonitoredWorker[], now: Date): Promise<RawSample[]>;
}
