import { Logger } from '@nestjs/common';
import {
  DescribeInstancesCommand,
  DescribeInstancesCommandInput,
  EC2Client,
  Instance,
  InstanceStateName,
  RunInstancesCommand,
  RunInstancesCommandInput,
  TerminateInstancesCommand,
  TerminateInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  DeregisterTargetsCommandInput,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  RegisterTargetsCommandInput,
  TargetHealthDescription,
  TargetHealthReasonEnum,
  TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2ComputeAdapter, Elbv2LoadBalancerAdapter } from '@app/cloud';
import { PoolService } from '../commands/pool.service';
import { InMemoryFleetStore } from '../testing/fake-fleet.store';
import { RecordingFleetEvents } from '../testing/recording-fleet.events';
import { FleetLock } from './fleet.lock';
import { Reconciler } from './reconciler.service';

const TEMPLATE = 'lt-0123456789abcdef0';
const TG =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/ebbflow/0123456789abcdef';
const LB =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/ebbflow/0123456789abcdef';
const ID = 'i-0abc12345def67890';
const GROW = '5f0c2d1e-8a3b-4c7d-9e6f-1a2b3c4d5e6f';
const SHRINK = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const MANAGED_FILTERS = [
  { Name: 'tag:ebbflow:managed', Values: ['true'] },
  { Name: 'tag:ebbflow:stack', Values: ['ebbflow'] },
  { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
];

/**
 * A tiny EC2 + ELBv2 behind aws-sdk-client-mock: every SDK call of both clients lands in one
 * ordered log, so the spec asserts the exact sequence the fleet drives across the two services.
 */
class MockedAws {
  readonly ec2 = mockClient(EC2Client);
  readonly elb = mockClient(ElasticLoadBalancingV2Client);
  readonly calls: [string, unknown][] = [];
  instance?: Instance;
  /** DescribeInstances answers `pending` this many times before `running`. */
  pendingPolls = 1;
  targets: TargetHealthDescription[] = [];

  constructor() {
    this.ec2.on(RunInstancesCommand).callsFake((input: RunInstancesCommandInput) => {
      this.calls.push(['RunInstances', input]);
      this.instance ??= this.make('pending');
      return { Instances: [this.instance] };
    });
    this.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
      this.calls.push(['DescribeInstances', input]);
      if (input.InstanceIds && this.instance && this.instance.State?.Name === 'pending') {
        if (this.pendingPolls-- <= 0) this.instance = this.make('running');
      }
      const alive = this.instance && this.instance.State?.Name !== 'terminated';
      return { Reservations: alive ? [{ Instances: [this.instance!] }] : [] };
    });
    this.ec2.on(TerminateInstancesCommand).callsFake((input: TerminateInstancesCommandInput) => {
      this.calls.push(['TerminateInstances', input]);
      this.instance = this.make('terminated');
      return {};
    });
    this.elb.on(RegisterTargetsCommand).callsFake((input: RegisterTargetsCommandInput) => {
      this.calls.push(['RegisterTargets', input]);
      this.targets = [this.target(TargetHealthStateEnum.INITIAL, 'Elb.RegistrationInProgress')];
      return {};
    });
    this.elb.on(DeregisterTargetsCommand).callsFake((input: DeregisterTargetsCommandInput) => {
      this.calls.push(['DeregisterTargets', input]);
      this.targets = [
        this.target(TargetHealthStateEnum.DRAINING, 'Target.DeregistrationInProgress'),
      ];
      return {};
    });
    this.elb.on(DescribeTargetHealthCommand).callsFake((input) => {
      this.calls.push(['DescribeTargetHealth', input]);
      return { TargetHealthDescriptions: this.targets };
    });
  }

  make(state: InstanceStateName): Instance {
    return {
      InstanceId: ID,
      State: { Name: state },
      PrivateIpAddress: '10.0.1.17',
      LaunchTime: new Date('2024-05-01T10:00:00Z'),
    };
  }

  target(state: TargetHealthStateEnum, reason?: TargetHealthReasonEnum): TargetHealthDescription {
    return { Target: { Id: ID, Port: 5000 }, TargetHealth: { State: state, Reason: reason } };
  }

  /** sequence lists the calls, leaving out the periodic listings when `withListings` is false. */
  sequence(withListings = true): [string, unknown][] {
    return this.calls.filter(
      ([name, input]) =>
        withListings ||
        !(
          name === 'DescribeTargetHealth' ||
          (name === 'DescribeInstances' && (input as DescribeInstancesCommandInput).Filters)
        ),
    );
  }

  restore(): void {
    this.ec2.restore();
    this.elb.restore();
  }
}

