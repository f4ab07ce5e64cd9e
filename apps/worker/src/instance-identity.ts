import { ConfigError } from '@app/config';
import { INSTANCE_ID_PATTERN, WorkerConfig } from './worker.config';

/** IMDS_TOKEN_TTL_S is the lifetime asked for the IMDSv2 session token (only used at start). */
export const IMDS_TOKEN_TTL_S = 60;

/** ImdsError says which step of the instance metadata exchange failed. */
export class ImdsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImdsError';
  }
}

/** ImdsIdentity is what the worker learns about itself from the instance metadata service. */
export interface ImdsIdentity {
  instanceId: string;
  region: string;
}

async function imdsCall(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  what: string,
): Promise<string> {
  let reply: Response;
  try {
    reply = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason =
      (error as Error)?.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : String((error as Error)?.message ?? error);
    throw new ImdsError(`${what} (${init.method ?? 'GET'} ${url}): ${reason}`);
  }
  const body = await reply.text();
  if (!reply.ok)
    throw new ImdsError(`${what} (${init.method ?? 'GET'} ${url}): HTTP ${reply.status}`);
  return body.trim();
}

/**
 * fetchImdsIdentity asks IMDSv2 for the instance id and region: PUT /latest/api/token (with
 * X-aws-ec2-metadata-token-ttl-seconds), then GETs with X-aws-ec2-metadata-token. Each call is
 * bounded by `timeoutMs`; any failure throws ImdsError.
 */
export async function fetchImdsIdentity(
  endpoint: string,
  timeoutMs: number,
): Promise<ImdsIdentity> {
  const base = endpoint.replace(/\/+$/, '');
  const token = await imdsCall(
    `${base}/latest/api/token`,
    {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(IMDS_TOKEN_TTL_S) },
    },
    timeoutMs,
    'IMDSv2 token',
  );
  const headers = { 'X-aws-ec2-metadata-token': token };
  const instanceId = await imdsCall(
    `${base}/latest/meta-data/instance-id`,
    { headers },
    timeoutMs,
    'instance id',
  );
  if (!INSTANCE_ID_PATTERN.test(instanceId)) {
    throw new ImdsError(
      `instance id: the metadata service answered ${JSON.stringify(instanceId.slice(0, 40))}, not an instance id`,
    );
  }
  const region = await imdsCall(
    `${base}/latest/meta-data/placement/region`,
    { headers },
    timeoutMs,
    'region',
  );
  return { instanceId, region };
}

/**
 * resolveInstanceIdentity gives an aws-mode worker its EC2 instance id (and the region when
 * AWS_REGION is unset) from IMDSv2, unless INSTANCE_ID is set explicitly; local mode is unchanged.
 * When the metadata service cannot answer it throws a ConfigError (the worker exits 78): a worker
 * under a made-up id would never match its target in the target group.
 */
export async function resolveInstanceIdentity(
  config: WorkerConfig,
  source: NodeJS.ProcessEnv = process.env,
): Promise<WorkerConfig> {
  if (config.CLOUD_PROVIDER !== 'aws' || source.INSTANCE_ID) return config;
  const endpoint = config.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  let identity: ImdsIdentity;
  try {
    identity = await fetchImdsIdentity(endpoint, config.WORKER_IMDS_TIMEOUT_MS);
  } catch (error) {
    throw new ConfigError([
      {
        variable: 'INSTANCE_ID',
        message: `is unset and the instance metadata service at ${endpoint} (AWS_EC2_METADATA_SERVICE_ENDPOINT) could not tell it: ${(error as Error).message}; run on EC2 with IMDSv2 reachable or set INSTANCE_ID`,
      },
    ]);
  }
  return {
    ...config,
    INSTANCE_ID: identity.instanceId,
    ...(source.AWS_REGION ? {} : { AWS_REGION: identity.region }),
  };
}
