import { CreateMetricMinutes1735689600000 } from './1735689600000-create-metric-minutes';

/** METRICS_MIGRATIONS lists the metrics service's migrations, oldest first (no globs). */
export const METRICS_MIGRATIONS = [CreateMetricMinutes1735689600000];
