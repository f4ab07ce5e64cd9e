import { z } from 'zod';
import { ConfigError, env, loadConfig } from '@app/config';

/** ADMIN_HOST: the admin API changes routing, so it is never bound to a public interface. */
export const ADMIN_HOST = '127.0.0.1';

/** MIN_ADMIN_TOKEN_LENGTH: shorter tokens are refused at start (guessable). */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * BALANCER_ENV is the balancer's configuration namespace (keys are environment variable names).
 * The defaults mirror an ELBv2 target group's, scaled to one machine: the health check every 2 s
 * instead of 30 s, because local workers start in about a second.
 */
export const BALANCER_ENV = {
  /** Port of the public proxy (where users reach the app). */
  BALANCER_PORT: env.port(8080),
  /** Interface of the public proxy. */
  BALANCER_HOST: env.string('0.0.0.0'),
  /** Port of the admin API; it always binds 127.0.0.1, never a public interface. */
  BALANCER_ADMIN_PORT: env.port(8081),
  /**
   * Secret every admin API call sends as `Authorization: Bearer <token>` (the fleet has the same
   * one). Required: scripts/start.js generates one per start when it is not set.
   */
  BALANCER_ADMIN_TOKEN: z
    .string({
      required_error:
        'is required: the secret the fleet sends to the admin API (scripts/start.js generates one)',
    })
    .min(MIN_ADMIN_TOKEN_LENGTH, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`),
  /** Path the health check GETs on each target; 2xx means the check passed. */
  BALANCER_HEALTH_PATH: z
    .string()
    .regex(/^\/[^\s?#]*(\?[^\s#]*)?$/, 'must be a path starting with / (e.g. /health)')
    .default('/health'),
  BALANCER_HEALTH_INTERVAL_MS: env.int(2000, 50, 300000),
  BALANCER_HEALTH_TIMEOUT_MS: env.int(1500, 10, 120000),
  /** Consecutive passed checks that make an initial or unhealthy target healthy. */
  BALANCER_HEALTHY_THRESHOLD: env.int(2, 1, 10),
  /** Consecutive failed checks that make a target unhealthy. */
  BALANCER_UNHEALTHY_THRESHOLD: env.int(2, 1, 10),
  /** Longest a deregistered target keeps draining before it is removed (ELBv2 default: 300 s). */
  BALANCER_DEREGISTRATION_DELAY_MS: env.int(30000, 0, 3600000),
  /** A proxied request whose target sends nothing for this long is answered 504 (ELBv2: 60 s). */
  BALANCER_IDLE_TIMEOUT_MS: env.int(60000, 100, 3600000),
  /**
   * Where the registered targets are kept (rewritten atomically on every registration change) so
   * that a restarted balancer serves them at once; relative to the working directory.
   */
  BALANCER_STATE_FILE: env.string('var/balancer/targets.json'),
};

/** BalancerConfig is the validated balancer configuration. */
export type BalancerConfig = z.infer<z.ZodObject<typeof BALANCER_ENV>>;

/**
 * loadBalancerConfig validates the BALANCER_* variables; a wrong value throws ConfigError naming
 * it. Like ELBv2, the health-check timeout must be shorter than the interval.
 */
export function loadBalancerConfig(source: NodeJS.ProcessEnv = process.env): BalancerConfig {
  const config = loadConfig(BALANCER_ENV, source);
  if (config.BALANCER_HEALTH_TIMEOUT_MS >= config.BALANCER_HEALTH_INTERVAL_MS) {
    throw new ConfigError([
      {
        variable: 'BALANCER_HEALTH_TIMEOUT_MS',
        message: `must be less than BALANCER_HEALTH_INTERVAL_MS (${config.BALANCER_HEALTH_INTERVAL_MS})`,
      },
    ]);
  }
  return config;
}

/** BALANCER_CONFIG is the DI token of the validated BalancerConfig. */
export const BALANCER_CONFIG = Symbol('BALANCER_CONFIG');