describe('fleet over the aws adapters (EC2 + ELBv2, mocked SDK)', () => {
  let aws: MockedAws;
  let store: InMemoryFleetStore;
  let reconciler: Reconciler;
  let pool: PoolService;
  let now: Date;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  beforeEach(() => {
    aws = new MockedAws();
    now = new Date('2024-05-01T10:00:00Z');
    const clock = () => new Date(now);
    const compute = new Ec2ComputeAdapter(new EC2Client({ region: 'eu-west-1' }), {
      launchTemplateId: TEMPLATE,
      stack: 'ebbflow',
      pollIntervalMs: 5000,
      runningTimeoutMs: 300000,
      sleep: async () => undefined,
    });
    const lb = new Elbv2LoadBalancerAdapter(
      new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
      {
        targetGroupArn: TG,
        loadBalancerArn: LB,
        workerPort: 5000,
      },
    );
    store = new InMemoryFleetStore();
    const lock = new FleetLock();
    const events = new RecordingFleetEvents();
    const settings = {
      intervalMs: 1000,
      unhealthyGraceMs: 600000,
      drainTimeoutMs: 300000,
      launchRetryMs: 1000,
      shutdownWaitMs: 0,
    };
    reconciler = new Reconciler(compute, lb, store, events, lock, settings, clock);
    pool = new PoolService(store, events, lock, reconciler, clock);
  });

  afterEach(() => aws.restore());

  async function pass(): Promise<void> {
    await reconciler.reconcileOnce();
    await reconciler.settle();
  }

  it('should launch with a ClientToken from the command, wait until running, then register the target', async () => {
    await pool.grow({ commandId: GROW, count: 1 });

    await pass();

    expect(aws.sequence()).toEqual([
      ['DescribeInstances', { Filters: MANAGED_FILTERS }],
      ['DescribeTargetHealth', { TargetGroupArn: TG }],
      [
        'RunInstances',
        {
          LaunchTemplate: { LaunchTemplateId: TEMPLATE },
          MinCount: 1,
          MaxCount: 1,
          ClientToken: `${GROW}:0`,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'ebbflow:managed', Value: 'true' },
                { Key: 'ebbflow:stack', Value: 'ebbflow' },
                { Key: 'Name', Value: 'ebbflow-worker' },
              ],
            },
          ],
        },
      ],
      ['DescribeInstances', { InstanceIds: [ID] }],
      ['DescribeInstances', { InstanceIds: [ID] }],
      ['RegisterTargets', { TargetGroupArn: TG, Targets: [{ Id: ID, Port: 5000 }] }],
    ]);
    expect((await store.listLive()).map((r) => [r.instanceId, r.state, r.address])).toEqual([
      [ID, 'running', '10.0.1.17'],
    ]);
  });

  it('should deregister, wait while the target drains, and terminate only once ELB let it go', async () => {
    await pool.grow({ commandId: GROW, count: 1 });
    await pass();
    aws.targets = [aws.target(TargetHealthStateEnum.HEALTHY)];
    await pass();
    aws.calls.length = 0;

    await pool.shrink({ commandId: SHRINK, count: 1 });
    await pass();
    // ELB still drains the target (deregistration delay): no termination yet.
    now = new Date(now.getTime() + 10000);
    await pass();
    aws.targets = [];
    await pass();

    expect(aws.sequence()).toEqual([
      // Pass 1: the surplus worker is deregistered.
      ['DescribeInstances', { Filters: MANAGED_FILTERS }],
      ['DescribeTargetHealth', { TargetGroupArn: TG }],
      ['DeregisterTargets', { TargetGroupArn: TG, Targets: [{ Id: ID, Port: 5000 }] }],
      // Pass 2: ELB reports it draining.
      ['DescribeInstances', { Filters: MANAGED_FILTERS }],
      ['DescribeTargetHealth', { TargetGroupArn: TG }],
      // Pass 3: ELB no longer lists it: terminate.
      ['DescribeInstances', { Filters: MANAGED_FILTERS }],
      ['DescribeTargetHealth', { TargetGroupArn: TG }],
      ['TerminateInstances', { InstanceIds: [ID] }],
    ]);
    expect(await store.listLive()).toEqual([]);
  });

  it('should terminate a stopped instance of the stack that no worker record runs', async () => {
    aws.instance = aws.make('stopped');

    await pass();

    expect(aws.sequence()).toEqual([
      ['DescribeInstances', { Filters: MANAGED_FILTERS }],
      ['DescribeTargetHealth', { TargetGroupArn: TG }],
      ['TerminateInstances', { InstanceIds: [ID] }],
    ]);
    expect(await store.listLive()).toEqual([]);
  });

  it('should run a grow command delivered twice through one RunInstances with one ClientToken', async () => {
    await pool.grow({ commandId: GROW, count: 1 });
    await pool.grow({ commandId: GROW, count: 1 });
    await pass();
    await pass();

    const runs = aws.sequence(false).filter(([name]) => name === 'RunInstances');
    expect(runs).toHaveLength(1);
    expect((runs[0][1] as RunInstancesCommandInput).ClientToken).toBe(`${GROW}:0`);
  });
});
