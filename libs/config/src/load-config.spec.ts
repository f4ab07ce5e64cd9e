import { AMQP_ENV, CLOUD_ENV, ConfigError, DATABASE_ENV, loadConfig, S3_ENV } from '@app/config';

describe('loadConfig', () => {
  it('should apply the DESIGN.md defaults when nothing is set', () => {
    const cfg = loadConfig({ ...AMQP_ENV, ...DATABASE_ENV, ...S3_ENV, ...CLOUD_ENV }, {});
    expect(cfg.AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(cfg.DATABASE_URL).toBe('mysql://root@127.0.0.1:3306/ebbflow');
    expect(cfg.S3_PORT).toBe(4569);
    expect(cfg.CLOUD_PROVIDER).toBe('local');
    expect(cfg.AMQP_PREFETCH).toBe(10);
  });

  it.each([
    ['AMQP_URL', 'nonsense', /AMQP_URL: must be a URL starting with amqp:\/\/ or amqps:\/\//],
    ['AMQP_PREFETCH', '0', /AMQP_PREFETCH: must be at least 1/],
    ['AMQP_PREFETCH', 'ten', /AMQP_PREFETCH: must be a number/],
    ['DATABASE_URL', 'postgres://x/y', /DATABASE_URL: must be a URL starting with mysql:\/\//],
    ['CLOUD_PROVIDER', 'gcp', /CLOUD_PROVIDER: must be "local" or "aws"/],
    ['S3_BUCKET', 'Bad_Bucket', /S3_BUCKET: must be a valid S3 bucket name/],
    ['S3_PORT', '70000', /S3_PORT: must be between 0 and 65535/],
  ])('should refuse %s=%s with a message naming the variable', (variable, value, message) => {
    const shape = { ...AMQP_ENV, ...DATABASE_ENV, ...S3_ENV, ...CLOUD_ENV };
    let error: unknown;
    try {
      loadConfig(shape, { [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
  });

  it('should treat an empty variable as unset', () => {
    expect(loadConfig(AMQP_ENV, { AMQP_URL: '' }).AMQP_URL).toBe(
      'amqp://guest:guest@127.0.0.1:5672',
    );
  });

  it('should read only the variables its schema declares', () => {
    const cfg = loadConfig(CLOUD_ENV, { CLOUD_PROVIDER: 'aws', UNRELATED: 'x' }) as Record<
      string,
      unknown
    >;
    expect(cfg).toEqual({ CLOUD_PROVIDER: 'aws' });
  });
});
