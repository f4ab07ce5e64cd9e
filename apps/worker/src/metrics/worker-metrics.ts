import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * WorkerMetrics is the worker's Prometheus registry (one per app, not prom-client's global one, so
 * several apps can live in one test process): default process metrics (among them
 * `process_cpu_seconds_total`, which the metrics service turns into CPU %), the HTTP request
 * counter and the upload duration histogram.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status (not /health nor /metrics)',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly uploadDuration = new Histogram({
    name: 'upload_duration_seconds',
    help: 'Time to check, thumbnail and store one upload, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
