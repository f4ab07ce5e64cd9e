import { Test } from '@nestjs/testing';
import {
  ComputePort,
  Ec2ComputeAdapter,
  Elbv2LoadBalancerAdapter,
  LoadBalancerPort,
  LocalComputeAdapter,
  LocalLoadBalancerAdapter,
} from '@app/cloud';
import { loadFleetConfig } from '../fleet.config';
import { CloudInfrastructureModule } from './cloud.infrastructure.module';

async function portsFor(env: NodeJS.ProcessEnv) {
  const moduleRef = await Test.createTestingModule({
    imports: [CloudInfrastructureModule.forRoot(loadFleetConfig(env))],
  }).compile();
  const ports = { compute: moduleRef.get(ComputePort), lb: moduleRef.get(LoadBalancerPort) };
  await moduleRef.close();
  return ports;
}

describe('CloudInfrastructureModule', () => {
  it('should bind the ports to worker processes and the local balancer with CLOUD_PROVIDER=local', async () => {
    const { compute, lb } = await portsFor({ CLOUD_PROVIDER: 'local' });

    expect(compute).toBeInstanceOf(LocalComputeAdapter);
    expect(lb).toBeInstanceOf(LocalLoadBalancerAdapter);
  });

  it('should bind the ports to EC2 and ELBv2 with CLOUD_PROVIDER=aws', async () => {
    const { compute, lb } = await portsFor({
      CLOUD_PROVIDER: 'aws',
      AWS_REGION: 'eu-west-1',
      LAUNCH_TEMPLATE_ID: 'lt-0123456789abcdef0',
      TARGET_GROUP_ARN:
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/ebbflow/0123456789abcdef',
      LOAD_BALANCER_ARN:
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/ebbflow/0123456789abcdef',
    });

    expect(compute).toBeInstanceOf(Ec2ComputeAdapter);
    expect(lb).toBeInstanceOf(Elbv2LoadBalancerAdapter);
  });
});
