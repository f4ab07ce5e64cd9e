import type { Request, RequestHandler, Response } from 'express';
import { RequestCounter } from './request-counter';
import { WorkerMetrics } from './worker-metrics';

/**
 * UNCOUNTED_PATHS are not load: the balancer polls /health every few seconds and the metrics
 * service scrapes /metrics; counting them would make an idle worker look busy.
 */
export const UNCOUNTED_PATHS = new Set(['/health', '/health/deep', '/metrics']);

/** routeLabel is the route pattern (`/pictures/:namebase`), never the raw URL (bounded labels). */
export function routeLabel(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return route;
  if (req.path.startsWith('/static/')) return '/static';
  return '(unmatched)';
}

/** requestMetricsMiddleware counts each answered request in http_requests_total and `counter`. */
export function requestMetricsMiddleware(
  metrics: WorkerMetrics,
  counter: RequestCounter,
): RequestHandler {
  return (req: Request, res: Response, next) => {
    if (UNCOUNTED_PATHS.has(req.path)) return next();
    res.once('finish', () => {
      metrics.httpRequests.inc({
        route: routeLabel(req),
        method: req.method,
        status: String(res.statusCode),
      });
      counter.increment();
    });
    next();
  };
}
