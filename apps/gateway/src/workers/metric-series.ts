import { HistoryReply } from '@app/contracts';

/** SeriesPoint is one point of a chart: time (ISO 8601, start of the minute) and value. */
export interface SeriesPoint {
  t: string;
  v: number | null;
}

/** WorkerMetrics answers `GET /api/workers/:id/metrics` and feeds the "Detailed" charts. */
export interface WorkerMetrics {
  instanceId: string;
  minutes: number;
  /** CPU utilization, average per minute (percent); null where no sample was taken. */
  cpu: SeriesPoint[];
  /** HTTP requests, sum per minute. */
  requests: SeriesPoint[];
}

/** toWorkerMetrics turns the metrics service's per-minute history into the two chart series. */
export function toWorkerMetrics(reply: HistoryReply, minutes: number): WorkerMetrics {
  const points = [...reply.points].sort((a, b) => a.minute.localeCompare(b.minute));
  return {
    instanceId: reply.instanceId,
    minutes,
    cpu: points.map((p) => ({
      t: p.minute,
      v: p.cpuAvg === null ? null : Math.round(p.cpuAvg * 100) / 100,
    })),
    requests: points.map((p) => ({ t: p.minute, v: p.requests })),
  };
}
