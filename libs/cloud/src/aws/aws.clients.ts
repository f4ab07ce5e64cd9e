import { Provider } from '@nestjs/common';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsCloudConfig } from './aws-cloud.config';

/** AWS_CLOUD_CONFIG is the DI token of the parsed AWS_CLOUD_ENV. */
export const AWS_CLOUD_CONFIG = Symbol('AWS_CLOUD_CONFIG');

/**
 * ec2ClientProvider builds the one EC2Client of the process (the class is its DI token, so a test
 * can swap it or mock it with aws-sdk-client-mock). Credentials come from the default chain
 * (instance role, environment), never from the repository.
 */
export const ec2ClientProvider: Provider = {
  provide: EC2Client,
  inject: [AWS_CLOUD_CONFIG],
  useFactory: (config: Pick<AwsCloudConfig, 'AWS_REGION'>) =>
    new EC2Client({ region: config.AWS_REGION }),
};

/** elbv2ClientProvider builds the one ElasticLoadBalancingV2Client of the process. */
export const elbv2ClientProvider: Provider = {
  provide: ElasticLoadBalancingV2Client,
  inject: [AWS_CLOUD_CONFIG],
  useFactory: (config: Pick<AwsCloudConfig, 'AWS_REGION'>) =>
    new ElasticLoadBalancingV2Client({ region: config.AWS_REGION }),
};
