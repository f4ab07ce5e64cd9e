import { HistoryPoint } from '@app/contracts';
import { RawSample } from '@app/cloud';

const MINUTE_MS = 60_000;

/** floorMinute returns the start of the minute `at` falls in. */
export function floorMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/**
 * minuteOfSample is the minute a sample is counted in: the one holding the middle of the interval
 * it covers. A 60 s CloudWatch datapoint ending at 12:04:00 belongs to 12:03, not 12:04.
 */
export function minuteOfSample(sample: Pick<RawSample, 'at' | 'intervalS'>): Date {
  return floorMinute(new Date(sample.at.getTime() - (sample.intervalS * 1000) / 2));
}

/** MinuteRow is one stored minute as read from `metric_minutes`. */
export interface MinuteRow {
  minute: Date;
  cpuSum: number;
  cpuCount: number;
  requests: number;
}

/**
 * fillMinutes turns stored rows into exactly `minutes` points ending with the minute of `now`,
 * oldest first; a minute without a row is CPU null (unknown, not 0) and 0 requests.
 */
export function fillMinutes(rows: MinuteRow[], now: Date, minutes: number): HistoryPoint[] {
  const byMinute = new Map(rows.map((r) => [r.minute.getTime(), r]));
  const last = floorMinute(now).getTime();
  const points: HistoryPoint[] = [];
  for (let t = last - (minutes - 1) * MINUTE_MS; t <= last; t += MINUTE_MS) {
    const row = byMinute.get(t);
    points.push({
      minute: new Date(t).toISOString(),
      cpuAvg: row && row.cpuCount > 0 ? Math.round((row.cpuSum / row.cpuCount) * 100) / 100 : null,
      requests: row ? row.requests : 0,
    });
  }
  return points;
}
