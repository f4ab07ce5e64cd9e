import { ConfigError } from '@app/config';
import { loadScalerConfig } from './scaler.config';

describe('loadScalerConfig', () => {
  it('should default to the original timings: every 60 s, a 120 s window, a 300 s cooldown, a 120 s warm-up', () => {
    expect(loadScalerConfig({})).toMatchObject({
      SCALER_INTERVAL_S: 60,
      SCALER_WINDOW_S: 120,
      SCALER_COOLDOWN_S: 300,
      SCALER_WARMUP_S: 120,
      SCALER_FLEET_REFRESH_S: 30,
      SCALER_DECISION_RETENTION_DAYS: 30,
    });
  });

  it('should accept fractions of a second so tests run in seconds', () => {
    expect(loadScalerConfig({ SCALER_INTERVAL_S: '0.5', SCALER_COOLDOWN_S: '0' })).toMatchObject({
      SCALER_INTERVAL_S: 0.5,
      SCALER_COOLDOWN_S: 0,
    });
  });

  it.each([
    ['SCALER_INTERVAL_S', '0', 'must be at least 0.1'],
    ['SCALER_WINDOW_S', 'two minutes', 'must be a number'],
    ['SCALER_COOLDOWN_S', '-5', 'must be at least 0'],
    ['SCALER_WARMUP_S', 'abc', 'must be a number'],
  ])('should refuse %s=%s naming the variable', (variable, value, message) => {
    expect(() => loadScalerConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadScalerConfig({ [variable]: value })).toThrow(`${variable}: ${message}`);
  });

  it.each([
    ['local mode', {}, 120],
    ['aws mode: at least 3 CloudWatch periods', { CLOUD_PROVIDER: 'aws' }, 300],
    ['aws mode, explicit', { CLOUD_PROVIDER: 'aws', SCALER_WINDOW_S: '600' }, 600],
    ['local mode, explicit', { SCALER_WINDOW_S: '5' }, 5],
  ])('should default SCALER_WINDOW_S by mode (%s)', (_name, vars, windowS) => {
    expect(loadScalerConfig(vars).SCALER_WINDOW_S).toBe(windowS);
  });
});
