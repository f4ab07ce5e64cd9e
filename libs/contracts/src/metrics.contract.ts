import { IsInt, IsISO8601, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { defineEvent, defineQuery } from './define';
import { INSTANCE_ID_PATTERN } from './fleet.contract';

/** MAX_HISTORY_MINUTES is how far back a history query may reach. */
export const MAX_HISTORY_MINUTES = 24 * 60;

/** MetricSample is one worker's measurement over one poll interval, broadcast to every listener. */
export class MetricSample {
  @Matches(INSTANCE_ID_PATTERN)
  instanceId!: string;

  /** End of the interval the sample covers. */
  @IsISO8601()
  at!: string;

  /** Average CPU utilisation over the interval, in percent of one core (0–100 per core used). */
  @IsOptional()
  @IsNumber()
  @Min(0)
  cpuPercent!: number | null;

  /** Requests served over the interval. */
  @IsInt()
  @Min(0)
  requests!: number;

  @IsNumber()
  @Min(0)
  intervalS!: number;
}

/** HistoryQuery asks for one worker's per-minute history. */
export class HistoryQuery {
  @Matches(INSTANCE_ID_PATTERN)
  instanceId!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_HISTORY_MINUTES)
  minutes!: number;
}

/** HistoryPoint is one minute: CPU average (null when no sample) and request sum. */
export interface HistoryPoint {
  /** Start of the minute, ISO 8601. */
  minute: string;
  cpuAvg: number | null;
  requests: number;
}

/** HistoryReply answers METRICS_HISTORY: one point per minute, oldest first. */
export interface HistoryReply {
  instanceId: string;
  points: HistoryPoint[];
}

export const METRICS_SAMPLE = defineEvent('metrics.sample', MetricSample);
export const METRICS_HISTORY = defineQuery<HistoryQuery, HistoryReply>(
  'metrics.history',
  'metrics',
  HistoryQuery,
);
