import {
  DescribeInstancesCommand,
  EC2Client,
  Instance,
  InstanceStateName,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2ComputeAdapter, Ec2LaunchError, ec2ClientToken } from './ec2.compute.adapter';

const ec2Mock = mockClient(EC2Client);
const LAUNCHED_AT = new Date('2024-05-01T10:00:00Z');

function instance(id: string, state: InstanceStateName, ip = '10.0.1.17'): Instance {
  return { InstanceId: id, State: { Name: state }, PrivateIpAddress: ip, LaunchTime: LAUNCHED_AT };
}

/** commands lists the SDK commands the mock received, in order, with their input. */
function commands(): [string, unknown][] {
  return ec2Mock.calls().map((c) => {
    const command = c.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}

describe('Ec2ComputeAdapter', () => {
  const slept: number[] = [];
  const adapter = new Ec2ComputeAdapter(new EC2Client({ region: 'eu-west-1' }), {
    launchTemplateId: 'lt-0123456789abcdef0',
    stack: 'prod-a',
    launchTemplateVersion: '7',
    pollIntervalMs: 5000,
    runningTimeoutMs: 20000,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });

  beforeEach(() => {
    ec2Mock.reset();
    slept.length = 0;
  });

  it('should launch from the template with a ClientToken and poll DescribeInstances until running', async () => {
    ec2Mock
      .on(RunInstancesCommand)
      .resolves({ Instances: [instance('i-0abc12345def67890', 'pending')] });
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(Object.assign(new Error('not yet'), { name: 'InvalidInstanceID.NotFound' }))
      .resolvesOnce({ Reservations: [{ Instances: [instance('i-0abc12345def67890', 'pending')] }] })
      .resolves({ Reservations: [{ Instances: [instance('i-0abc12345def67890', 'running')] }] });

    const launched = await adapter.launch({
      clientToken: 'c0ffee00-1111-4222-8333-444455556666:0',
    });

    expect(launched).toEqual({
      id: 'i-0abc12345def67890',
      state: 'running',
      address: '10.0.1.17',
      launchedAt: LAUNCHED_AT,
    });
    expect(commands()).toEqual([
      [
        'RunInstancesCommand',
        {
          LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0', Version: '7' },
          MinCount: 1,
          MaxCount: 1,
          ClientToken: 'c0ffee00-1111-4222-8333-444455556666:0',
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'ebbflow:managed', Value: 'true' },
                { Key: 'ebbflow:stack', Value: 'prod-a' },
                { Key: 'Name', Value: 'ebbflow-worker' },
              ],
            },
          ],
        },
      ],
      ['DescribeInstancesCommand', { InstanceIds: ['i-0abc12345def67890'] }],
      ['DescribeInstancesCommand', { InstanceIds: ['i-0abc12345def67890'] }],
      ['DescribeInstancesCommand', { InstanceIds: ['i-0abc12345def67890'] }],
    ]);
    // Two waits between three polls, each of the configured interval: no real time passes.
    expect(slept).toEqual([5000, 5000]);
  });

  it('should omit the template version when none is configured', async () => {
    const latest = new Ec2ComputeAdapter(new EC2Client({}), {
      launchTemplateId: 'lt-0123456789abcdef0',
      stack: 'ebbflow',
      pollIntervalMs: 10,
      runningTimeoutMs: 100,
      sleep: async () => undefined,
    });
    ec2Mock
      .on(RunInstancesCommand)
      .resolves({ Instances: [instance('i-0abc12345def67890', 'running')] });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [instance('i-0abc12345def67890', 'running')] }] });

    await latest.launch({ clientToken: 'token-1' });

    const run = ec2Mock.commandCalls(RunInstancesCommand)[0].args[0].input;
    expect(run.LaunchTemplate).toEqual({ LaunchTemplateId: 'lt-0123456789abcdef0' });
  });

  it('should give up after the running timeout, having polled a bounded number of times', async () => {
    ec2Mock
      .on(RunInstancesCommand)
      .resolves({ Instances: [instance('i-0abc12345def67890', 'pending')] });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [instance('i-0abc12345def67890', 'pending')] }] });

    ec2Mock.on(TerminateInstancesCommand).resolves({});

    await expect(adapter.launch({ clientToken: 'token-2' })).rejects.toThrow(
      'instance i-0abc12345def67890 was not running after 20 s (last state: pending)',
    );
    // 20 s / 5 s = 4 intervals: 5 polls, 4 waits.
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(5);
    expect(slept).toEqual([5000, 5000, 5000, 5000]);
    // The instance that never ran is terminated, not left behind.
    expect(commands().slice(-1)).toEqual([
      ['TerminateInstancesCommand', { InstanceIds: ['i-0abc12345def67890'] }],
    ]);
  });

  it('should fail at once when the instance terminates while launching', async () => {
    ec2Mock
      .on(RunInstancesCommand)
      .resolves({ Instances: [instance('i-0abc12345def67890', 'pending')] });
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              ...instance('i-0abc12345def67890', 'terminated'),
              StateReason: { Message: 'Server.InsufficientInstanceCapacity' },
            },
          ],
        },
      ],
    });

    const launch = adapter.launch({ clientToken: 'token-3' });

    await expect(launch).rejects.toBeInstanceOf(Ec2LaunchError);
    await expect(launch).rejects.toThrow('Server.InsufficientInstanceCapacity');
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
  });

  it('should describe only managed instances of its stack, stopped ones as stopping, across pages', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [{ Instances: [instance('i-0000000000000000a', 'running', '10.0.0.1')] }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              instance('i-0000000000000000b', 'pending', '10.0.0.2'),
              instance('i-0000000000000000c', 'stopping', '10.0.0.3'),
              instance('i-0000000000000000d', 'stopped', '10.0.0.4'),
            ],
          },
        ],
      });

    const described = await adapter.describe();

    expect(described.map((i) => [i.id, i.state, i.address])).toEqual([
      ['i-0000000000000000a', 'running', '10.0.0.1'],
      ['i-0000000000000000b', 'pending', '10.0.0.2'],
      ['i-0000000000000000c', 'stopping', '10.0.0.3'],
      // Stopped: listed so that the fleet terminates it (not dropped from the listing).
      ['i-0000000000000000d', 'stopping', '10.0.0.4'],
    ]);
    const filters = [
      { Name: 'tag:ebbflow:managed', Values: ['true'] },
      { Name: 'tag:ebbflow:stack', Values: ['prod-a'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ];
    expect(commands()).toEqual([
      ['DescribeInstancesCommand', { Filters: filters }],
      ['DescribeInstancesCommand', { Filters: filters, NextToken: 'page-2' }],
    ]);
  });

  it('should terminate by id and treat an unknown id as already gone', async () => {
    ec2Mock
      .on(TerminateInstancesCommand)
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error('gone'), { name: 'InvalidInstanceID.NotFound' }));

    await adapter.terminate('i-0abc12345def67890');
    await adapter.terminate('i-0abc12345def67891');

    expect(commands()).toEqual([
      ['TerminateInstancesCommand', { InstanceIds: ['i-0abc12345def67890'] }],
      ['TerminateInstancesCommand', { InstanceIds: ['i-0abc12345def67891'] }],
    ]);
  });

  it('should pass other termination errors on', async () => {
    ec2Mock
      .on(TerminateInstancesCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));

    await expect(adapter.terminate('i-0abc12345def67890')).rejects.toThrow('denied');
  });
});

describe('ec2ClientToken', () => {
  it.each([
    [
      'a command id and index fit as they are',
      'c0ffee00-1111-4222-8333-444455556666:3',
      'c0ffee00-1111-4222-8333-444455556666:3',
    ],
    ['a 64-character token fits', 'x'.repeat(64), 'x'.repeat(64)],
  ])('should keep the token when %s', (_name, token, expected) => {
    expect(ec2ClientToken(token)).toBe(expected);
  });

  it('should hash a token that is too long, deterministically, to 64 characters', () => {
    const long = 'y'.repeat(65);
    expect(ec2ClientToken(long)).toHaveLength(64);
    expect(ec2ClientToken(long)).toBe(ec2ClientToken(long));
    expect(ec2ClientToken(long)).not.toBe(ec2ClientToken('y'.repeat(66)));
  });

  it('should hash a token with characters EC2 refuses', () => {
    expect(ec2ClientToken('with space')).toMatch(/^[0-9a-f]{64}$/);
  });
});
