import { Provider } from '@nestjs/common';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsCloudConfig } from './aws-cloud.config';

/** AWS_CLOUD_CONFIG is the DI token of the parsed AWS_CLOUD_ENV. */
export const AWS_CLOUD_CONFIG = Symbol('AWS_CLOUD_CONFIG');

/**
 * awsClientSettings are the options of every SDK client of the fleet: the region, and `adaptive`
 * retries (exponential backoff plus a client-side rate limiter that slows down when AWS throttles,
 * e.g. RequestLimitExceeded) with AWS_MAX_ATTEMPTS attempts per call.
 */
export function awsClientSettings(config: Pick<AwsCloudConfig, 'AWS_REGION' | 'AWS_MAX_ATTEMPTS'>) {
  return {
    region: config.AWS_REGION,
    retryMode: 'adaptive',
    maxAttempts: config.AWS_MAX_ATTEMPTS,
  };
}

/**
 * ec2ClientProvider builds the one EC2Client of the process (the class is its DI token, so a test
 * can swap it or mock it with aws-sdk-client-mock). Credentials come from the default chain
 * (instance role, environment), never from the repository.
 */
export const ec2ClientProvider: Provider = {
  provide: EC2Client,
  inject: [AWS_CLOUD_CONFIG],
  useFactory: (config: AwsCloudConfig) => new EC2Client(awsClientSettings(config)),
};

/** elbv2ClientProvider builds the one ElasticLoadBalancingV2Client of the process. */
export const elbv2ClientProvider: Provider = {
  provide: ElasticLoadBalancingV2Client,
  inject: [AWS_CLOUD_CONFIG],
  useFactory: (config: AwsCloudConfig) =>
    new ElasticLoadBalancingV2Client(awsClientSettings(config)),
};
