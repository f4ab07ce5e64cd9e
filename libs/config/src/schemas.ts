import { z } from 'zod';
import { env } from './load-config';

/** AMQP_ENV configures the broker connection (libs/messaging reads only these). */
export const AMQP_ENV = {
  AMQP_URL: env.url('amqp://guest:guest@127.0.0.1:5672', ['amqp', 'amqps']),
  /** Prefix for every queue and exchange name; lets tests and stacks share one broker. */
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'must contain only lowercase letters, digits and dashes')
    .default(''),
  AMQP_PREFETCH: env.int(10, 1, 1000),
  QUERY_TIMEOUT_MS: env.int(3000, 100, 120000),
  COMMAND_MAX_ATTEMPTS: env.int(3, 1, 20),
};

/** DATABASE_ENV configures MySQL / MariaDB. */
export const DATABASE_ENV = {
  DATABASE_URL: env.url('mysql://root@127.0.0.1:3306/ebbflow', ['mysql']),
};

/** S3_ENV configures object storage (s3rver locally, S3 on AWS). */
export const S3_ENV = {
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
    .default('ebbflow-images'),
  /** Endpoint of the S3-compatible server; unset on AWS. */
  S3_ENDPOINT: z.string().url('must be a URL such as http://127.0.0.1:4569').optional(),
  /**
   * Where browsers reach the S3 server when that is not S3_ENDPOINT (another host, docker-compose):
   * presigned URLs are signed for it. Unset: browsers use the same endpoint as the services.
   */
  S3_PUBLIC_ENDPOINT: z
    .string()
    .refine(
      (v) => {
        try {
          return ['http:', 'https:'].includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      {
        message:
          'must be an http:// or https:// URL where browsers reach the S3 server, such as http://localhost:4569',
      },
    )
    .optional(),
  /**
   * The key pair for S3_ENDPOINT (the local S3 server accepts only this one; `npm start` generates
   * it into var/). Unset: the SDK's default credentials chain (AWS_ACCESS_KEY_ID, roles...).
   */
  S3_ACCESS_KEY_ID: env.optionalString(),
  S3_SECRET_ACCESS_KEY: env.optionalString(),
  AWS_REGION: env.string('us-east-1'),
  S3_PORT: env.port(4569),
  S3_DIRECTORY: env.string('var/s3'),
};

/** CLOUD_ENV chooses the provider. */
export const CLOUD_ENV = {
  CLOUD_PROVIDER: z
    .enum(['local', 'aws'], { errorMap: () => ({ message: 'must be "local" or "aws"' }) })
    .default('local'),
};

/** LOG_LEVELS are the values of LOG_LEVEL, quietest first. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;

/**
 * LOG_ENV configures every service's log (and the workers': the fleet passes LOG_* on). `log`
 * prints what an operator follows; `debug` adds Nest's route tables and module start-up lines.
 */
export const LOG_ENV = {
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) })
    .default('log'),
};
