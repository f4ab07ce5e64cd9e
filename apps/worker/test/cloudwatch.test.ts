import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { waitFor } from '@app/testing';
import { RequestCounter } from '../src/metrics/request-counter';
import { WorkerHarness, startWorkerHarness } from './support/worker-harness';

const INTERVAL_S = 60;

/**
 * The worker in aws mode (CLOUD_PROVIDER=aws) with CloudWatch mocked: real HTTP requests, one
 * PutMetricData per interval. Only setInterval is faked, so the test decides when an interval
 * ends while HTTP, MySQL and S3 run for real.
 */
describe('worker in aws mode: request count published to CloudWatch', () => {
  const cloudWatch = mockClient(CloudWatchClient);
  let h: WorkerHarness;
  let counter: RequestCounter;

  const putCalls = () => cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
  const expectedInput = (value: number) => ({
    Namespace: 'Ebbflow',
    MetricData: [
      {
        MetricName: 'HTTPRequests',
        Dimensions: [{ Name: 'InstanceId', Value: h.worker.config.INSTANCE_ID }],
        Unit: 'Count',
        Value: value,
      },
    ],
  });
  const get = async (path: string) => {
    const res = await fetch(`${h.worker.url}${path}`);
    await res.arrayBuffer();
    return res.status;
  };

  beforeAll(async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    jest.useFakeTimers({
      doNotFake: [
        'Date',
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
      ],
    });
    h = await startWorkerHarness({
      CLOUD_PROVIDER: 'aws',
      SESSION_SECRET: 'a test secret that is long enough',
      METRICS_PUBLISH_INTERVAL_S: String(INTERVAL_S),
      WORKER_LOAD_ENDPOINTS: 'true',
    });
    counter = h.worker.app.get(RequestCounter);
  });

  afterAll(async () => {
    await h?.close();
    jest.useRealTimers();
    cloudWatch.restore();
  });

  it('should publish exactly one PutMetricData with Value 50 for 50 requests in an interval', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => get(i % 2 ? '/api/load/sleep?ms=1' : '/login')),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Health checks and scrapes are not load: they must not be in the count.
    expect(await get('/health')).toBe(200);
    expect(await get('/metrics')).toBe(200);
    // 'finish' may fire just after the client has the answer.
    await waitFor(() => counter.peek() === 50, { what: '50 counted requests' });
    expect(putCalls()).toEqual([]);

    jest.advanceTimersByTime(INTERVAL_S * 1000);

    await waitFor(() => putCalls().length === 1, { what: 'one PutMetricData' });
    expect(putCalls()).toEqual([expectedInput(50)]);
  });

  it('should publish 0 for an interval without requests', async () => {
    jest.advanceTimersByTime(INTERVAL_S * 1000);
    await waitFor(() => putCalls().length === 2, { what: 'a second PutMetricData' });
    expect(putCalls()[1]).toEqual(expectedInput(0));
  });

  it('should send the last partial interval when the worker stops', async () => {
    for (let i = 0; i < 3; i += 1) expect(await get('/api/load/sleep?ms=1')).toBe(200);
    await waitFor(() => counter.peek() === 3, { what: '3 counted requests' });
    await h.worker.close();
    expect(putCalls()).toEqual([expectedInput(50), expectedInput(0), expectedInput(3)]);
  });
});
