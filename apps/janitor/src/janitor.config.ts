import { z } from 'zod';
import { AMQP_ENV, CLOUD_ENV, DATABASE_ENV, env, loadConfig, S3_ENV } from '@app/config';

/** JANITOR_ENV declares every environment variable the janitor reads. */
export const JANITOR_ENV = {
  ...AMQP_ENV,
  ...DATABASE_ENV,
  ...S3_ENV,
  ...CLOUD_ENV,
  /** Keys per ListObjectsV2 page and per DeleteObjects call (S3 allows at most 1,000). */
  JANITOR_DELETE_BATCH: env.int(1000, 1, 1000),
};

/** JanitorConfig is the validated janitor configuration. */
export type JanitorConfig = z.infer<z.ZodObject<typeof JANITOR_ENV>>;

/** loadJanitorConfig validates the janitor's variables; throws ConfigError naming the bad one. */
export function loadJanitorConfig(source: NodeJS.ProcessEnv = process.env): JanitorConfig {
  return loadConfig(JANITOR_ENV, source);
}
