import { Provider } from '@nestjs/common';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  MetricDataQuery,
  MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { MetricSourcePort, MonitoredWorker, RawSample } from '../ports/metric-source.port';

/** CLOUDWATCH_PERIOD_S is the resolution asked of CloudWatch: one datapoint per minute. */
export const CLOUDWATCH_PERIOD_S = 60;
/**
 * CLOUDWATCH_LOOKBACK_S is how far back one poll looks. CloudWatch publishes a minute a minute or
 * two late, and EC2 basic monitoring only every 5 minutes, so 10 minutes always holds the newest.
 */
export const CLOUDWATCH_LOOKBACK_S = 600;
/** Namespace and name of the request counter the workers publish (aggregated per minute). */
export const REQUESTS_NAMESPACE = 'Ebbflow';
export const REQUESTS_METRIC = 'HTTPRequests';

/** CLOUDWATCH_REGION is the DI token of the region the CloudWatchClient is built for. */
export const CLOUDWATCH_REGION = Symbol('CLOUDWATCH_REGION');

/**
 * cloudWatchClientProvider builds the one CloudWatchClient of the process (the class is its DI
 * token, so a test can swap it). Credentials come from the default chain, never the repository.
 */
export const cloudWatchClientProvider: Provider = {
  provide: CloudWatchClient,
  inject: [CLOUDWATCH_REGION],
  useFactory: (region: string) => new CloudWatchClient({ region }),
};

/** CloudWatchOptions tune the adapter (tests keep the defaults). */
export interface CloudWatchOptions {
  periodS?: number;
  lookbackS?: number;
}

interface Seen {
  cpu: number;
  req: number;
}

/** Datapoints of one result newer than `after` (epoch ms), newest first. */
function newPoints(result: MetricDataResult | undefined, after: number) {
  const points: { t: number; v: number }[] = [];
  const ts = result?.Timestamps ?? [];
  const vs = result?.Values ?? [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!.getTime();
    if (t > after && Number.isFinite(vs[i])) points.push({ t, v: vs[i]! });
  }
  return points.sort((a, b) => b.t - a.t);
}

/**
 * CloudWatchMetricSourceAdapter measures EC2 workers with ONE GetMetricData call per poll for the
 * whole pool (the original project made one GetMetricStatistics call per instance and metric):
 * per instance `AWS/EC2 CPUUtilization` (Average) and `Ebbflow HTTPRequests` (Sum), dimension
 * InstanceId, period 60 s (detailed monitoring: the launch template must enable it, basic monitoring
 * gives one datapoint per 5 minutes). A datapoint stamped T covers T..T+period, so a sample is dated
 * at the end of its newest period. Only datapoints not reported before are used; a worker whose
 * next minute CloudWatch has not published yet gives no sample (not a null one, not a repeat).
 */
export class CloudWatchMetricSourceAdapter extends MetricSourcePort {
  private readonly periodS: number;
  private readonly lookbackS: number;
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly client: CloudWatchClient,
    options: CloudWatchOptions = {},
  ) {
    super();
    this.periodS = options.periodS ?? CLOUDWATCH_PERIOD_S;
    this.lookbackS = options.lookbackS ?? CLOUDWATCH_LOOKBACK_S;
  }

  async collect(workers: MonitoredWorker[], now: Date): Promise<RawSample[]> {
    const known = new Set(workers.map((w) => w.id));
    for (const id of this.seen.keys()) if (!known.has(id)) this.seen.delete(id);
    if (!workers.length) return [];
    const periodMs = this.periodS * 1000;
    // Aligned to the period: CloudWatch answers aligned queries exactly, and the current,
    // unfinished minute is left out.
    const end = new Date(Math.floor(now.getTime() / periodMs) * periodMs);
    const start = new Date(end.getTime() - this.lookbackS * 1000);
    const queries: MetricDataQuery[] = workers.flatMap((w, n) => [
      this.query(`cpu_${n}`, 'AWS/EC2', 'CPUUtilization', 'Average', w.id),
      this.query(`req_${n}`, REQUESTS_NAMESPACE, REQUESTS_METRIC, 'Sum', w.id),
    ]);
    const results = new Map<string, MetricDataResult>();
    let nextToken: string | undefined;
    do {
      // One call for the pool; NextToken only appears past 100,800 datapoints (never at 50 workers).
      const page = await this.client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: start,
          EndTime: end,
          ScanBy: 'TimestampDescending',
          NextToken: nextToken,
        }),
      );
      for (const r of page.MetricDataResults ?? []) {
        const prev = r.Id ? results.get(r.Id) : undefined;
        if (!r.Id) continue;
        results.set(r.Id, {
          ...r,
          Timestamps: [...(prev?.Timestamps ?? []), ...(r.Timestamps ?? [])],
          Values: [...(prev?.Values ?? []), ...(r.Values ?? [])],
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return workers.flatMap((w, n) => {
      const sample = this.toSample(w, now, results.get(`cpu_${n}`), results.get(`req_${n}`));
      return sample ? [sample] : [];
    });
  }

  private toSample(
    worker: MonitoredWorker,
    now: Date,
    cpuResult: MetricDataResult | undefined,
    reqResult: MetricDataResult | undefined,
  ): RawSample | undefined {
    const seen = this.seen.get(worker.id);
    // First poll of a worker: only its newest minute, not the whole look-back summed as one.
    let cpu = newPoints(cpuResult, seen?.cpu ?? -Infinity);
    let req = newPoints(reqResult, seen?.req ?? -Infinity);
    if (!seen) {
      cpu = cpu.slice(0, 1);
      req = req.slice(0, 1);
    }
    // CloudWatch publishes a minute a minute or two late: a worker already measured with no newer
    // datapoint yet is waiting for publication, not without data, so no sample (a null CPU would
    // be recorded as a minute without data). A worker never measured still gets its null sample.
    if (seen && !cpu.length && !req.length) return undefined;
    this.seen.set(worker.id, {
      cpu: cpu[0]?.t ?? seen?.cpu ?? -Infinity,
      req: req[0]?.t ?? seen?.req ?? -Infinity,
    });
    const periodMs = this.periodS * 1000;
    const newest = Math.max(cpu[0]?.t ?? -Infinity, req[0]?.t ?? -Infinity);
    const at = Number.isFinite(newest) ? new Date(Math.min(now.getTime(), newest + periodMs)) : now;
    return {
      instanceId: worker.id,
      at,
      cpuPercent: cpu.length
        ? Math.round((cpu.reduce((s, p) => s + p.v, 0) / cpu.length) * 100) / 100
        : null,
      requests: Math.round(req.reduce((s, p) => s + p.v, 0)),
      intervalS: Math.max(cpu.length, req.length) * this.periodS,
    };
  }

  private query(
    id: string,
    namespace: string,
    metric: string,
    stat: string,
    instanceId: string,
  ): MetricDataQuery {
    return {
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: metric,
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
        },
        Period: this.periodS,
        Stat: stat,
      },
      ReturnData: true,
    };
  }
}
