import 'reflect-metadata';
import { INSTANCE_ID_PATTERN as CONTRACT_INSTANCE_ID_PATTERN } from '@app/contracts';
import { ConfigError, loadConfig } from '@app/config';
import { AWS_CLOUD_ENV } from '@app/cloud';
import { WORKER_PORT_AWS_DEFAULT } from '@app/contracts/worker-port';
import { INSTANCE_ID_PATTERN, deriveSessionSecret, loadWorkerConfig } from './worker.config';

describe('loadWorkerConfig', () => {
  it('should default every value for local mode', () => {
    const config = loadWorkerConfig({});
    expect(config).toMatchObject({
      WORKER_PORT: 5001,
      WORKER_HOST: '127.0.0.1',
      UPLOAD_MAX_BYTES: 10485760,
      PRESIGN_TTL_S: 300,
      METRICS_PUBLISH_INTERVAL_S: 60,
      WORKER_HEALTH_PROBE_INTERVAL_MS: 10000,
      WORKER_HEALTH_PROBE_TIMEOUT_MS: 2000,
      // Test endpoints are off unless configured (issue #10).
      WORKER_LOAD_ENDPOINTS: false,
      WORKER_LOGIN_MAX_FAILURES: 10,
      WORKER_LOGIN_MAX_FAILURES_PER_ADDRESS: 100,
      WORKER_LOGIN_WINDOW_S: 900,
      WORKER_TRUSTED_PROXIES: 'loopback,uniquelocal',
      SESSION_TTL_S: 86400,
      APP_COOKIE_SECURE: 'auto',
      CLOUD_PROVIDER: 'local',
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/ebbflow',
    });
    expect(config.INSTANCE_ID).toMatch(/^i-[0-9a-f]{8}$/);
  });

  it.each([
    ['local mode', {}, '127.0.0.1', 5001],
    ['aws mode', { CLOUD_PROVIDER: 'aws' }, '0.0.0.0', 5000],
    [
      'aws mode, explicit',
      { CLOUD_PROVIDER: 'aws', WORKER_HOST: '10.0.0.5', WORKER_PORT: '6000' },
      '10.0.0.5',
      6000,
    ],
    ['local mode, explicit', { WORKER_HOST: '0.0.0.0', WORKER_PORT: '5007' }, '0.0.0.0', 5007],
  ])('should listen by default where targets are registered (%s)', (_name, vars, host, port) => {
    const config = loadWorkerConfig({ SESSION_SECRET: 's'.repeat(32), ...vars });
    expect({ host: config.WORKER_HOST, port: config.WORKER_PORT }).toEqual({ host, port });
  });

  it('should listen in aws mode on the port the fleet registers targets on', () => {
    const worker = loadWorkerConfig({ CLOUD_PROVIDER: 'aws', SESSION_SECRET: 's'.repeat(32) });
    expect(worker.WORKER_PORT).toBe(loadConfig(AWS_CLOUD_ENV, {}).WORKER_PORT_AWS);
    expect(worker.WORKER_PORT).toBe(WORKER_PORT_AWS_DEFAULT);
  });

  it('should give each worker its own random INSTANCE_ID when none is set', () => {
    expect(loadWorkerConfig({}).INSTANCE_ID).not.toBe(loadWorkerConfig({}).INSTANCE_ID);
  });

  it('should derive the same session secret in every local worker of one database', () => {
    const a = loadWorkerConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/one' });
    const b = loadWorkerConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/one' });
    const c = loadWorkerConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/two' });
    expect(a.SESSION_SECRET).toBe(b.SESSION_SECRET);
    expect(a.SESSION_SECRET).not.toBe(c.SESSION_SECRET);
    expect(a.SESSION_SECRET).toBe(deriveSessionSecret('mysql://root@127.0.0.1:3306/one'));
  });

  it('should require SESSION_SECRET with CLOUD_PROVIDER=aws', () => {
    expect(() => loadWorkerConfig({ CLOUD_PROVIDER: 'aws' })).toThrow(ConfigError);
    expect(() => loadWorkerConfig({ CLOUD_PROVIDER: 'aws' })).toThrow(
      /SESSION_SECRET: is required/,
    );
    const config = loadWorkerConfig({ CLOUD_PROVIDER: 'aws', SESSION_SECRET: 's'.repeat(32) });
    expect(config.SESSION_SECRET).toBe('s'.repeat(32));
  });

  it.each([
    ['INSTANCE_ID', 'i-123', 'must look like i-0123abcd'],
    ['INSTANCE_ID', 'i-0123ABCD', 'must look like i-0123abcd'],
    ['WORKER_PORT', '70000', 'must be between 0 and 65535'],
    ['UPLOAD_MAX_BYTES', 'ten', 'must be a number'],
    ['PRESIGN_TTL_S', '0', 'must be at least 1'],
    ['PRESIGN_TTL_S', '604801', 'must be at most 604800'],
    ['METRICS_PUBLISH_INTERVAL_S', '0', 'must be at least 1'],
    ['SESSION_SECRET', 'short', 'must be at least 16 characters'],
    ['WORKER_LOAD_ENDPOINTS', 'on', 'must be true or false'],
    ['WORKER_LOGIN_MAX_FAILURES', '0', 'must be at least 1'],
    ['WORKER_LOGIN_WINDOW_S', 'a while', 'must be a number'],
    ['WORKER_TRUSTED_PROXIES', 'loopback,everyone', 'must be comma-separated loopback'],
    ['WORKER_HEALTH_PROBE_INTERVAL_MS', '10', 'must be at least 100'],
    ['WORKER_HEALTH_PROBE_TIMEOUT_MS', 'soon', 'must be a number'],
    ['CLOUD_PROVIDER', 'gcp', 'must be "local" or "aws"'],
    ['APP_COOKIE_SECURE', 'yes', 'must be auto, true or false'],
    ['S3_PUBLIC_ENDPOINT', 'nonsense', 'must be an http:// or https:// URL'],
    ['S3_PUBLIC_ENDPOINT', 'ftp://localhost:4569', 'must be an http:// or https:// URL'],
  ])('should refuse %s=%p naming the variable', (variable, value, message) => {
    expect(() => loadWorkerConfig({ [variable]: value })).toThrow(`${variable}: ${message}`);
  });

  it('should leave S3_PUBLIC_ENDPOINT unset by default and accept an http URL', () => {
    expect(loadWorkerConfig({}).S3_PUBLIC_ENDPOINT).toBeUndefined();
    expect(loadWorkerConfig({ S3_PUBLIC_ENDPOINT: '' }).S3_PUBLIC_ENDPOINT).toBeUndefined();
    expect(
      loadWorkerConfig({ S3_PUBLIC_ENDPOINT: 'http://localhost:4569' }).S3_PUBLIC_ENDPOINT,
    ).toBe('http://localhost:4569');
  });

  it('should accept EC2-style instance ids of 17 hex digits', () => {
    expect(loadWorkerConfig({ INSTANCE_ID: 'i-0abc123def4567890' }).INSTANCE_ID).toMatch(
      INSTANCE_ID_PATTERN,
    );
  });

  it('should use the same instance id pattern as the fleet contracts', () => {
    expect(INSTANCE_ID_PATTERN.source).toBe(CONTRACT_INSTANCE_ID_PATTERN.source);
  });
});
