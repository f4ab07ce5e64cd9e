import { existsSync, readFileSync } from 'fs';
import { dirname, isAbsolute, join, resolve } from 'path';
import { z } from 'zod';
import { env, loadConfig } from '@app/config';

/**
 * DEFAULT_WORKER_ENV_PASS lists what a local worker inherits from the fleet's environment:
 * the system basics and the user app's own variables. Everything else (AMQP_*, MANAGER_PASSWORD,
 * FLEET_*, NODE_OPTIONS with a debugger port...) stays with the fleet. `X_*` means "every
 * variable starting with X_".
 */
export const DEFAULT_WORKER_ENV_PASS = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_*',
  'TZ',
  'TMPDIR',
  'NODE_ENV',
  'NODE_EXTRA_CA_CERTS',
  'CLOUD_PROVIDER',
  'DATABASE_URL',
  'S3_*',
  'AWS_*',
  'SESSION_*',
  'UPLOAD_*',
  'PRESIGN_*',
  'METRICS_PUBLISH_*',
  'WORKER_*',
  'LOG_*',
  'APP_COOKIE_SECURE',
].join(',');

/**
 * LOCAL_CLOUD_ENV configures the local provider: worker processes (LocalComputeAdapter) and the
 * local balancer's admin API (LocalLoadBalancerAdapter). Relative paths are resolved against the
 * repository root, so the fleet and `npm start` agree on them whatever their working directory.
 */
export const LOCAL_CLOUD_ENV = {
  /** The worker's entry file, run with the fleet's own node binary. */
  WORKER_ENTRY: env.string('dist/apps/worker/src/main.js'),
  /** Where each worker's state file `<id>.json` and log `<id>.log` live. */
  FLEET_STATE_DIR: env.string('var/fleet'),
  /** How long a launched worker has to answer /health 200 before it is killed. */
  LAUNCH_TIMEOUT_MS: env.int(60000, 100, 600000),
  /**
   * Pause between two /health probes of a launching worker (one in flight at a time): a few per
   * second is enough to notice it is up, and bounded however slow its start is.
   */
  LAUNCH_PROBE_INTERVAL_MS: env.int(250, 10, 60000),
  /** How long one launch probe waits for /health before it counts as not answered. */
  LAUNCH_PROBE_TIMEOUT_MS: env.int(1000, 10, 60000),
  /** How long a terminated worker has to exit after SIGTERM before SIGKILL. */
  TERMINATE_GRACE_MS: env.int(10000, 0, 300000),
  /** Comma-separated variable names (or `PREFIX_*`) a worker inherits from the fleet. */
  WORKER_ENV_PASS: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*\*?(,[A-Za-z_][A-Za-z0-9_]*\*?)*$/, {
      message:
        'must be comma-separated variable names, each optionally ending in * (e.g. PATH,S3_*)',
    })
    .default(DEFAULT_WORKER_ENV_PASS),
  /** The local balancer's admin API (PUT/DELETE /targets/:id, GET /targets). */
  BALANCER_ADMIN_URL: env.url('http://127.0.0.1:8081', ['http', 'https']),
  /** Where users reach the app through the local balancer (shown in the manager). */
  BALANCER_PUBLIC_URL: env.url('http://localhost:8080', ['http', 'https']),
  /** Timeout of one call to the balancer's admin API. */
  BALANCER_ADMIN_TIMEOUT_MS: env.int(3000, 100, 60000),
  /**
   * The balancer's admin token (its BALANCER_ADMIN_TOKEN), sent as `Authorization: Bearer`.
   * Optional here because the AWS provider has no use for it; without it the local balancer
   * refuses every call (401).
   */
  BALANCER_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

/** LocalCloudConfig is the validated local-provider configuration. */
export type LocalCloudConfig = z.infer<z.ZodObject<typeof LOCAL_CLOUD_ENV>>;

/** loadLocalCloudConfig validates the local provider's variables (ConfigError names a bad one). */
export function loadLocalCloudConfig(source: NodeJS.ProcessEnv = process.env): LocalCloudConfig {
  return loadConfig(LOCAL_CLOUD_ENV, source);
}

let cachedRoot: string | undefined;

/**
 * repoRoot is the repository's root folder: the nearest ancestor of this file (in `libs/` under
 * ts-jest or in `dist/libs/` when built) that holds a package.json named "ebbflow"; the working
 * directory if there is none.
 */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'ebbflow') {
          return (cachedRoot = dir);
        }
      } catch {
        // An unreadable package.json is not the root's; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return (cachedRoot = process.cwd());
    dir = parent;
  }
}

/** resolveFromRepo makes a configured path absolute (relative paths start at the repo root). */
export function resolveFromRepo(path: string): string {
  return isAbsolute(path) ? path : resolve(repoRoot(), path);
}
