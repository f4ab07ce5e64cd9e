import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { loadWorkerConfig } from '../worker.config';
import { RequestCountPublisher, requestCountInput } from './request-count.publisher';
import { RequestCounter } from './request-counter';

describe('RequestCountPublisher', () => {
  const cloudWatch = mockClient(CloudWatchClient);
  const config = loadWorkerConfig({
    CLOUD_PROVIDER: 'aws',
    SESSION_SECRET: 'a test secret that is long enough',
    INSTANCE_ID: 'i-0123456789abcdef0',
    METRICS_PUBLISH_INTERVAL_S: '60',
  });
  let counter: RequestCounter;
  let publisher: RequestCountPublisher;

  const inputs = () => cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
  const endInterval = () => jest.advanceTimersByTimeAsync(60_000);

  beforeEach(() => {
    jest.useFakeTimers();
    cloudWatch.reset();
    cloudWatch.on(PutMetricDataCommand).resolves({});
    counter = new RequestCounter();
    publisher = new RequestCountPublisher(
      new CloudWatchClient({ region: 'us-east-1' }),
      counter,
      config,
    );
    publisher.onApplicationBootstrap();
  });

  afterEach(async () => {
    await publisher.beforeApplicationShutdown();
    jest.useRealTimers();
  });

  afterAll(() => cloudWatch.restore());

  it('should send one PutMetricData with the sum of an interval, not one per request', async () => {
    for (let i = 0; i < 50; i += 1) counter.increment();
    expect(inputs()).toEqual([]);
    await endInterval();
    expect(inputs()).toEqual([
      {
        Namespace: 'Ebbflow',
        MetricData: [
          {
            MetricName: 'HTTPRequests',
            Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }],
            Unit: 'Count',
            Value: 50,
          },
        ],
      },
    ]);
  });

  it('should publish 0 for an idle interval (a datapoint, not a gap)', async () => {
    await endInterval();
    expect(inputs()).toEqual([requestCountInput('i-0123456789abcdef0', 0)]);
  });

  it('should count each interval on its own', async () => {
    counter.increment();
    await endInterval();
    counter.increment();
    counter.increment();
    await endInterval();
    expect(inputs().map((i) => i.MetricData?.[0].Value)).toEqual([1, 2]);
  });

  it('should carry a count into the next interval when CloudWatch refuses it', async () => {
    cloudWatch.on(PutMetricDataCommand).rejectsOnce(new Error('Throttling')).resolves({});
    for (let i = 0; i < 7; i += 1) counter.increment();
    await endInterval();
    counter.increment();
    await endInterval();
    expect(inputs().map((i) => i.MetricData?.[0].Value)).toEqual([7, 8]);
  });

  it('should send the remainder on shutdown and stop publishing', async () => {
    counter.increment();
    await publisher.beforeApplicationShutdown();
    expect(inputs().map((i) => i.MetricData?.[0].Value)).toEqual([1]);
    await endInterval();
    expect(inputs()).toHaveLength(1);
  });
});
