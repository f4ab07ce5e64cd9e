import { AMQP_ENV, CLOUD_ENV, DATABASE_ENV, env, loadConfig } from '@app/config';
import { z } from 'zod';

/** DEFAULT_POLL_S: how often workers are measured (CloudWatch has one datapoint a minute). */
export const DEFAULT_POLL_S = { local: 5, aws: 60 } as const;

/** METRICS_ENV lists every variable the metrics service reads. */
export const METRICS_ENV = {
  ...AMQP_ENV,
  ...DATABASE_ENV,
  ...CLOUD_ENV,
  /** Region of the CloudWatch client (CLOUD_PROVIDER=aws). */
  AWS_REGION: env.string('us-east-1'),
  /** Seconds between two polls; default 5 locally, 60 on aws. */
  METRICS_POLL_S: z.coerce
    .number({ invalid_type_error: 'must be a number of seconds' })
    .min(0.1, 'must be at least 0.1')
    .max(3600, 'must be at most 3600')
    .optional(),
  /** Minutes of per-minute history kept in MySQL. */
  METRICS_RETENTION_MIN: env.int(1440, 1, 525600),
  /** Time limit of one GET /metrics (local mode). */
  METRICS_SCRAPE_TIMEOUT_MS: env.int(2000, 50, 60000),
  /** Without a fleet snapshot for this long, the worker list is asked for (FLEET_LIST). */
  METRICS_FLEET_REFRESH_S: env.number(30, 0.1, 86400),
};

/** MetricsConfig is the validated configuration of the metrics service. */
export type MetricsConfig = ReturnType<typeof loadMetricsConfig>;

/** loadMetricsConfig reads METRICS_ENV from `source`; throws ConfigError naming a bad variable. */
export function loadMetricsConfig(source: NodeJS.ProcessEnv = process.env) {
  const raw = loadConfig(METRICS_ENV, source);
  return { ...raw, METRICS_POLL_S: raw.METRICS_POLL_S ?? DEFAULT_POLL_S[raw.CLOUD_PROVIDER] };
}

/** METRICS_CONFIG is the DI token of the MetricsConfig. */
export const METRICS_CONFIG = Symbol('METRICS_CONFIG');
