import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RawSample } from '@app/cloud';
import { HistoryReply } from '@app/contracts';
import { Repository } from 'typeorm';
import { METRICS_CONFIG, MetricsConfig } from '../metrics.config';
import { MetricMinute } from './metric-minute.entity';
import { fillMinutes, floorMinute, minuteOfSample, MinuteRow } from './minute-buckets';

/**
 * HistoryService keeps the per-minute history in MySQL: samples are added into their minute with
 * one upsert per poll, read back as one point per minute, and pruned past the retention.
 */
@Injectable()
export class HistoryService {
  constructor(
    @InjectRepository(MetricMinute) private readonly minutes: Repository<MetricMinute>,
    @Inject(METRICS_CONFIG) private readonly config: MetricsConfig,
  ) {}

  /** record adds samples to their minutes; a sample with nothing measured is not stored. */
  async record(samples: RawSample[]): Promise<void> {
    const rows = samples
      .filter((s) => s.cpuPercent !== null || s.requests > 0)
      .map((s) => [
        s.instanceId,
        minuteOfSample(s),
        s.cpuPercent ?? 0,
        s.cpuPercent === null ? 0 : 1,
        s.requests,
      ]);
    if (!rows.length) return;
    await this.minutes.query(
      `INSERT INTO metric_minutes (instance_id, minute, cpu_sum, cpu_count, requests)
       VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE
         cpu_sum = cpu_sum + VALUES(cpu_sum),
         cpu_count = cpu_count + VALUES(cpu_count),
         requests = requests + VALUES(requests)`,
      rows.flat(),
    );
  }

  /** history answers METRICS_HISTORY: `minutes` points ending with the current minute. */
  async history(instanceId: string, minutes: number, now = new Date()): Promise<HistoryReply> {
    const last = floorMinute(now);
    const first = new Date(last.getTime() - (minutes - 1) * 60_000);
    const raw: { minute: Date; cpu_sum: number; cpu_count: number; requests: number }[] =
      await this.minutes.query(
        `SELECT minute, cpu_sum, cpu_count, requests FROM metric_minutes
         WHERE instance_id = ? AND minute BETWEEN ? AND ? ORDER BY minute`,
        [instanceId, first, last],
      );
    const rows: MinuteRow[] = raw.map((r) => ({
      minute: new Date(r.minute),
      cpuSum: Number(r.cpu_sum),
      cpuCount: Number(r.cpu_count),
      requests: Number(r.requests),
    }));
    return { instanceId, points: fillMinutes(rows, now, minutes) };
  }

  /** prune deletes minutes older than METRICS_RETENTION_MIN; returns how many rows went. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(
      floorMinute(now).getTime() - this.config.METRICS_RETENTION_MIN * 60_000,
    );
    const result: { affectedRows?: number } = await this.minutes.query(
      'DELETE FROM metric_minutes WHERE minute < ?',
      [cutoff],
    );
    return result.affectedRows ?? 0;
  }
}
