import { ConfigError } from '@app/config';
import { loadBalancerConfig } from './balancer.config';

describe('loadBalancerConfig', () => {
  const token = { BALANCER_ADMIN_TOKEN: 'a-token-of-16-chars' };

  it('should default to the documented values', () => {
    expect(loadBalancerConfig(token)).toEqual({
      BALANCER_ADMIN_TOKEN: 'a-token-of-16-chars',
      BALANCER_PORT: 8080,
      BALANCER_HOST: '0.0.0.0',
      BALANCER_ADMIN_PORT: 8081,
      BALANCER_HEALTH_PATH: '/health',
      BALANCER_HEALTH_INTERVAL_MS: 2000,
      BALANCER_HEALTH_TIMEOUT_MS: 1500,
      BALANCER_HEALTHY_THRESHOLD: 2,
      BALANCER_UNHEALTHY_THRESHOLD: 2,
      BALANCER_DEREGISTRATION_DELAY_MS: 30000,
      BALANCER_IDLE_TIMEOUT_MS: 60000,
      BALANCER_STATE_FILE: 'var/balancer/targets.json',
    });
  });

  it.each([
    [{}, 'BALANCER_ADMIN_TOKEN: is required'],
    [{ BALANCER_ADMIN_TOKEN: 'too-short' }, 'BALANCER_ADMIN_TOKEN: must be at least 16'],
    [{ ...token, BALANCER_PORT: 'eighty' }, 'BALANCER_PORT'],
    [{ ...token, BALANCER_HEALTH_PATH: 'health' }, 'BALANCER_HEALTH_PATH'],
    [{ ...token, BALANCER_HEALTHY_THRESHOLD: '0' }, 'BALANCER_HEALTHY_THRESHOLD'],
    // ELBv2's rule: a check must time out before the next one starts.
    [
      { ...token, BALANCER_HEALTH_INTERVAL_MS: '1000', BALANCER_HEALTH_TIMEOUT_MS: '1000' },
      'BALANCER_HEALTH_TIMEOUT_MS',
    ],
  ])('should refuse %j naming %s', (env, variable) => {
    expect(() => loadBalancerConfig(env)).toThrow(ConfigError);
    expect(() => loadBalancerConfig(env)).toThrow(variable);
  });
});
