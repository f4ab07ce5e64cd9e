import { ConfigError } from '@app/config';
import { loadMetricsConfig } from './metrics.config';

describe('loadMetricsConfig', () => {
  it('should poll every 5 s locally and every 60 s on aws (CloudWatch has one datapoint a minute)', () => {
    expect(loadMetricsConfig({}).METRICS_POLL_S).toBe(5);
    expect(loadMetricsConfig({ CLOUD_PROVIDER: 'aws' }).METRICS_POLL_S).toBe(60);
    expect(loadMetricsConfig({ CLOUD_PROVIDER: 'aws', METRICS_POLL_S: '30' }).METRICS_POLL_S).toBe(
      30,
    );
  });

  it('should keep a day of history by default', () => {
    expect(loadMetricsConfig({}).METRICS_RETENTION_MIN).toBe(1440);
  });

  it.each([
    ['METRICS_POLL_S', 'often', 'must be a number of seconds'],
    ['METRICS_POLL_S', '0', 'must be at least 0.1'],
    ['METRICS_RETENTION_MIN', '1.5', 'must be a whole number'],
    ['CLOUD_PROVIDER', 'gcp', 'must be "local" or "aws"'],
  ])('should refuse %s=%s naming the variable', (variable, value, message) => {
    expect(() => loadMetricsConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadMetricsConfig({ [variable]: value })).toThrow(`${variable}: ${message}`);
  });
});
