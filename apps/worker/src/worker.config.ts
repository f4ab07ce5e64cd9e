import { createHash, randomBytes } from 'crypto';
import { isIP } from 'net';
import { z } from 'zod';
import { CLOUD_ENV, ConfigError, DATABASE_ENV, S3_ENV, env, loadConfig } from '@app/config';
import {
  WORKER_HOST_AWS_DEFAULT,
  WORKER_HOST_LOCAL_DEFAULT,
  WORKER_PORT_AWS_DEFAULT,
  WORKER_PORT_LOCAL_DEFAULT,
} from '@app/contracts/worker-port';

/**
 * INSTANCE_ID_PATTERN is the shape of EC2 instance ids, which local workers imitate. The same as
 * INSTANCE_ID_PATTERN of @app/contracts (a spec checks it), not imported from there so that the
 * config loads without the contracts' decorators.
 */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8,17}$/;

/** DEFAULT_UPLOAD_MAX_BYTES is 10 MiB, the largest picture the worker accepts by default. */
export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** randomInstanceId returns `i-` and 8 random hex characters, for a worker started without an id. */
export function randomInstanceId(): string {
  return `i-${randomBytes(4).toString('hex')}`;
}

/** PROXY_NAMES are the address ranges Express's `trust proxy` knows by name. */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** isProxySpec: a range name, an IP address, or a CIDR (`10.0.0.0/8`, `fd00::/8`). */
export function isProxySpec(item: string): boolean {
  if (PROXY_NAMES.includes(item)) return true;
  const [address, bits, extra] = item.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/** WORKER_ENV lists every environment variable the worker reads, with defaults and rules. */
export const WORKER_ENV = {
  ...DATABASE_ENV,
  ...S3_ENV,
  ...CLOUD_ENV,
  /**
   * Unset: 5001 locally; with CLOUD_PROVIDER=aws the port the fleet registers targets on
   * (WORKER_PORT_AWS_DEFAULT, 5000). See workerListenDefaults.
   */
  WORKER_PORT: env.port(0).optional(),
  /** Unset: 127.0.0.1 locally; 0.0.0.0 with CLOUD_PROVIDER=aws (the ALB reaches the private IP). */
  WORKER_HOST: z.string().min(1, 'must not be empty').optional(),
  INSTANCE_ID: z
    .string()
    .regex(INSTANCE_ID_PATTERN, 'must look like i-0123abcd (i- and 8 to 17 hex digits)')
    .default(randomInstanceId),
  /**
   * Signs session cookies; must be the same in every worker. Required with CLOUD_PROVIDER=aws;
   * in local mode it defaults to a value derived from DATABASE_URL (see deriveSessionSecret).
   */
  /**
   * aws mode, INSTANCE_ID unset: where the worker asks IMDSv2 its instance id (and the region when
   * AWS_REGION is unset). The AWS SDK's own variable name; never contacted in local mode.
   */
  AWS_EC2_METADATA_SERVICE_ENDPOINT: env.url('http://169.254.169.254', ['http', 'https']),
  /** Time limit of each instance metadata call at start. */
  WORKER_IMDS_TIMEOUT_MS: env.int(2000, 50, 60000),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SESSION_TTL_S: env.int(86400, 60, 30 * 86400),
  UPLOAD_MAX_BYTES: env.int(DEFAULT_UPLOAD_MAX_BYTES, 1024, 100 * 1024 * 1024),
  /** SigV4 presigned URLs live at most 7 days. */
  PRESIGN_TTL_S: env.int(300, 1, 604800),
  METRICS_PUBLISH_INTERVAL_S: env.int(60, 1, 3600),
  /**
   * How often the background probe asks the database and the bucket (GET /health/deep); its cost
   * is fixed by this, whatever the rate of health checks.
   */
  WORKER_HEALTH_PROBE_INTERVAL_MS: env.int(10000, 100, 3600000),
  /**
   * GET /api/load/cpu and /api/load/sleep exist only when this is true: they burn CPU or hold a
   * connection per request without login (issue #10), for load tests and benchmarks only.
   */
  WORKER_LOAD_ENDPOINTS: env.bool(false),
  /**
   * Wrong passwords allowed per (account, client address) within WORKER_LOGIN_WINDOW_S before
   * that pair's checks are refused with 429 (shared by every worker: counted in MySQL).
   */
  WORKER_LOGIN_MAX_FAILURES: env.int(10, 1, 10000),
  /** Wrong passwords allowed per client address, whatever the accounts, within the window. */
  WORKER_LOGIN_MAX_FAILURES_PER_ADDRESS: env.int(100, 1, 1000000),
  WORKER_LOGIN_WINDOW_S: env.int(900, 1, 7 * 86400),
  /**
   * Peers whose X-Forwarded-For is believed (comma-separated: loopback, linklocal, uniquelocal,
   * IPs, CIDRs): the local balancer (loopback) and an ALB inside the VPC (private addresses).
   * From any other peer the client address is the peer itself.
   */
  WORKER_TRUSTED_PROXIES: z
    .string()
    .default('loopback,uniquelocal')
    .refine((v) => v.split(',').every((item) => isProxySpec(item.trim())), {
      message: 'must be comma-separated loopback, linklocal, uniquelocal, IP addresses or CIDRs',
    }),
  /** How long one dependency probe may take before the dependency counts as down. */
  WORKER_HEALTH_PROBE_TIMEOUT_MS: env.int(2000, 50, 60000),
  /**
   * When the session cookie is `Secure` and HSTS is sent: auto = when the request came over
   * HTTPS (X-Forwarded-Proto https from the balancer in front); true = always; false = never.
   */
  APP_COOKIE_SECURE: z
    .enum(['auto', 'true', 'false'], {
      errorMap: () => ({ message: 'must be auto, true or false' }),
    })
    .default('auto'),
};

/** WorkerConfig is the validated worker configuration (SESSION_SECRET, host and port always set). */
export type WorkerConfig = Omit<
  z.infer<z.ZodObject<typeof WORKER_ENV>>,
  'SESSION_SECRET' | 'WORKER_PORT' | 'WORKER_HOST'
> & {
  SESSION_SECRET: string;
  WORKER_PORT: number;
  WORKER_HOST: string;
};

/**
 * workerListenDefaults is where a worker listens when WORKER_HOST/WORKER_PORT are unset: loopback
 * port 5001 locally; every interface on the registered target port (5000) in aws mode.
 */
export function workerListenDefaults(provider: 'local' | 'aws'): {
  WORKER_HOST: string;
  WORKER_PORT: number;
} {
  return provider === 'aws'
    ? { WORKER_HOST: WORKER_HOST_AWS_DEFAULT, WORKER_PORT: WORKER_PORT_AWS_DEFAULT }
    : { WORKER_HOST: WORKER_HOST_LOCAL_DEFAULT, WORKER_PORT: WORKER_PORT_LOCAL_DEFAULT };
}

/**
 * deriveSessionSecret is local mode's default SESSION_SECRET: every worker of one machine shares
 * the DATABASE_URL, so they all derive the same secret (a random one per boot would log people out
 * whenever the balancer sends them to another worker). Not a secret at all: local use only.
 */
export function deriveSessionSecret(databaseUrl: string): string {
  return createHash('sha256').update(`ebbflow-local-session:${databaseUrl}`).digest('hex');
}

/** loadWorkerConfig validates the worker's environment; throws ConfigError naming the variable. */
export function loadWorkerConfig(source: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = loadConfig(WORKER_ENV, source);
  const defaults = workerListenDefaults(parsed.CLOUD_PROVIDER);
  const config = {
    ...parsed,
    WORKER_HOST: parsed.WORKER_HOST ?? defaults.WORKER_HOST,
    WORKER_PORT: parsed.WORKER_PORT ?? defaults.WORKER_PORT,
  };
  if (config.SESSION_SECRET) return { ...config, SESSION_SECRET: config.SESSION_SECRET };
  if (config.CLOUD_PROVIDER === 'aws') {
    throw new ConfigError([
      {
        variable: 'SESSION_SECRET',
        message: 'is required when CLOUD_PROVIDER=aws (the same random value in every worker)',
      },
    ]);
  }
  return { ...config, SESSION_SECRET: deriveSessionSecret(config.DATABASE_URL) };
}
