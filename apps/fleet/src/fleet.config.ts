import { AMQP_ENV, CLOUD_ENV, DATABASE_ENV, env, loadConfig } from '@app/config';
import { AWS_CLOUD_ENV, LOCAL_CLOUD_ENV, requireAwsCloudConfig } from '@app/cloud';
import { z } from 'zod';

/**
 * FLEET_ENV is the fleet service's own configuration; every timing is a variable so tests run in
 * seconds (the defaults are the production values).
 */
export const FLEET_ENV = {
  /** Desired size the pool starts at when none is kept from an earlier run (DESIGN: 1 worker). */
  INITIAL_WORKERS: env.int(1, 0, 50),
  /** Interval between two reconcile passes. */
  FLEET_RECONCILE_INTERVAL_MS: env.int(2000, 50, 600000),
  /**
   * A worker unhealthy for longer than this, or never healthy this long after launch, is replaced.
   * Unset: 60 s locally, AWS_UNHEALTHY_GRACE_S with CLOUD_PROVIDER=aws (see loadFleetConfig).
   */
  FLEET_UNHEALTHY_GRACE_S: env.number(0, 0, 86400).optional(),
  /** A draining worker is terminated when the load balancer lets it go, or after this long. */
  FLEET_DRAIN_TIMEOUT_S: env.number(60, 0, 86400),
  /**
   * What desired size to use at start: `auto` keeps the stored size when workers from the previous
   * run are still alive (the fleet service alone restarted) and otherwise starts at
   * INITIAL_WORKERS; `true` always keeps a stored size; `false` always starts at INITIAL_WORKERS.
   */
  FLEET_KEEP_DESIRED_ON_START: z
    .enum(['auto', 'true', 'false'], {
      errorMap: () => ({ message: 'must be auto, true or false' }),
    })
    .default('auto'),
  /** Wait after a failed launch before the next one; doubles per failure in a row, up to 60 s. */
  FLEET_LAUNCH_RETRY_MS: env.int(5000, 0, 600000),
};

/** LOCAL_UNHEALTHY_GRACE_S is FLEET_UNHEALTHY_GRACE_S's default in local mode. */
export const LOCAL_UNHEALTHY_GRACE_S = 60;
/**
 * AWS_UNHEALTHY_GRACE_S is FLEET_UNHEALTHY_GRACE_S's default with CLOUD_PROVIDER=aws: EC2 Auto
 * Scaling's health check grace period (an instance boots, installs and starts the worker first).
 */
export const AWS_UNHEALTHY_GRACE_S = 300;

/** FLEET_CONFIG_SHAPE is everything the fleet process reads from its environment. */
export const FLEET_CONFIG_SHAPE = {
  ...AMQP_ENV,
  ...DATABASE_ENV,
  ...CLOUD_ENV,
  ...LOCAL_CLOUD_ENV,
  ...AWS_CLOUD_ENV,
  ...FLEET_ENV,
};

/** FleetConfig is the validated fleet configuration. */
export type FleetConfig = ReturnType<typeof loadFleetConfig>;

/**
 * loadFleetConfig validates the fleet's variables; a wrong or missing one throws ConfigError naming
 * it (in aws mode the launch template, target group and load balancer are required).
 */
export function loadFleetConfig(environment: NodeJS.ProcessEnv = process.env) {
  const parsed = loadConfig(FLEET_CONFIG_SHAPE, environment);
  const aws = parsed.CLOUD_PROVIDER === 'aws';
  const config = {
    ...parsed,
    FLEET_UNHEALTHY_GRACE_S:
      parsed.FLEET_UNHEALTHY_GRACE_S ?? (aws ? AWS_UNHEALTHY_GRACE_S : LOCAL_UNHEALTHY_GRACE_S),
  };
  if (aws) requireAwsCloudConfig(config);
  return config;
}
