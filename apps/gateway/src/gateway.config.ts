import { isIP } from 'net';
import { z } from 'zod';
import { AMQP_ENV, CLOUD_ENV, DATABASE_ENV, env, loadConfig } from '@app/config';

/** COOKIE_SECURE_MODES are the values of MANAGER_COOKIE_SECURE (and the worker's APP_COOKIE_SECURE). */
export const COOKIE_SECURE_MODES = ['auto', 'true', 'false'] as const;

/** CookieSecureMode says when cookies are `Secure` and HSTS is sent (see cookieSecureOption). */
export type CookieSecureMode = (typeof COOKIE_SECURE_MODES)[number];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * parseTrustProxy reads MANAGER_TRUST_PROXY into Express's `trust proxy` value: `false`, a hop
 * count, or addresses / CIDRs / the names loopback, linklocal, uniquelocal. `true` (trust every
 * hop) is refused: anyone could then pick their address by sending X-Forwarded-For, and dodge
 * the login throttle or pin failures on the admin's address.
 */
export function parseTrustProxy(value: string): false | number | string[] | undefined {
  const text = value.trim();
  if (text === 'false' || text === '') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const items = text.split(',').map((s) => s.trim());
  const valid = items.every((item) => {
    if (PROXY_NAMES.has(item)) return true;
    const [address, bits, extra] = item.split('/');
    if (extra !== undefined || !isIP(address)) return false;
    return bits === undefined || /^\d{1,3}$/.test(bits);
  });
  return valid ? items : undefined;
}

/** parseOriginList reads MANAGER_ALLOWED_ORIGINS: comma-separated `scheme://host[:port]`. */
export function parseOriginList(value: string): string[] | undefined {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const origins: string[] = [];
  for (const item of items) {
    try {
      const url = new URL(item);
      const bare = url.pathname === '/' && !url.search && !url.hash && !item.endsWith('/');
      if (!['http:', 'https:'].includes(url.protocol) || !bare) return undefined;
      origins.push(url.origin);
    } catch {
      return undefined;
    }
  }
  return origins;
}

/** GATEWAY_ENV declares every environment variable the gateway reads (keys are variable names). */
export const GATEWAY_ENV = {
  ...AMQP_ENV,
  ...DATABASE_ENV,
  ...CLOUD_ENV,
  /**
   * The app's address shown on "ELB DNS" in local mode (the same variable the fleet's local
   * balancer reads): configuration, so the page needs no answer from the fleet to show it.
   */
  BALANCER_PUBLIC_URL: env.url('http://localhost:8080', ['http', 'https']),
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
  /**
   * The worker list marks its data "stale since <time>" (grey badge) when no fresh view of the
   * pool (a live event or a polled answer newer than the last) came for this long.
   */
  LIVE_STALE_S: env.int(30, 1, 3600),
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
  /**
   * Failed logins per client address, whatever user names they try, before that address is
   * refused: a bound on guessing user names from one address on top of LOGIN_MAX_FAILURES, which
   * counts per (address, user).
   */
  LOGIN_MAX_FAILURES_PER_ADDRESS: env.int(20, 1, 10000),
  /**
   * Origins besides the manager's own allowed to send state-changing `/api` calls from a browser
   * (comma-separated `https://host[:port]`); empty: only the manager's own origin.
   */
  MANAGER_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const origins = parseOriginList(v);
      if (origins) return origins;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be comma-separated origins such as https://ops.example.com:8443 (no path)',
      });
      return z.NEVER;
    }),
  /**
   * When the session cookie is `Secure` and HSTS is sent: auto = when the request came over
   * HTTPS (directly, or X-Forwarded-Proto https from a proxy MANAGER_TRUST_PROXY trusts); true =
   * always (no session over plain HTTP); false = never.
   */
  MANAGER_COOKIE_SECURE: z
    .enum(COOKIE_SECURE_MODES, { errorMap: () => ({ message: 'must be auto, true or false' }) })
    .default('auto'),
  /**
   * Which proxies' X-Forwarded-For / X-Forwarded-Proto are believed (Express `trust proxy`):
   * `loopback` (a TLS proxy on the same machine), a hop count, addresses / CIDRs, or false.
   */
  MANAGER_TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((v, ctx) => {
      const trust = parseTrustProxy(v);
      if (trust !== undefined) return trust;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          'must be false, a hop count, or addresses / CIDRs / loopback, linklocal, uniquelocal (comma-separated); true is not allowed',
      });
      return z.NEVER;
    }),
};

/** GatewayConfig is the validated gateway configuration. */
export type GatewayConfig = z.infer<z.ZodObject<typeof GATEWAY_ENV>>;

/** loadGatewayConfig validates the gateway's variables; throws ConfigError naming the bad one. */
export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GATEWAY_ENV, source);
}
