import { z } from 'zod';
import { AMQP_ENV, DATABASE_ENV, env, loadConfig } from '@app/config';

/** GATEWAY_ENV declares every environment variable the gateway reads (keys are variable names). */
export const GATEWAY_ENV = {
  ...AMQP_ENV,
  ...DATABASE_ENV,
  GATEWAY_PORT: env.port(5000),
  GATEWAY_HOST: env.string('0.0.0.0'),
  /** The manager's password (user `admin`); unset → a random one, printed once at start. */
  MANAGER_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /**
   * Signs the session cookie (sessions are kept in MySQL, table `gateway_sessions`). Unset → derived
   * from MANAGER_PASSWORD (HMAC-SHA256 of a fixed label), so sessions survive restarts and end when
   * the password changes; unset with no MANAGER_PASSWORD → random per boot (the password is too).
   */
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How long `/health` waits for each service's ping. */
  HEALTH_PING_TIMEOUT_MS: env.int(1500, 50, 60000),
  /** How long "Delete" waits for the janitor's result. */
  CLEAR_TIMEOUT_S: env.int(120, 1, 3600),
  /** How long "Stopping" waits for the pool to drain. */
  SHUTDOWN_TIMEOUT_S: env.int(120, 1, 3600),
  /** How often "Stopping" asks the fleet whether workers remain. */
  SHUTDOWN_POLL_MS: env.int(1000, 50, 60000),
  /** How often the worker list polls when Server-Sent Events are unavailable (browser side). */
  LIVE_POLL_MS: env.int(5000, 500, 600000),
  /** Keep-alive comment interval on Server-Sent Events streams (proxies drop silent streams). */
  LIVE_HEARTBEAT_S: env.int(15, 1, 3600),
  /** Activity entries older than this are deleted. */
  ACTIVITY_RETENTION_DAYS: env.int(30, 1, 3650),
  /** Idle lifetime of a manager session. */
  SESSION_TTL_S: env.int(12 * 3600, 60, 30 * 24 * 3600),
  /** Failed logins (form or `/api` HTTP Basic) per client address before it is refused (429). */
  LOGIN_MAX_FAILURES: env.int(5, 1, 1000),
  /** The sliding window failed logins are counted in; a refused address waits until it passes. */
  LOGIN_WINDOW_S: env.int(300, 1, 24 * 3600),
};

/** GatewayConfig is the validated gateway configuration. */
export type GatewayConfig = z.infer<z.ZodObject<typeof GATEWAY_ENV>>;

/** loadGatewayConfig validates the gateway's variables; throws ConfigError naming the bad one. */
export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GATEWAY_ENV, source);
}
