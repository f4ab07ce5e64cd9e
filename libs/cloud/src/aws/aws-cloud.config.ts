import { ConfigError, env } from '@app/config';
import { z } from 'zod';
import { WORKER_PORT_AWS_DEFAULT } from '@app/contracts/worker-port';

/**
 * AWS_CLOUD_ENV configures the aws adapters of the fleet (EC2 workers from a launch template behind
 * an ELBv2 target group). The identifiers are optional in the schema because local mode never
 * reads them; `requireAwsCloudConfig` insists on them when CLOUD_PROVIDER=aws.
 */
export const AWS_CLOUD_ENV = {
  AWS_REGION: env.string('us-east-1'),
  /** Launch template whose user data starts apps/worker (`lt-…`). */
  LAUNCH_TEMPLATE_ID: z
    .string()
    .regex(/^lt-[0-9a-f]{8,17}$/, 'must be a launch template id such as lt-0123456789abcdef0')
    .optional(),
  /** Template version: a number, `$Latest` or `$Default` (EC2's default when unset). */
  LAUNCH_TEMPLATE_VERSION: z
    .string()
    .regex(/^(\d+|\$Latest|\$Default)$/, 'must be a version number, $Latest or $Default')
    .optional(),
  TARGET_GROUP_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:elasticloadbalancing:/, 'must be an ELBv2 target group ARN')
    .optional(),
  LOAD_BALANCER_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:elasticloadbalancing:/, 'must be an ELBv2 load balancer ARN')
    .optional(),
  /**
   * Port the workers listen on in EC2 (the target group forwards to it); the same constant is the
   * worker's WORKER_PORT default with CLOUD_PROVIDER=aws.
   */
  WORKER_PORT_AWS: env.port(WORKER_PORT_AWS_DEFAULT),
  /**
   * Name of this Ebbflow stack: its workers are tagged `ebbflow:stack=<name>` and the fleet lists,
   * deregisters and terminates only instances with that tag (two stacks in one account never touch
   * each other's workers). The infra kit sets it to the CloudFormation stack's name.
   */
  EBBFLOW_STACK: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/, 'must be letters, digits and dashes (at most 128)')
    .default('ebbflow'),
  /**
   * Attempts per AWS call (the first one included) of the EC2 and ELBv2 clients, which retry
   * throttling and 5xx errors in the SDK's `adaptive` mode (the SDK's own variable name).
   */
  AWS_MAX_ATTEMPTS: env.int(5, 1, 20),
  /** How long a launch may wait for the instance to reach `running`. */
  EC2_RUNNING_TIMEOUT_S: env.int(300, 1, 3600),
  /** Interval between two DescribeInstances while waiting for `running`. */
  EC2_POLL_INTERVAL_MS: env.int(5000, 1, 600000),
};

/** AwsCloudConfig is the parsed AWS_CLOUD_ENV. */
export type AwsCloudConfig = z.infer<z.ZodObject<typeof AWS_CLOUD_ENV>>;

/** RequiredAwsCloudConfig is AwsCloudConfig once the identifiers are known to be set. */
export type RequiredAwsCloudConfig = AwsCloudConfig & {
  LAUNCH_TEMPLATE_ID: string;
  TARGET_GROUP_ARN: string;
  LOAD_BALANCER_ARN: string;
};

/**
 * requireAwsCloudConfig checks that every identifier the aws adapters need is set; it throws a
 * ConfigError naming each missing variable (so the service exits 78 with a clear message).
 */
export function requireAwsCloudConfig(config: AwsCloudConfig): RequiredAwsCloudConfig {
  const missing = (['LAUNCH_TEMPLATE_ID', 'TARGET_GROUP_ARN', 'LOAD_BALANCER_ARN'] as const).filter(
    (k) => !config[k],
  );
  if (missing.length) {
    throw new ConfigError(
      missing.map((variable) => ({ variable, message: 'is required when CLOUD_PROVIDER=aws' })),
    );
  }
  return config as RequiredAwsCloudConfig;
}
