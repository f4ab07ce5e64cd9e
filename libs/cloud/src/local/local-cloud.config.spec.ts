import { ConfigError } from '@app/config';
import { existsSync } from 'fs';
import { isAbsolute, join } from 'path';
import { loadLocalCloudConfig, repoRoot, resolveFromRepo } from './local-cloud.config';

describe('loadLocalCloudConfig', () => {
  it('should default to the documented values', () => {
    expect(loadLocalCloudConfig({})).toMatchObject({
      WORKER_ENTRY: 'dist/apps/worker/src/main.js',
      FLEET_STATE_DIR: 'var/fleet',
      LAUNCH_TIMEOUT_MS: 60000,
      LAUNCH_PROBE_INTERVAL_MS: 250,
      LAUNCH_PROBE_TIMEOUT_MS: 1000,
      TERMINATE_GRACE_MS: 10000,
      BALANCER_ADMIN_URL: 'http://127.0.0.1:8081',
      BALANCER_PUBLIC_URL: 'http://localhost:8080',
      BALANCER_ADMIN_TIMEOUT_MS: 3000,
    });
  });

  it.each([
    [{ BALANCER_ADMIN_URL: 'localhost:8081' }, 'BALANCER_ADMIN_URL'],
    [{ LAUNCH_TIMEOUT_MS: 'soon' }, 'LAUNCH_TIMEOUT_MS'],
    [{ LAUNCH_PROBE_INTERVAL_MS: '0' }, 'LAUNCH_PROBE_INTERVAL_MS'],
    [{ LAUNCH_PROBE_TIMEOUT_MS: 'fast' }, 'LAUNCH_PROBE_TIMEOUT_MS'],
    [{ WORKER_ENV_PASS: 'PATH, HOME' }, 'WORKER_ENV_PASS'],
    [{ BALANCER_ADMIN_TOKEN: 'short' }, 'BALANCER_ADMIN_TOKEN'],
  ])('should refuse %j naming %s', (env, variable) => {
    expect(() => loadLocalCloudConfig(env)).toThrow(ConfigError);
    expect(() => loadLocalCloudConfig(env)).toThrow(variable);
  });
});

describe('resolveFromRepo', () => {
  it('should resolve relative paths against the repository root, whatever the working directory', () => {
    expect(existsSync(join(repoRoot(), 'package.json'))).toBe(true);
    expect(resolveFromRepo('var/fleet')).toBe(join(repoRoot(), 'var/fleet'));
    expect(isAbsolute(resolveFromRepo('var/fleet'))).toBe(true);
    expect(resolveFromRepo('/tmp/x')).toBe('/tmp/x');
  });
});
