import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchMetricSourceAdapter } from './cloudwatch.metric-source.adapter';

const cloudWatch = mockClient(CloudWatchClient);
const at = (iso: string) => new Date(iso);
const workers = [
  { id: 'i-0aaaaaaaaaaaaaaa1', address: '10.0.0.1:5000', launchedAt: at('2025-01-01T11:00:00Z') },
  { id: 'i-0bbbbbbbbbbbbbbb2', address: null, launchedAt: at('2025-01-01T11:30:00Z') },
];

const metric = (id: string, namespace: string, name: string, stat: string, instanceId: string) => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: namespace,
      MetricName: name,
      Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
    },
    Period: 60,
    Stat: stat,
  },
  ReturnData: true,
});

describe('CloudWatchMetricSourceAdapter', () => {
  beforeEach(() => cloudWatch.reset());

  it('should ask for every worker in ONE GetMetricData call: CPUUtilization Average and HTTPRequests Sum per instance', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'cpu_0',
          Timestamps: [at('2025-01-01T12:03:00Z'), at('2025-01-01T12:02:00Z')],
          Values: [27.3, 12],
        },
        { Id: 'req_0', Timestamps: [at('2025-01-01T12:03:00Z')], Values: [120] },
        { Id: 'cpu_1', Timestamps: [], Values: [] },
        { Id: 'req_1', Timestamps: [], Values: [] },
      ],
    });
    const adapter = new CloudWatchMetricSourceAdapter(
      new CloudWatchClient({ region: 'us-east-1' }),
    );

    const samples = await adapter.collect(workers, at('2025-01-01T12:05:30Z'));

    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      MetricDataQueries: [
        metric('cpu_0', 'AWS/EC2', 'CPUUtilization', 'Average', 'i-0aaaaaaaaaaaaaaa1'),
        metric('req_0', 'Ebbflow', 'HTTPRequests', 'Sum', 'i-0aaaaaaaaaaaaaaa1'),
        metric('cpu_1', 'AWS/EC2', 'CPUUtilization', 'Average', 'i-0bbbbbbbbbbbbbbb2'),
        metric('req_1', 'Ebbflow', 'HTTPRequests', 'Sum', 'i-0bbbbbbbbbbbbbbb2'),
      ],
      // Aligned to the minute; the unfinished minute 12:05 is left out; 10 minutes back.
      StartTime: at('2025-01-01T11:55:00Z'),
      EndTime: at('2025-01-01T12:05:00Z'),
      ScanBy: 'TimestampDescending',
      NextToken: undefined,
    });
    expect(samples).toEqual([
      // Only the newest minute on the first poll; `at` is the end of that minute.
      {
        instanceId: 'i-0aaaaaaaaaaaaaaa1',
        at: at('2025-01-01T12:04:00Z'),
        cpuPercent: 27.3,
        requests: 120,
        intervalS: 60,
      },
      // No datapoint yet (a new instance): CPU unknown, not 0.
      {
        instanceId: 'i-0bbbbbbbbbbbbbbb2',
        at: at('2025-01-01T12:05:30Z'),
        cpuPercent: null,
        requests: 0,
        intervalS: 0,
      },
    ]);
  });

  it('should not count a minute twice: the next poll uses only datapoints newer than those reported', async () => {
    const adapter = new CloudWatchMetricSourceAdapter(
      new CloudWatchClient({ region: 'us-east-1' }),
    );
    const one = [workers[0]!];
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'cpu_0', Timestamps: [at('2025-01-01T12:03:00Z')], Values: [30] },
          { Id: 'req_0', Timestamps: [at('2025-01-01T12:03:00Z')], Values: [60] },
        ],
      })
      .resolvesOnce({
        // CloudWatch has not published 12:04 yet: the same minute comes back.
        MetricDataResults: [
          { Id: 'cpu_0', Timestamps: [at('2025-01-01T12:03:00Z')], Values: [30] },
          { Id: 'req_0', Timestamps: [at('2025-01-01T12:03:00Z')], Values: [60] },
        ],
      })
      .resolvesOnce({
        // Two new minutes at once (publishing lag): averaged and summed.
        MetricDataResults: [
          {
            Id: 'cpu_0',
            Timestamps: [
              at('2025-01-01T12:05:00Z'),
              at('2025-01-01T12:04:00Z'),
              at('2025-01-01T12:03:00Z'),
            ],
            Values: [10, 20, 30],
          },
          {
            Id: 'req_0',
            Timestamps: [
              at('2025-01-01T12:05:00Z'),
              at('2025-01-01T12:04:00Z'),
              at('2025-01-01T12:03:00Z'),
            ],
            Values: [5, 7, 60],
          },
        ],
      });

    await adapter.collect(one, at('2025-01-01T12:05:10Z'));
    const repeat = await adapter.collect(one, at('2025-01-01T12:06:10Z'));
    const [caughtUp] = await adapter.collect(one, at('2025-01-01T12:07:10Z'));

    // The publication delay is expected: no sample, rather than a minute without data.
    expect(repeat).toEqual([]);
    expect(caughtUp).toEqual({
      instanceId: one[0]!.id,
      at: at('2025-01-01T12:06:00Z'),
      cpuPercent: 15,
      requests: 12,
      intervalS: 120,
    });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(3);
  });

  it('should follow NextToken and join the pages of one query', async () => {
    const adapter = new CloudWatchMetricSourceAdapter(
      new CloudWatchClient({ region: 'us-east-1' }),
    );
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'cpu_0', Timestamps: [at('2025-01-01T12:04:00Z')], Values: [40] },
          { Id: 'req_0', Timestamps: [], Values: [] },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [{ Id: 'req_0', Timestamps: [at('2025-01-01T12:04:00Z')], Values: [9] }],
      });

    const samples = await adapter.collect([workers[0]!], at('2025-01-01T12:05:30Z'));

    const calls = cloudWatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.NextToken).toBeUndefined();
    expect(calls[1]).toEqual({ ...calls[0], NextToken: 'page-2' });
    expect(samples).toEqual([
      {
        instanceId: workers[0]!.id,
        // The 12:04 datapoint covers 12:04..12:05.
        at: at('2025-01-01T12:05:00Z'),
        cpuPercent: 40,
        requests: 9,
        intervalS: 60,
      },
    ]);
  });

  it('should not call CloudWatch when there is no worker', async () => {
    const adapter = new CloudWatchMetricSourceAdapter(
      new CloudWatchClient({ region: 'us-east-1' }),
    );
    expect(await adapter.collect([], new Date())).toEqual([]);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });
});
