import {
  CloudWatchClient,
  PutMetricDataCommand,
  PutMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';
import { RequestCounter } from './request-counter';

/** CLOUDWATCH_NAMESPACE and REQUESTS_METRIC name the custom request-count metric. */
export const CLOUDWATCH_NAMESPACE = 'Ebbflow';
export const REQUESTS_METRIC = 'HTTPRequests';

/** requestCountInput is the PutMetricData input for `count` requests of one worker. */
export function requestCountInput(instanceId: string, count: number): PutMetricDataCommandInput {
  return {
    Namespace: CLOUDWATCH_NAMESPACE,
    MetricData: [
      {
        MetricName: REQUESTS_METRIC,
        Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
        Unit: 'Count',
        Value: count,
      },
    ],
  };
}

/**
 * RequestCountPublisher (aws mode) sends the worker's request count to CloudWatch once per
 * METRICS_PUBLISH_INTERVAL_S: ONE PutMetricData per interval, never one per request.
 *
 * An interval without requests publishes 0, not nothing: CloudWatch returns no datapoint for an
 * interval nobody reported, so the manager's chart would show a gap and could not tell an idle
 * worker from one that stopped reporting. The cost is the same one call per interval.
 * When a call fails the count is carried into the next interval rather than lost; on shutdown a
 * non-zero remainder is sent so a drained worker's last requests still count.
 */
@Injectable()
export class RequestCountPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestCountPublisher.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly counter: RequestCounter,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.publish(),
      this.config.METRICS_PUBLISH_INTERVAL_S * 1000,
    );
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.counter.peek() > 0) await this.publish();
  }

  /** publish sends the count of the interval that just ended. */
  async publish(): Promise<void> {
    const count = this.counter.take();
    try {
      await this.cloudWatch.send(
        new PutMetricDataCommand(requestCountInput(this.config.INSTANCE_ID, count)),
      );
    } catch (error) {
      this.counter.giveBack(count);
      this.logger.warn(
        `could not publish ${count} requests to CloudWatch: ${(error as Error).message}`,
      );
    }
  }
}
