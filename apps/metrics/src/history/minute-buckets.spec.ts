import { fillMinutes, floorMinute, minuteOfSample } from './minute-buckets';

const t = (iso: string) => new Date(iso);

describe('minute buckets', () => {
  it('should count a 5 s scrape in the minute holding the middle of its interval', () => {
    expect(minuteOfSample({ at: t('2025-01-01T12:04:02Z'), intervalS: 5 })).toEqual(
      t('2025-01-01T12:03:00Z'),
    );
    expect(minuteOfSample({ at: t('2025-01-01T12:04:33Z'), intervalS: 5 })).toEqual(
      t('2025-01-01T12:04:00Z'),
    );
  });

  it('should count a 60 s CloudWatch datapoint ending at 12:04:00 in 12:03', () => {
    expect(minuteOfSample({ at: t('2025-01-01T12:04:00Z'), intervalS: 60 })).toEqual(
      t('2025-01-01T12:03:00Z'),
    );
  });

  it('should floor to the minute', () => {
    expect(floorMinute(t('2025-01-01T12:04:59.999Z'))).toEqual(t('2025-01-01T12:04:00Z'));
  });

  it('should give one point per minute, oldest first, ending with the current minute; gaps are CPU null and 0 requests', () => {
    const points = fillMinutes(
      [
        { minute: t('2025-01-01T12:02:00Z'), cpuSum: 60, cpuCount: 4, requests: 30 },
        { minute: t('2025-01-01T12:04:00Z'), cpuSum: 0, cpuCount: 0, requests: 7 },
        { minute: t('2025-01-01T11:00:00Z'), cpuSum: 1, cpuCount: 1, requests: 1 },
      ],
      t('2025-01-01T12:04:30Z'),
      4,
    );
    expect(points).toEqual([
      { minute: '2025-01-01T12:01:00.000Z', cpuAvg: null, requests: 0 },
      { minute: '2025-01-01T12:02:00.000Z', cpuAvg: 15, requests: 30 },
      { minute: '2025-01-01T12:03:00.000Z', cpuAvg: null, requests: 0 },
      { minute: '2025-01-01T12:04:00.000Z', cpuAvg: null, requests: 7 },
    ]);
  });
});
