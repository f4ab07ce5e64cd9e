import { DynamicModule, Module, Provider } from '@nestjs/common';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AWS_CLOUD_CONFIG,
  ComputePort,
  ec2ClientProvider,
  Ec2ComputeAdapter,
  elbv2ClientProvider,
  Elbv2LoadBalancerAdapter,
  LoadBalancerPort,
  LocalComputeAdapter,
  LocalLoadBalancerAdapter,
  requireAwsCloudConfig,
} from '@app/cloud';
import { FleetConfig } from '../fleet.config';

/** CloudInfrastructureOptions are test-time choices that do not come from the environment. */
export interface CloudInfrastructureOptions {
  /** Environment local workers inherit from (filtered by WORKER_ENV_PASS); process.env by default. */
  workerEnv?: NodeJS.ProcessEnv;
}

/**
 * CloudInfrastructureModule binds the fleet's ports to the adapters of CLOUD_PROVIDER: worker
 * processes and the local balancer (`local`), or EC2 and an ELBv2 target group (`aws`). It
 * exports only the ports; nothing else in the fleet knows which provider runs.
 */
@Module({})
export class CloudInfrastructureModule {
  static forRoot(config: FleetConfig, options: CloudInfrastructureOptions = {}): DynamicModule {
    const providers: Provider[] =
      config.CLOUD_PROVIDER === 'aws' ? awsProviders(config) : localProviders(config, options);
    return {
      module: CloudInfrastructureModule,
      providers,
      exports: [ComputePort, LoadBalancerPort],
    };
  }
}

function localProviders(config: FleetConfig, options: CloudInfrastructureOptions): Provider[] {
  return [
    {
      provide: ComputePort,
      useFactory: () => new LocalComputeAdapter(config, { env: options.workerEnv }),
    },
    { provide: LoadBalancerPort, useFactory: () => new LocalLoadBalancerAdapter(config) },
  ];
}

function awsProviders(config: FleetConfig): Provider[] {
  const aws = requireAwsCloudConfig(config);
  return [
    { provide: AWS_CLOUD_CONFIG, useValue: aws },
    ec2ClientProvider,
    elbv2ClientProvider,
    {
      provide: ComputePort,
      inject: [EC2Client],
      useFactory: (ec2: EC2Client) =>
        new Ec2ComputeAdapter(ec2, {
          launchTemplateId: aws.LAUNCH_TEMPLATE_ID,
          stack: aws.EBBFLOW_STACK,
          launchTemplateVersion: aws.LAUNCH_TEMPLATE_VERSION,
          pollIntervalMs: aws.EC2_POLL_INTERVAL_MS,
          runningTimeoutMs: aws.EC2_RUNNING_TIMEOUT_S * 1000,
        }),
    },
    {
      provide: LoadBalancerPort,
      inject: [ElasticLoadBalancingV2Client, EC2Client],
      useFactory: (elb: ElasticLoadBalancingV2Client, ec2: EC2Client) =>
        new Elbv2LoadBalancerAdapter(elb, {
          targetGroupArn: aws.TARGET_GROUP_ARN,
          loadBalancerArn: aws.LOAD_BALANCER_ARN,
          workerPort: aws.WORKER_PORT_AWS,
          // Only this stack's instances: deregisterStale never touches another stack's targets.
          stack: { name: aws.EBBFLOW_STACK, ec2 },
        }),
    },
  ];
}
