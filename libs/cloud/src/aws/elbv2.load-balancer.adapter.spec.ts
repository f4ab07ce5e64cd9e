import {
  DeregisterTargetsCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { elbHealthToOurs, Elbv2LoadBalancerAdapter } from './elbv2.load-balancer.adapter';

const elbMock = mockClient(ElasticLoadBalancingV2Client);
const TG =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/ebbflow/0123456789abcdef';
const LB =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/ebbflow/0123456789abcdef';

function commands(): [string, unknown][] {
  return elbMock.calls().map((c) => {
    const command = c.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}

describe('Elbv2LoadBalancerAdapter', () => {
  let adapter: Elbv2LoadBalancerAdapter;

  beforeEach(() => {
    elbMock.reset();
    adapter = new Elbv2LoadBalancerAdapter(new ElasticLoadBalancingV2Client({}), {
      targetGroupArn: TG,
      loadBalancerArn: LB,
      workerPort: 5000,
    });
  });

  it('should register and deregister targets by instance id on the worker port', async () => {
    elbMock.on(RegisterTargetsCommand).resolves({});
    elbMock.on(DeregisterTargetsCommand).resolves({});

    await adapter.register({ id: 'i-0abc12345def67890', address: '10.0.1.17' });
    await adapter.deregister('i-0abc12345def67890');

    expect(commands()).toEqual([
      [
        'RegisterTargetsCommand',
        { TargetGroupArn: TG, Targets: [{ Id: 'i-0abc12345def67890', Port: 5000 }] },
      ],
      [
        'DeregisterTargetsCommand',
        { TargetGroupArn: TG, Targets: [{ Id: 'i-0abc12345def67890', Port: 5000 }] },
      ],
    ]);
  });

  it('should treat deregistering an unknown target as done', async () => {
    elbMock
      .on(DeregisterTargetsCommand)
      .rejects(Object.assign(new Error('not registered'), { name: 'InvalidTargetException' }));

    await expect(adapter.deregister('i-0abc12345def67890')).resolves.toBeUndefined();
  });

  it('should map the target group health to ours and leave out targets that are not registered', async () => {
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: 'i-0000000000000000a', Port: 5000 }, TargetHealth: { State: 'healthy' } },
        {
          Target: { Id: 'i-0000000000000000b', Port: 5000 },
          TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress' },
        },
        {
          Target: { Id: 'i-0000000000000000c', Port: 5000 },
          TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks' },
        },
        {
          Target: { Id: 'i-0000000000000000d', Port: 5000 },
          TargetHealth: { State: 'draining', Reason: 'Target.DeregistrationInProgress' },
        },
        {
          Target: { Id: 'i-0000000000000000e', Port: 5000 },
          TargetHealth: { State: 'unused', Reason: 'Target.NotRegistered' },
        },
      ],
    });

    const health = await adapter.describeHealth();

    expect(health).toEqual([
      { id: 'i-0000000000000000a', health: 'healthy' },
      { id: 'i-0000000000000000b', health: 'initial', reason: 'Elb.RegistrationInProgress' },
      { id: 'i-0000000000000000c', health: 'unhealthy', reason: 'Target.FailedHealthChecks' },
      { id: 'i-0000000000000000d', health: 'draining', reason: 'Target.DeregistrationInProgress' },
    ]);
    expect(commands()).toEqual([['DescribeTargetHealthCommand', { TargetGroupArn: TG }]]);
  });

  it.each([
    ['initial', 'initial'],
    ['healthy', 'healthy'],
    ['unhealthy', 'unhealthy'],
    ['draining', 'draining'],
    ['unused', 'unused'],
    // Health checks disabled or unable to run: the target gets no traffic, like an unhealthy one.
    ['unavailable', 'unhealthy'],
    // Deregistered while unhealthy: what matters to the fleet is that it drains.
    ['unhealthy.draining', 'draining'],
  ])('should map ELB state %s to %s', (elb, ours) => {
    expect(elbHealthToOurs(elb)).toBe(ours);
  });

  it('should answer the load balancer DNS name as the public URL, asking AWS once', async () => {
    elbMock.on(DescribeLoadBalancersCommand).resolves({
      LoadBalancers: [{ DNSName: 'ebbflow-123456.eu-west-1.elb.amazonaws.com' }],
    });

    expect(await adapter.publicUrl()).toBe('http://ebbflow-123456.eu-west-1.elb.amazonaws.com');
    expect(await adapter.publicUrl()).toBe('http://ebbflow-123456.eu-west-1.elb.amazonaws.com');

    expect(commands()).toEqual([['DescribeLoadBalancersCommand', { LoadBalancerArns: [LB] }]]);
  });

  describe('draining', () => {
    const ID = 'i-0abc12345def67890';
    let clock: number;
    let drainer: Elbv2LoadBalancerAdapter;
    const draining = {
      TargetHealthDescriptions: [
        {
          Target: { Id: ID, Port: 5000 },
          TargetHealth: {
            State: 'draining' as const,
            Reason: 'Target.DeregistrationInProgress' as const,
          },
        },
      ],
    };
    beforeEach(() => {
      clock = 1_000_000;
      drainer = new Elbv2LoadBalancerAdapter(new ElasticLoadBalancingV2Client({}), {
        targetGroupArn: TG,
        loadBalancerArn: LB,
        workerPort: 5000,
        now: () => clock,
      });
      elbMock.on(DeregisterTargetsCommand).resolves({});
      elbMock.on(DescribeTargetGroupAttributesCommand).resolves({
        Attributes: [
          { Key: 'stickiness.enabled', Value: 'false' },
          { Key: 'deregistration_delay.timeout_seconds', Value: '120' },
        ],
      });
    });

    it('should report a target draining until the deregistration delay, then as drained', async () => {
      elbMock.on(DescribeTargetHealthCommand).resolves(draining);

      await drainer.deregister(ID);
      clock += 119_000;
      const during = await drainer.describeHealth();
      clock += 1_000;
      const after = await drainer.describeHealth();

      expect(during).toEqual([
        { id: ID, health: 'draining', reason: 'Target.DeregistrationInProgress' },
      ]);
      expect(after).toEqual([]);
      expect(commands()).toEqual([
        ['DeregisterTargetsCommand', { TargetGroupArn: TG, Targets: [{ Id: ID, Port: 5000 }] }],
        ['DescribeTargetHealthCommand', { TargetGroupArn: TG }],
        ['DescribeTargetGroupAttributesCommand', { TargetGroupArn: TG }],
        // The delay is read once.
        ['DescribeTargetHealthCommand', { TargetGroupArn: TG }],
      ]);
    });

    it('should report the target drained as soon as it leaves draining, before the delay', async () => {
      elbMock.on(DescribeTargetHealthCommand).resolvesOnce(draining).resolves({
        TargetHealthDescriptions: [],
      });

      await drainer.deregister(ID);
      clock += 5_000;
      expect(await drainer.describeHealth()).toHaveLength(1);
      clock += 5_000;
      expect(await drainer.describeHealth()).toEqual([]);
      expect(commands().map(([name]) => name)).toEqual([
        'DeregisterTargetsCommand',
        'DescribeTargetHealthCommand',
        'DescribeTargetGroupAttributesCommand',
        'DescribeTargetHealthCommand',
      ]);
    });

    it('should keep a target draining while the delay cannot be read (the fleet timeout bounds it)', async () => {
      elbMock.on(DescribeTargetHealthCommand).resolves(draining);
      elbMock.on(DescribeTargetGroupAttributesCommand).rejects(new Error('AccessDenied'));

      await drainer.deregister(ID);
      clock += 3_600_000;
      expect(await drainer.describeHealth()).toHaveLength(1);
    });

    it('should not shorten the drain of a target this process did not deregister', async () => {
      elbMock.on(DescribeTargetHealthCommand).resolves(draining);
      clock += 3_600_000;
      expect(await drainer.describeHealth()).toHaveLength(1);
      expect(commands().map(([name]) => name)).toEqual(['DescribeTargetHealthCommand']);
    });
  });

  it("should list only the targets that are instances of its stack (never another stack's)", async () => {
    const ec2Mock = mockClient(EC2Client);
    const own = 'i-0aaaaaaaaaaaaaaa1';
    const foreign = 'i-0bbbbbbbbbbbbbbb2';
    const later = 'i-0ccccccccccccccc3';
    const healthy = (id: string) => ({
      Target: { Id: id, Port: 5000 },
      TargetHealth: { State: 'healthy' as const },
    });
    elbMock
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({ TargetHealthDescriptions: [healthy(own), healthy(foreign)] })
      .resolves({ TargetHealthDescriptions: [healthy(own), healthy(foreign), healthy(later)] });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: own }] }] })
      .resolves({ Reservations: [] });
    const stacked = new Elbv2LoadBalancerAdapter(new ElasticLoadBalancingV2Client({}), {
      targetGroupArn: TG,
      loadBalancerArn: LB,
      workerPort: 5000,
      stack: { name: 'prod-a', ec2: new EC2Client({}) },
    });
    try {
      expect((await stacked.describeHealth()).map((t) => t.id)).toEqual([own]);
      expect((await stacked.describeHealth()).map((t) => t.id)).toEqual([own]);
      // Membership is asked once per id: the second listing asks only about the new one.
      expect(ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toEqual([
        {
          Filters: [
            { Name: 'instance-id', Values: [own, foreign] },
            { Name: 'tag:ebbflow:stack', Values: ['prod-a'] },
          ],
        },
        {
          Filters: [
            { Name: 'instance-id', Values: [later] },
            { Name: 'tag:ebbflow:stack', Values: ['prod-a'] },
          ],
        },
      ]);
    } finally {
      ec2Mock.restore();
    }
  });
});
